// What every command over many repositories shares (goprod bulk, goprod check --report): the
// repositories of the list or of one shard of it, `jobs` at a time, each recorded in the report
// directory as soon as it is done (repos/<slug>.json, so --resume after a kill redoes nothing
// finished), and the gathering of several report directories (the shards of one run) for
// merge-reports. One repository failing never stops the others: a job returns its record.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Check, JsonShapeError, object, optional, parseChecked, string } from '../checked-json.js';
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

export interface PoolOptions<R extends RepoResult> extends RecordKind<R> {
  /** The report directory: records go to its repos/ directory. */
  reportDir: string;
  jobs: number;
  shard?: Shard;
  /** Keep the records an earlier run left in repos/ and do only the rest. */
  resume: boolean;
  /** One repository's work; `onStage` says what it is doing. It returns a record, whatever happens. */
  job: (repo: Repo, onStage: (stage: string) => void) => Promise<R>;
  /** The stage shown when a record is done (its status). */
  outcome: (record: R) => string;
  onProgress?: (event: ProgressEvent) => void;
}

/** Runs the jobs; the records come back in the list's order, those kept from an earlier run included. */
export async function runRepos<R extends RepoResult>(
  all: readonly Repo[],
  options: PoolOptions<R>,
): Promise<{ startedAt: string; finishedAt: string; records: R[] }> {
  const startedAt = new Date().toISOString();
  const repos = options.shard ? all.filter((r) => inShard(r, options.shard!)) : [...all];
  const recordsDir = join(options.reportDir, 'repos');
  const earlier = readRecords(recordsDir, options);
  if (earlier.size > 0 && !options.resume)
    throw new UsageError(
      `${options.reportDir} holds the results of an earlier run: add --resume to continue it, or choose another --report directory`,
    );
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
/** Whose records a report directory holds: their kind (see RepoResult.kind), the command (for messages), and their shape. */
export interface RecordKind<R extends RepoResult> {
  kind: string | undefined;
  command: string;
  record: Check<R>;
}

const recordKind = object({ kind: optional(string) });

/**
 * The per-repository records a report directory's repos/ holds, by identity; another command's
 * records, or a file that is not a record, are refused.
 */
export function readRecords<R extends RepoResult>(dir: string, { kind, command, record: check }: RecordKind<R>): Map<string, R> {
  const records = new Map<string, R>();
  if (!existsSync(dir)) return records;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    const made = parseChecked(text, recordKind).kind;
    if (made !== kind)
      throw new UsageError(`${path} is a result of goprod ${made ?? 'bulk'}, not of ${command}: choose another --report directory`);
    const record = readChecked(path, text, check);
    records.set(record.id, record);
  }
  return records;
}

/** A file's JSON, checked; a file that is not of that shape is a usage error naming it. */
function readChecked<T>(path: string, text: string, check: Check<T>): T {
  try {
    return parseChecked(text, check);
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof JsonShapeError)
      throw new UsageError(`${path} is not a goprod result (${e.message}): choose another --report directory`);
    throw e;
  }
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
export function gatherReports<R extends RepoResult, D>(
  dirs: readonly string[],
  whose: RecordKind<R> & { report: Check<D> },
): { records: R[]; reports: D[] } {
  const records = new Map<string, R>();
  const reports: D[] = [];
  for (const dir of dirs) {
    const found = readRecords(join(dir, 'repos'), whose);
    const whole = join(dir, 'report.json');
    if (found.size === 0 && !existsSync(whole))
      throw new UsageError(`${dir}: no ${whose.command.replace(/^goprod /, '')} results (neither report.json nor repos/*.json)`);
    for (const [id, r] of found) records.set(id, r);
    if (existsSync(whole)) reports.push(readChecked(whole, readFileSync(whole, 'utf8'), whose.report));
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
export function progressDisplay(
  io: Io,
  command: string,
  finished: (stage: string) => boolean,
): { onProgress: (event: ProgressEvent) => void; done: () => void } {
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
