// Asking git which files have uncommitted changes, so --write never mixes goprod's changes
// with the user's (as cargo fix refuses to).
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';

export interface DirtyReport {
  /** Files with uncommitted changes (modified, staged or untracked). */
  dirty: string[];
  /** Files outside any git work tree. */
  outsideGit: string[];
}

export async function uncommittedFiles(paths: readonly string[]): Promise<DirtyReport> {
  const report: DirtyReport = { dirty: [], outsideGit: [] };
  const byDir = new Map<string, string[]>();
  for (const p of paths) byDir.set(dirname(p), [...(byDir.get(dirname(p)) ?? []), p]);
  for (const [dir, files] of byDir) {
    const status = await git(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...files.map((f) => basename(f))]);
    if (status === undefined) report.outsideGit.push(...files);
    else {
      const listed = new Set(status.split('\0').filter(Boolean).map((entry) => basename(entry.slice(3))));
      report.dirty.push(...files.filter((f) => listed.has(basename(f))));
    }
  }
  return report;
}

/** git's stdout, or undefined outside a work tree (or without git). */
function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((done) => execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => done(error ? undefined : stdout)));
}
