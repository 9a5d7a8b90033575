// A bulk run: the repositories of the list (or of one shard of it), `jobs` at a time (pool.ts), each
// recorded in the report directory as soon as it is done (so --resume after a kill redoes
// nothing finished), then report.json and report.html. One repository failing never stops
// the others.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { reportHtml } from './html.js';
import { runJob, type JobOptions } from './job.js';
import { BULK_RECORDS, bulkReportSpan, type BulkReport, type RepoRecord } from './model.js';
import { gatherReports, runRepos, timeSpan, writeAtomic, writeRecord, type ProgressEvent } from './pool.js';
import type { Repo, Shard } from './repos.js';

export interface BulkOptions extends Omit<JobOptions, 'push' | 'onStage'> {
  jobs: number;
  shard?: Shard;
  resume: boolean;
  pushCommand?: string;
  /** Seconds between two pushes (forges limit how fast branches and pull requests come). */
  pushDelay: number;
  /** Told when a repository starts, changes stage or ends (for a progress display). */
  onProgress?: (event: ProgressEvent) => void;
}

export async function runBulk(all: readonly Repo[], options: BulkOptions): Promise<BulkReport> {
  const push = options.pushCommand === undefined ? undefined : pushGate(options.pushCommand, options.pushDelay);
  const run = await runRepos<RepoRecord>(all, {
    ...options,
    ...BULK_RECORDS,
    job: (repo, onStage) => runJob(repo, { ...options, push, onStage }),
    outcome: (record) => record.status,
  });
  return {
    version: 1,
    codemods: options.codemods,
    branch: options.branch,
    ...(options.shard ? { shard: options.shard } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    repositories: run.records,
  };
}

/** report.json and report.html in `dir`; with `records`, the per-repository records too (a merge has none yet). */
export function writeReport(dir: string, report: BulkReport, { records }: { records: boolean }): void {
  mkdirSync(join(dir, 'repos'), { recursive: true });
  if (records) for (const r of report.repositories) writeRecord(join(dir, 'repos'), r);
  writeAtomic(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(join(dir, 'report.html'), reportHtml(report));
}

/**
 * Runs the user's push command, one repository at a time and `delay` seconds apart. The
 * command is the user's own text, run by `sh -c` as written: repository, branch and summary
 * reach it only as environment variables (GOPROD_REPO, GOPROD_BRANCH, …), so no repository
 * name is ever interpolated into a shell command.
 */
function pushGate(command: string, delay: number): NonNullable<JobOptions['push']> {
  let last = Promise.resolve();
  let first = true;
  return (_repo, worktree, env) => {
    const turn = last.then(async () => {
      if (!first) await new Promise((wait) => setTimeout(wait, delay * 1000));
      first = false;
      return runPush(command, worktree, env);
    });
    last = turn.then(() => undefined);
    return turn;
  };
}

function runPush(command: string, cwd: string, env: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('error', (e) => done({ ok: false, output: e.message }));
    child.on('close', (code) => done({ ok: code === 0, output: output.slice(-4000) }));
  });
}

/** Merges the records of several report directories (the shards of one migration) into one report. */
export function mergeReports(dirs: readonly string[]): BulkReport {
  const { records, reports } = gatherReports(dirs, { ...BULK_RECORDS, report: bulkReportSpan });
  return {
    version: 1,
    codemods: [...new Set(reports.flatMap((r) => r.codemods))],
    branch: reports[0]?.branch ?? '',
    ...timeSpan(reports),
    repositories: records.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
