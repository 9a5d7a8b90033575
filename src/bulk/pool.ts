// What every command over many repositories shares (goprod bulk, goprod check --report): the
// repositories of the list or of one shard of it, `jobs` at a time, each recorded in the report
// directory as soon as it is done (repos/<slug>.json, so --resume after a kill redoes nothing
// finished), and the gathering of several report directories (the shards of one run) for
// merge-reports. One repository failing never stops the others: a job returns its record.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { StatusBlock } from '../output/terminal.js';
import { inShard, slugOf, type Repo, type Shard } from './repos.js';

/** The part of a repository's record the pool reads. */
export interface RepoResult {
  /** The repository's identity (see Repo.id): records are matched by it. */
  id: string;
  name: string;
  /** Which command made the record: absent for goprod bulk's, 'check' for goprod check's. */
  kind?: string;
}

/** Told when a repository starts, changes stage or ends (`stage` is then its status). */
export type ProgressEvent = { repo: Repo; stage: string; done: number; of: number };

export interface PoolOptions<R extends RepoResult> {
  /** The report directory: records go to its repos/ directory. */
  reportDir: string;
  jobs: number;
  shard?: Shard;
  /** Keep the records an earlier run left in repos/ and do only the rest. */
  resume: boolean;
  /** The kind of record this command makes (see RepoResult.kind), and the command's name for messages. */
  kind: string | undefined;
  command: string;
  /** One repository's work; `onStage` says what it is doing. It returns a record, whatever happens. */
  job: (repo: Repo, onStage: (stage: string) => void) => Promise<R>;
  /** The stage shown when a record is done (its status). */
  outcome: (record: R) => string;
  onProgress?: (event: ProgressEvent) => void;
}

/** Runs the jobs; the records come back in the list's order, those kept from an earlier run included. */
export async function runRepos<R extends RepoResult>(all: readonly Repo[], options: PoolOptions<R>): Promise<{ startedAt: string; finishedAt: string; records: R[] }> {
  const startedAt = new Date().toISOString();
  const repos = options.shard ? all.filter((r) => inShard(r, options.shard!)) : [...all];
  const recordsDir = join(options.reportDir, 'repos');
  const earlier = readRecords<R>(recordsDir, options.kind, options.command);
  if (earlier.size > 0 && !options.resume) throw new UsageError(`${options.reportDir} holds the results of an earlier run: add --resume to continue it, or choose another --report directory`);
  mkdirSync(recordsDir, { recursive: true });

  const records = new Map<string, R>();
  const pending = repos.filter((r) => {
    const had = earlier.get(r.id);
    if (had) records.set(r.id, had);
    return !had;
  });
  let done = repos.length - pending.length;
  const queue = [...pending];
  const worker = async () => {
    for (let repo = queue.shift(); repo; repo = queue.shift()) {
      const current = repo;
      options.onProgress?.({ repo: current, stage: 'starting', done, of: repos.length });
      const record = await options.job(current, (stage) => options.onProgress?.({ repo: current, stage, done, of: repos.length }));
      writeRecord(recordsDir, record);
      records.set(current.id, record);
      done++;
      options.onProgress?.({ repo: current, stage: options.outcome(record), done, of: repos.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, pending.length)) }, worker));
  return { startedAt, finishedAt: new Date().toISOString(), records: repos.map((r) => records.get(r.id)!) };
}

/** The per-repository records a report directory's repos/ holds, by identity; another command's records are refused. */
export function readRecords<R extends RepoResult>(dir: string, kind: string | undefined, command: string): Map<string, R> {
  const records = new Map<string, R>();
  if (!existsSync(dir)) return records;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as R;
    if (record.kind !== kind) throw new UsageError(`${join(dir, name)} is a result of goprod ${record.kind ?? 'bulk'}, not of ${command}: choose another --report directory`);
    records.set(record.id, record);
  }
  return records;
}

export function writeRecord(dir: string, record: RepoResult): void {
  writeAtomic(join(dir, `${slugOf(record.name, record.id)}.json`), `${JSON.stringify(record, null, 2)}\n`);
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/**
 * The records and report.json documents of several report directories (the shards of one
 * run), for merge-reports. A shard may have had no repository at all: its report.json says so.
 */
export function gatherReports<R extends RepoResult, D>(dirs: readonly string[], kind: string | undefined, command: string): { records: R[]; reports: D[] } {
  const records = new Map<string, R>();
  const reports: D[] = [];
  for (const dir of dirs) {
    const found = readRecords<R>(join(dir, 'repos'), kind, command);
    const whole = join(dir, 'report.json');
    if (found.size === 0 && !existsSync(whole)) throw new UsageError(`${dir}: no ${command.replace(/^goprod /, '')} results (neither report.json nor repos/*.json)`);
    for (const [id, r] of found) records.set(id, r);
    if (existsSync(whole)) reports.push(JSON.parse(readFileSync(whole, 'utf8')) as D);
  }
  return { records: [...records.values()], reports };
}

/** The earliest start and the latest end of several reports' runs. */
export function timeSpan(reports: ReadonlyArray<{ startedAt: string; finishedAt: string }>): { startedAt: string; finishedAt: string } {
  const times = reports.flatMap((r) => [r.startedAt, r.finishedAt]).sort();
  const now = new Date().toISOString();
  return { startedAt: times[0] ?? now, finishedAt: times[times.length - 1] ?? now };
}

/**
 * What a run over many repositories shows while it works: on a terminal, a live line per
 * running repository and the count (erased at the end); elsewhere, a line per repository done.
 */
export function progressDisplay(io: Io, command: string, finished: (stage: string) => boolean): { onProgress: (event: ProgressEvent) => void; done: () => void } {
  const live = io.tty?.stderr && !io.env?.CI ? new StatusBlock(io.stderr) : undefined;
  const running = new Map<string, string>();
  return {
    onProgress: ({ repo, stage, done, of }) => {
      const over = finished(stage);
      if (over) running.delete(repo.name);
      else running.set(repo.name, stage);
      if (live) live.draw([...[...running].map(([name, s]) => `  ${name}: ${s}`), `${command}: ${done} of ${of} repositories done`]);
      else if (over) io.stderr(`goprod: [${done}/${of}] ${repo.name}: ${stage}\n`);
    },
    done: () => live?.done(),
  };
}
