// `goprod check --report DIR` over many repositories: bulk's list, shards, jobs and --resume
// (bulk/pool.ts) with another job, `goprod check --format=json` run as a child process in each
// repository as it is (nothing is written there; a clone URL is cloned under the report
// directory). Then report.json, report.html and the migration plan's lists (plan/*.txt).
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goprodChild, lastLines, ownConfigFlag, repositoryDir } from '../bulk/child.js';
import { gatherReports, progressDisplay, runRepos, timeSpan, writeAtomic, writeRecord, type RecordKind } from '../bulk/pool.js';
import { listRepos, type Repo, type Shard } from '../bulk/repos.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { displayPath } from '../output/text.js';
import { type Check, number, object, oneOf, optional, parseChecked, string } from '../checked-json.js';
import { checkDocument, measuredBy } from './command.js';
import { fleetLine, fleetReport, planRepositories, type CheckRecord, type FleetReport } from './fleet.js';
import { reportCard } from './page.js';

export const DEFAULT_REPORT_DIR = 'goprod-check-report';

export interface FleetOptions {
  repos?: string;
  report?: string;
  jobs: number;
  shard?: Shard;
  resume: boolean;
  timeoutMinutes: number;
  runTests: boolean;
  download: boolean;
}

/** Checks the repositories of `dirs` and --repos; exit status 1 when one could not be checked. */
export async function checkFleet(dirs: readonly string[], options: FleetOptions, io: Io): Promise<number> {
  const repos = listRepos(dirs, options.repos, io.cwd);
  const reportDir = resolve(io.cwd, options.report ?? DEFAULT_REPORT_DIR);
  const progress = progressDisplay(io, 'goprod check', (stage) => stage === 'failed' || /^\d+\/\d+ /.test(stage));
  const run = await runRepos<CheckRecord>(repos, {
    reportDir,
    jobs: options.jobs,
    shard: options.shard,
    resume: options.resume,
    ...CHECK_RECORDS,
    job: (repo, onStage) => checkJob(repo, reportDir, options, onStage),
    outcome: (r) => (r.check ? `${r.check.overall.total}/${r.check.overall.max} ${r.check.overall.band}` : 'failed'),
    onProgress: progress.onProgress,
  });
  progress.done();
  const report = fleetReport(run.records, {
    measured: measuredBy(options.runTests),
    shard: options.shard,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  });
  writeFleetReport(reportDir, report, { records: false });
  for (const r of report.repositories.filter((r) => r.status === 'failed')) io.stderr(`goprod: ${r.name}: failed: ${r.reason ?? ''}\n`);
  io.stderr(`goprod: ${fleetLine(report)}; report: ${displayPath(join(reportDir, 'report.html'), io.cwd)}\n`);
  return report.summary.failed > 0 ? 1 : 0;
}

/** What --resume and merge-reports check a record read back against. */
export const checkRecord: Check<CheckRecord> = object({
  kind: oneOf('check'),
  id: string,
  name: string,
  status: oneOf('checked', 'failed'),
  reason: optional(string),
  check: optional(checkDocument),
  startedAt: string,
  seconds: number,
});

export const CHECK_RECORDS: RecordKind<CheckRecord> = { kind: 'check', command: 'goprod check', record: checkRecord };

/** What merge-reports reads of a shard's report.json. */
export const fleetReportSpan = object({ measured: string, startedAt: string, finishedAt: string });

/** One repository: `goprod check --format=json` in it, its own config file applying. A record whatever happens. */
async function checkJob(repo: Repo, reportDir: string, options: FleetOptions, onStage: (stage: string) => void): Promise<CheckRecord> {
  const started = Date.now();
  const record: CheckRecord = {
    kind: 'check',
    id: repo.id,
    name: repo.name,
    status: 'failed',
    startedAt: new Date(started).toISOString(),
    seconds: 0,
  };
  try {
    const dir = await repositoryDir(repo, reportDir, onStage);
    onStage(options.runTests ? 'checking, tests running' : 'checking');
    // One thread each: --jobs is what spreads the work over the cores.
    const args = [
      'check',
      '--format=json',
      '--threads=1',
      ownConfigFlag(dir),
      ...(options.runTests ? ['--run-tests', ...(options.download ? ['--download'] : [])] : []),
      '.',
    ];
    const run = await goprodChild(args, dir, options.timeoutMinutes);
    if (run.code !== 0) throw new Error(lastLines(run.stderr).replace(/^goprod: /, '') || `goprod check ended with status ${run.code}`);
    record.check = parseChecked(run.stdout, checkDocument);
    record.status = 'checked';
  } catch (e) {
    record.reason = e instanceof Error ? e.message : String(e);
  } finally {
    record.seconds = Math.round((Date.now() - started) / 100) / 10;
  }
  return record;
}

/**
 * report.json, report.html and plan/<codemod>.txt (the repositories with that codemod's fixes,
 * a --repos file for goprod bulk) in `dir`; with `records`, the per-repository records too (a
 * merge has none yet).
 */
export function writeFleetReport(dir: string, report: FleetReport, { records }: { records: boolean }): void {
  mkdirSync(join(dir, 'repos'), { recursive: true });
  if (records) for (const r of report.repositories) writeRecord(join(dir, 'repos'), r);
  rmSync(join(dir, 'plan'), { recursive: true, force: true });
  for (const step of report.summary.plan) {
    if (!step.reposFile) continue;
    mkdirSync(join(dir, 'plan'), { recursive: true });
    const ids = planRepositories(report.repositories, step.codemod).map((r) => r.id);
    const head = [
      `# goprod check: ${step.fixes} ${step.codemod} ${step.fixes === 1 ? 'fix' : 'fixes'} in ${step.repositories} ` +
        `${step.repositories === 1 ? 'repository' : 'repositories'}, before verification`,
      `# ${step.command}`,
    ];
    writeAtomic(join(dir, step.reposFile), `${[...head, ...ids].join('\n')}\n`);
  }
  writeAtomic(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomic(join(dir, 'report.html'), reportCard(report));
}

/** The report of several report directories (the shards of one fleet check). */
export function mergeFleetReports(dirs: readonly string[]): FleetReport {
  const { records, reports } = gatherReports(dirs, { ...CHECK_RECORDS, report: fleetReportSpan });
  const measured = new Set([...reports.map((r) => r.measured), ...records.flatMap((r) => (r.check ? [r.check.measured] : []))]);
  if (measured.size > 1)
    throw new UsageError(`the reports were measured differently (${[...measured].join('; ')}): merge the shards of one run`);
  return fleetReport(records, { measured: [...measured][0] ?? measuredBy(false), ...timeSpan(reports) });
}

/** `goprod check merge-reports DIR… --report OUT`. */
export function mergeFleetCommand(dirs: readonly string[], out: string, io: Io): void {
  const report = mergeFleetReports(dirs.map((d) => resolve(io.cwd, d)));
  const dir = resolve(io.cwd, out);
  writeFleetReport(dir, report, { records: true });
  io.stderr(`goprod: ${fleetLine(report)}; report: ${displayPath(join(dir, 'report.html'), io.cwd)}\n`);
}
