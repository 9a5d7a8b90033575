// A bulk run: the repositories of the list (or of one shard of it), `jobs` at a time, each
// recorded in the report directory as soon as it is done (so --resume after a kill redoes
// nothing finished), then report.json and report.html. One repository failing never stops
// the others.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { reportHtml } from './html.js';
import { runJob, type JobOptions } from './job.js';
import type { BulkReport, RepoRecord } from './model.js';
import { inShard, slugOf, type Repo, type Shard } from './repos.js';

export interface BulkOptions extends Omit<JobOptions, 'push' | 'onStage'> {
  jobs: number;
  shard?: Shard;
  resume: boolean;
  pushCommand?: string;
  /** Seconds between two pushes (forges limit how fast branches and pull requests come). */
  pushDelay: number;
  /** Told when a repository starts, changes stage or ends (for a progress display). */
  onProgress?: (event: { repo: Repo; stage: string; done: number; of: number }) => void;
}

export async function runBulk(all: readonly Repo[], options: BulkOptions): Promise<BulkReport> {
  const startedAt = new Date().toISOString();
  const repos = options.shard ? all.filter((r) => inShard(r, options.shard!)) : [...all];
  const recordsDir = join(options.reportDir, 'repos');
  const earlier = readRecords(recordsDir);
  if (earlier.size > 0 && !options.resume) throw new UsageError(`${options.reportDir} holds the results of an earlier run: add --resume to continue it, or choose another --report directory`);
  mkdirSync(recordsDir, { recursive: true });

  const records = new Map<string, RepoRecord>();
  const pending = repos.filter((r) => {
    const had = earlier.get(r.id);
    if (had) records.set(r.id, had);
    return !had;
  });
  const push = options.pushCommand === undefined ? undefined : pushGate(options.pushCommand, options.pushDelay);
  let done = repos.length - pending.length;
  const queue = [...pending];
  const worker = async () => {
    for (let repo = queue.shift(); repo; repo = queue.shift()) {
      const current = repo;
      options.onProgress?.({ repo: current, stage: 'starting', done, of: repos.length });
      const record = await runJob(current, { ...options, push, onStage: (stage) => options.onProgress?.({ repo: current, stage, done, of: repos.length }) });
      writeRecord(recordsDir, record);
      records.set(current.id, record);
      done++;
      options.onProgress?.({ repo: current, stage: record.status, done, of: repos.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, pending.length)) }, worker));
  return {
    version: 1,
    codemods: options.codemods,
    branch: options.branch,
    ...(options.shard ? { shard: options.shard } : {}),
    startedAt,
    finishedAt: new Date().toISOString(),
    repositories: repos.map((r) => records.get(r.id)!),
  };
}

/** The per-repository records a report directory holds, by identity. */
export function readRecords(dir: string): Map<string, RepoRecord> {
  const records = new Map<string, RepoRecord>();
  if (!existsSync(dir)) return records;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as RepoRecord;
    records.set(record.id, record);
  }
  return records;
}

function writeRecord(dir: string, record: RepoRecord): void {
  writeAtomic(join(dir, `${slugOf(record.name, record.id)}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** report.json and report.html in `dir`; with `records`, the per-repository records too (a merge has none yet). */
export function writeReport(dir: string, report: BulkReport, { records }: { records: boolean }): void {
  mkdirSync(join(dir, 'repos'), { recursive: true });
  if (records) for (const r of report.repositories) writeRecord(join(dir, 'repos'), r);
  writeAtomic(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(join(dir, 'report.html'), reportHtml(report));
}

function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
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
  const records = new Map<string, RepoRecord>();
  const reports: BulkReport[] = [];
  for (const dir of dirs) {
    const found = readRecords(join(dir, 'repos'));
    // A shard may have had no repository at all: its report.json says so.
    const whole = join(dir, 'report.json');
    if (found.size === 0 && !existsSync(whole)) throw new UsageError(`${dir}: no bulk results (neither report.json nor repos/*.json)`);
    for (const [id, r] of found) records.set(id, r);
    if (existsSync(whole)) reports.push(JSON.parse(readFileSync(whole, 'utf8')) as BulkReport);
  }
  const times = reports.flatMap((r) => [r.startedAt, r.finishedAt]).sort();
  const now = new Date().toISOString();
  return {
    version: 1,
    codemods: [...new Set(reports.flatMap((r) => r.codemods))],
    branch: reports[0]?.branch ?? '',
    startedAt: times[0] ?? now,
    finishedAt: times[times.length - 1] ?? now,
    repositories: [...records.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
