// Asking git which files have uncommitted changes, so --write never mixes goprod's changes
// with the user's (as cargo fix refuses to).
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface DirtyReport {
  /** Files with uncommitted changes (modified, staged or untracked). */
  dirty: string[];
  /** Files outside any git work tree. */
  outsideGit: string[];
}

export async function uncommittedFiles(paths: readonly string[]): Promise<DirtyReport> {
  const report: DirtyReport = { dirty: [], outsideGit: [] };
  // A file a codemod creates may be in a directory that does not exist yet: ask from the nearest one that does.
  const byDir = new Map<string, string[]>();
  for (const p of paths) {
    const dir = existingAncestor(dirname(p));
    byDir.set(dir, [...(byDir.get(dir) ?? []), p]);
  }
  for (const [dir, files] of byDir) {
    const top = (await git(dir, ['rev-parse', '--show-toplevel']))?.trim();
    const status =
      top &&
      (await git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...files.map((f) => relative(top, realPath(f)))]));
    if (top === undefined || status === undefined) report.outsideGit.push(...files);
    else {
      // Entries are `XY path` relative to the top, NUL-separated (a rename's old path follows it alone).
      const listed = new Set(
        status
          .split('\0')
          .filter(Boolean)
          .map((entry) => join(top, entry.slice(3))),
      );
      report.dirty.push(...files.filter((f) => listed.has(realPath(f))));
    }
  }
  return report;
}

function existingAncestor(dir: string): string {
  return existsSync(dir) || dirname(dir) === dir ? dir : existingAncestor(dirname(dir));
}

/** The path with its existing part's symbolic links resolved, as git reports it. */
function realPath(path: string): string {
  const dir = existingAncestor(path);
  return join(realpathSync(dir), relative(dir, path));
}

/** git's stdout, or undefined outside a work tree (or without git). */
function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((done) =>
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => done(error ? undefined : stdout)),
  );
}
