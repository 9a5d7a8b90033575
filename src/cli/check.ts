// `goprod check` and `goprod check merge-reports`: their flags; the score is src/check/.
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { codemods as allCodemods } from '../../codemods/index.js';
import { optionsByCodemod } from '../engine/codemod.js';
import { applyConfig } from './config.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { withInterrupts } from '../engine/interrupt.js';
import { CHECK_FORMATS, checkCommand, MAX_SCORE, type CheckFormat } from '../check/command.js';
import { checkFleet, DEFAULT_REPORT_DIR, mergeFleetCommand } from '../check/fleet-run.js';
import { parseShard, type Shard } from '../bulk/repos.js';
import { positiveMinutes, minScore, threadCount } from './flags.js';
import type { CommandContext } from './context.js';

export function addCheckCommand(program: Command, { io, setExitCode }: CommandContext): void {
  const check = program.command('check');
  check
    // `check merge-reports … --report DIR`: the option is merge-reports', not check's.
    .enablePositionalOptions()
    .description(
      "score each module's production readiness on eight signals (0-2 each, /16), with the evidence and what fixes each gap; over many " +
        "repositories, the fleet's report card (changes nothing)",
    )
    .argument('[paths...]', 'directories (recursively) holding Go modules (default: .); with --repos or --report, repositories')
    .addOption(
      new Option(
        '--format <format>',
        'text, json (documented in the README), markdown (a table for a PR comment) or html (the report card: the page a fleet run ' +
          'writes, for this repository)',
      )
        .choices(CHECK_FORMATS)
        .default('text'),
    )
    .option('--badge <file>', 'also write the score and band as an SVG badge to FILE (for the README)')
    .option('--min-score <n>', `exit 1 when a module scores below N (0-${MAX_SCORE}), for CI`, minScore)
    .option('--run-tests', "measure coverage and races: run each module's tests (go test -race -cover ./...)")
    .addOption(
      new Option(
        '--download',
        "with --run-tests: download the modules' dependencies first (go mod download, your GOPROXY); go.mod and go.sum are kept as they " +
          'were',
      ),
    )
    .option(
      '--threads <n>',
      'worker threads that parse and run codemods (default: one per core, at most 8; 1 for small trees)',
      threadCount,
    )
    .option(
      '--config <file>',
      "read this config file (exclude, env-config's options) instead of the goprod.yaml found from the working directory upward",
    )
    .option('--no-config', 'read no config file')
    .addHelpText('after', CHECK_HELP);
  addFleetOptions(check);
  check.action(async (paths: string[], _: unknown, command: Command) => setExitCode(await runCheck(paths, command, io)));
  check
    .command('merge-reports')
    .description('merge the report directories of the shards of one check over many repositories into one report')
    .argument('<dirs...>', 'report directories (each made by goprod check --report DIR)')
    .option('--report <dir>', 'where the merged report goes', DEFAULT_REPORT_DIR)
    .action((dirs: string[], opts: { report: string }) => mergeFleetCommand(dirs, opts.report, io));
}

/** The flags of a check over many repositories. */
function addFleetOptions(command: Command): void {
  command
    .option(
      '--repos <file>',
      'check many repositories: a file with one per line, a path (relative to the file) or a clone URL; # starts a comment',
    )
    .option(
      '--report <dir>',
      `check many repositories (those of --repos and the arguments), writing report.json, report.html and the migration plan's lists to ` +
        `DIR (default with --repos: ${DEFAULT_REPORT_DIR})`,
    )
    .option('--jobs <n>', 'with --repos/--report: repositories at a time (default: one per core)', threadCount)
    .option(
      '--shard <i/n>',
      'with --repos/--report: take the i-th of n disjoint parts of the list (by a hash of each repository), for a CI matrix',
      parseShard,
    )
    .option(
      '--resume',
      'with --repos/--report: continue the run whose results are in --report; repositories already checked are not checked again',
    )
    .option(
      '--timeout <minutes>',
      "with --repos/--report: stop a repository's check after this long and record it as failed (default: 60)",
      positiveMinutes,
    );
}

/** `goprod check`: one repository's score, or with --repos/--report the fleet's; the exit status. */
async function runCheck(paths: string[], command: Command, io: Io): Promise<number> {
  const opts = command.opts<CheckFlags>();
  if (opts.download && !opts.runTests) throw new UsageError('--download only applies to --run-tests');
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  if (opts.repos !== undefined || opts.report !== undefined) {
    const single = ['format', 'badge', 'minScore', 'threads', 'config']
      .filter(given)
      .map((name) => command.options.find((o) => o.attributeName() === name)!.long);
    if (single.length > 0)
      throw new UsageError(
        `${single.join(', ')} ${single.length === 1 ? 'applies' : 'apply'} to one repository's check; over many repositories ` +
          `(--repos, --report) each is checked with its own goprod.yaml, and the results are report.json and report.html in the ` +
          `report directory`,
      );
    return checkMany(paths, opts, io);
  }
  const fleetOnly = ['jobs', 'shard', 'resume', 'timeout'].filter(given);
  if (fleetOnly.length > 0)
    throw new UsageError(`--${fleetOnly[0]} applies to a check over many repositories: add --repos FILE or --report DIR`);
  const config = applyConfig(command, allCodemods, io.cwd);
  const options = {
    ...opts,
    exclude: config?.exclude,
    goOutsideModule: config?.goOutsideModule,
    codemodOptions: optionsByCodemod(allCodemods, config?.options ?? {}),
  };
  return checkCommand(paths.length > 0 ? paths : ['.'], options, io);
}

/** The check over many repositories (--repos, --report). */
function checkMany(paths: string[], opts: CheckFlags, io: Io): Promise<number> {
  const options = {
    repos: opts.repos,
    report: opts.report,
    jobs: opts.jobs ?? availableParallelism(),
    shard: opts.shard,
    resume: opts.resume ?? false,
    timeoutMinutes: opts.timeout ?? 60,
    runTests: opts.runTests ?? false,
    download: opts.download ?? false,
  };
  const stopped = `the repositories finished are recorded in ${opts.report ?? DEFAULT_REPORT_DIR}: run again with --resume to continue`;
  return withInterrupts(io.stderr, () => checkFleet(paths, options, io), stopped);
}

/** The flags of `goprod check`, as commander parses them. */
interface CheckFlags {
  format: CheckFormat;
  badge?: string;
  minScore?: number;
  runTests?: boolean;
  download?: boolean;
  threads?: number;
  repos?: string;
  report?: string;
  jobs?: number;
  shard?: Shard;
  resume?: boolean;
  timeout?: number;
}

/** What `goprod help check` says after the options. */
const CHECK_HELP = `
Without --run-tests the score comes from what the repository shows; coverage and races are not measured.
The thresholds are in the README. Files the config file excludes are not counted.
--format=html prints the report card of this repository (summary, signals, migration plan, and
every module's evidence): the page a run over many repositories writes, with one row.

Over many repositories (--repos FILE or --report DIR; the arguments are then repositories): each
is checked as goprod check --format=json in its directory as it is, uncommitted files included,
with its own goprod.yaml (none found above it applies); nothing is written there. A clone URL is
cloned (shallow) under --report/clones. Results go to --report as each repository ends
(repos/*.json), then report.json (its shape is in the README), report.html (the fleet's report
card: repositories per band, the weakest signals, the migration plan with the goprod bulk command
for each codemod, and a row per repository to sort, filter and open) and plan/CODEMOD.txt (the
repositories with that codemod's fixes: goprod bulk --repos takes it). A stopped run continues
with --resume. Shards of one list (--shard 1/4 … 4/4) take disjoint parts whose union is the list;
goprod check merge-reports merges their report directories into the report one run would make.
Exit status: 0; 1 when a module scores below --min-score, or over many repositories when one
could not be checked (no Go module, a clone error, a timeout); 2 usage error.

Examples:
  goprod check                                    every module under ., with evidence and fixes
  goprod check --format=html > report.html        this repository's report card
  goprod check --badge docs/goprod.svg            and a badge for the README
  goprod check --repos repos.txt --jobs 2         the fleet: goprod-check-report/report.html
  goprod check --repos repos.txt --shard 2/8 --report shard-2
  goprod check merge-reports shard-* --report fleet`;
