// The bulk command as the command line runs it: flags in, a live display on a terminal (a
// line per running repository and the count) or a line per repository done, the report out.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { tempPrefix, temporaryPath } from '../engine/interrupt.js';
import type { Io } from '../io.js';
import { displayPath, plural } from '../output/text.js';
import { tally, type BulkReport } from './model.js';
import { progressDisplay } from './pool.js';
import { listRepos, parseShard } from './repos.js';
import { runBulk, writeReport } from './run.js';

/** The flags of `goprod bulk`, as commander parses them. */
export interface BulkFlags {
  codemod?: string;
  repos?: string;
  branch?: string;
  jobs?: number;
  shard?: string;
  report: string;
  download?: boolean;
  typeFacts: boolean;
  pushCmd?: string;
  pushDelay: number;
  resume?: boolean;
  timeout: number;
}

/**
 * `goprod bulk`: the repositories of `dirs` and --repos, the codemods chosen (`every`: all
 * of them, which names the default branch goprod/all), a live display on a terminal, the
 * report written at the end. Exit status 1 when a repository failed.
 */
export async function bulkCommand(dirs: string[], codemods: string[], every: boolean, opts: BulkFlags, io: Io): Promise<number> {
  const repos = listRepos(dirs, opts.repos, io.cwd);
  const reportDir = resolve(io.cwd, opts.report);
  const branch = opts.branch ?? `goprod/${every ? 'all' : codemods.join('+')}`;
  const progress = progressDisplay(io, 'goprod bulk', (stage) =>
    ['changed', 'unchanged', 'skipped', 'unverified', 'failed'].includes(stage),
  );
  const worktreesDir = mkdtempSync(tempPrefix('worktrees'));
  const forget = temporaryPath(worktreesDir);
  try {
    const report = await runBulk(repos, {
      codemods,
      branch,
      reportDir,
      worktreesDir,
      download: opts.download ?? false,
      typeFacts: opts.typeFacts,
      timeoutMinutes: opts.timeout,
      resume: opts.resume ?? false,
      jobs: opts.jobs ?? availableParallelism(),
      shard: opts.shard === undefined ? undefined : parseShard(opts.shard),
      pushCommand: opts.pushCmd,
      pushDelay: opts.pushDelay,
      onProgress: progress.onProgress,
    });
    progress.done();
    writeReport(reportDir, report, { records: false });
    for (const r of report.repositories.filter((r) => r.status === 'failed' || r.status === 'skipped' || r.status === 'unverified'))
      io.stderr(`goprod: ${r.name}: ${r.status}: ${r.reason ?? ''}\n`);
    io.stderr(`goprod: ${bulkSummary(report)}; report: ${displayPath(join(reportDir, 'report.html'), io.cwd)}\n`);
    return report.repositories.some((r) => r.status === 'failed') ? 1 : 0;
  } finally {
    rmSync(worktreesDir, { recursive: true, force: true });
    forget();
  }
}

/** `12 repositories: 4 changed, …; 37 fixes (wrap-errors 30, loopvar 7), 2 backed out`. */
export function bulkSummary(report: BulkReport): string {
  const { byStatus, applied, backedOut } = tally(report);
  const statuses = Object.entries(byStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const total = Object.values(applied).reduce((a, b) => a + b, 0);
  const perCodemod = Object.entries(applied)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const repositories = `${report.repositories.length} ${plural(report.repositories.length, 'repository', 'repositories')}`;
  const committed = `${total} ${plural(total, 'fix', 'fixes')} committed${perCodemod ? ` (${perCodemod})` : ''}`;
  return `${repositories}: ${statuses}; ${committed}${backedOut > 0 ? `, ${backedOut} backed out` : ''}`;
}
