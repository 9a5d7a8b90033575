#!/usr/bin/env node
// The command line: `goprod fix`, `goprod env`, `goprod check`, `goprod bulk`, `goprod list`, `goprod explain` and `goprod init`.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { codemods as allCodemods } from '../codemods/index.js';
import type { Codemod, CodemodOptions } from './engine/codemod.js';
import { applyConfig, writeStarterConfig, type Config } from './cli/config.js';
import { UsageError } from './errors.js';
import { envCommand, type EnvFlags } from './env/command.js';
import { explain, packageRoot } from './output/explain.js';
import { uncommittedFiles } from './engine/git.js';
import { counts, diffBase, displayPath, formatWarning, jsonReport, plural, summary, typeNotes, unfixableNotes, unifiedDiff, verificationNotes, type Mode } from './output/report.js';
import { fixedContent, willChange, type FileResult, type Progress, type RunResult } from './engine/model.js';
import { renderFiles } from './engine/render.js';
import { reviewFixes } from './output/review.js';
import { colorDiff, colorFor, colorNote, palette, ProgressLine, type ColorChoice, type Palette } from './output/terminal.js';
import { verifyFiles } from './proof/verify.js';
import { runCodemods } from './engine/run.js';
import { sarifReport } from './output/sarif.js';
import { NotWritable, writeSourceAtomic } from './engine/source.js';
import { interruption, removeStaleTempDirs, withInterrupts, writing } from './engine/interrupt.js';
import { bulkCommand, bulkSummary, type BulkFlags } from './bulk/command.js';
import { CHECK_FORMATS, checkCommand, MAX_SCORE, type CheckFormat } from './check/command.js';
import { checkFleet, DEFAULT_REPORT_DIR, mergeFleetCommand } from './check/fleet-run.js';
import { parseShard, type Shard } from './bulk/repos.js';
import { mergeReports, writeReport as writeBulkReport } from './bulk/run.js';
import type { Io } from './io.js';


/** goprod's version, from its package.json. */
function version(): string {
  const root = packageRoot();
  return root ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version : 'unknown';
}

/**
 * The process's streams. When the reader goes away (`goprod fix | head`, quitting `less`),
 * further output is dropped and the run ends as it would have, without a stack trace.
 */
function processIo(): Io {
  const open = { stdout: true, stderr: true };
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      open[name] = false;
    });
  }
  return {
    stdout: (s) => void (open.stdout && process.stdout.write(s)),
    stderr: (s) => void (open.stderr && process.stderr.write(s)),
    cwd: process.cwd(),
    tty: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    readKey: keyReader(process.stdin),
  };
}

/**
 * Keys from a terminal in raw mode (Ctrl-C then arrives as a key, not a signal). Keys typed
 * ahead or pasted arrive together: each answers one question, in order; an escape sequence
 * (an arrow key) is one key.
 */
function keyReader(stdin: NodeJS.ReadStream): () => Promise<string> {
  const ahead: string[] = [];
  return () => {
    if (ahead.length > 0) return Promise.resolve(ahead.shift()!);
    return new Promise((resolve) => {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.once('data', (data) => {
        stdin.setRawMode(false);
        stdin.pause();
        ahead.push(...(data.toString('utf8').match(/\x1b\[[0-9;]*[A-Za-z~]|[^]/gu) ?? []));
        resolve(ahead.shift() ?? '');
      });
    });
  };
}

/** Exit codes: 0 done, 1 `--check` found pending fixes, 2 usage or fatal error or a file (fixed or --output) not written, 130/143 interrupted. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command('goprod')
    .description('Codemods that make Go code production-grade; every change is shown as a diff before it is written.')
    .version(version())
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    // Options belong to the command they follow (see bulk merge-reports).
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `
Examples:
  goprod list                          the codemods
  goprod explain wrap-errors           what one changes, with an example
  goprod fix                           every fix under ., as a diff (nothing is written)
  goprod fix -i                        review each fix; the accepted ones are verified and written
  goprod fix --write --codemod=loopvar apply one codemod's fixes, verified
  goprod env                           the environment variables each module reads
  goprod check                         the production-readiness score, with evidence
  goprod check --repos repos.txt       the fleet's report card: bands, weakest signals, migration plan
  goprod init                          write a commented goprod.yaml

\`goprod help fix\` explains verification, output formats and exit status.`,
    );

  const fixCommand = program
    .command('fix')
    .description('find anti-patterns and fix them (a dry run printing diffs unless --write)')
    .argument('[paths...]', 'Go files or directories to fix (directories recursively)', ['.'])
    .option('--codemod <names>', 'comma-separated codemods to run (default: all; see `goprod list`)')
    .addOption(new Option('--write', 'write the fixes to the files').conflicts('check'))
    .addOption(new Option('--check', 'list files with pending fixes and exit 1 if there are any, like gofmt -l'))
    .addOption(new Option('-i, --interactive', 'review each fix and choose: the accepted ones are verified and written as with --write (needs a terminal)').conflicts(['write', 'check', 'json', 'format', 'output']))
    .addOption(new Option('--format <format>', 'what goes to stdout: text (the default: diffs, or the file list with --check), json (one document with every finding, its position, edits and fix status) or sarif (SARIF 2.1.0, for code scanning)').choices(FORMATS))
    .option('--json', 'short for --format=json')
    .option('--output <file>', 'write what would go to stdout (diffs, file list, JSON or SARIF) to FILE instead, replacing it atomically; messages stay on stderr')
    .option('--no-verify', 'do not prove fixes with go vet (faster, unsafe; gofmt still formats them)')
    .option('--vet-every-config', "prove fixes with go vet under every build configuration, not only this machine's (slower: each one compiles its dependencies first)")
    .option('--type-facts', "let codemods ask Go's type checker (the default when verifying; with --no-verify too)")
    .option('--no-type-facts', 'codemods decide from syntax alone, also when verifying')
    .option('--allow-dirty', 'let --write change files that have uncommitted changes in git')
    .option('--download', 'let the go command download missing modules (go mod download, with your GOPROXY) before verifying')
    .option('--threads <n>', 'worker threads that parse and run codemods (default: one per core, at most 8; 1 for small trees)', threadCount)
    .option('--config <file>', 'read this config file instead of the goprod.yaml found from the working directory upward')
    .option('--no-config', 'read no config file')
    .addOption(new Option('--color <when>', 'colour diffs and messages: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never').choices(['auto', 'always', 'never']).default('auto'))
    .option('-q, --quiet', 'print nothing on stderr but errors (no summary, notes, warnings or progress); stdout is unchanged')
    .option('-v, --verbose', 'list every finding goprod cannot fix on a line of its own (without it, those sharing a reason are counted, with their first places)')
    .addHelpText(
      'after',
      `
Without --write nothing is changed: the fixes are printed as unified diffs that
\`git apply\` accepts, and a summary goes to stderr.
Every fix is proven before it is shown or written: the fixed files are gofmt-formatted
(only the lines goprod touched, if a file was not gofmt-clean), then each affected package
is checked without touching your tree (test files included), under a build configuration
that compiles each changed file: this machine's platform, checked with go vet (it
type-checks as go build does), or the one a file's name or //go:build line asks for
(windows/amd64, darwin/arm64, -tags=integration…), checked with goprod's type checker:
go/types on the code from source plus vet's printf and errorsas checks, which is what
goprod's fixes can break, without compiling that platform's dependencies first
(--vet-every-config runs go vet there too; --verbose says how long each took). A
fix that brings a new error is backed out and reported; errors that were there before are not
blamed on goprod. Codemods ask Go's type checker what syntax cannot tell (is this an error,
what does this Close return), under the configuration that compiles each file; where it
cannot answer (a package that does not type-check, a file no configuration compiles) they
decide from syntax alone, and goprod says which files (--no-type-facts: everywhere; without
verification too unless --type-facts). Packages that cannot be checked (no go.mod, missing modules, code that does
not compile before the fixes, files no configuration compiles such as //go:build ignore) are
reported as unverified, one package at a time, and not changed unless --no-verify; --check
fails on them too. --write refuses to change files with uncommitted changes unless
--allow-dirty. The go command downloads nothing for this unless --download.
--format works with every mode (--check keeps its exit status). json and sarif give
positions in the files as they were before the fixes: json in 1-based lines and UTF-8 byte
columns, as Go tools print them; sarif in UTF-16 code units (its columnKind, as GitHub code
scanning expects), with paths relative to %SRCROOT%, the working directory. A SARIF result
carries the fixes that are applied (or would be, with --write) as SARIF fixes; a backed-out,
unverified or deferred fix is left out and the result's message says why. A finding goprod
cannot fix is a "note", any other a "warning".
--write keeps what gofmt -w keeps: a symbolic link stays and its target is fixed; mode,
owner and group stay; a file with other hard links is rewritten in place so every link sees
the fix (other files are replaced atomically); read-only files are refused (exit status 2).
Ctrl-C stops between two files and says how far it got; nothing is left half-written.
Files are skipped when they are generated ("// Code generated ... DO NOT EDIT."), under
vendor/, testdata/ or dot-directories, ignored by .gitignore, or do not parse. A file
reached twice (through a link) is fixed once. A file goprod itself fails on is reported
as a goprod bug and skipped; the others are still fixed.
Silence a codemod on a line with a comment on that line or the line above:
  //goprod:ignore wrap-errors     (or //goprod:ignore for every codemod)
A config file, goprod.yaml or .goprod.yaml in the working directory or a directory above it,
writes down which codemods run, their options, files to exclude (gitignore-style patterns)
and the Go version of files outside a module; flags override it. \`goprod init\` writes a
commented one listing every codemod and option.
With -i, each fix is shown as a diff hunk with its codemod and message, in file order, and
one key decides: y apply, n skip, a apply the rest of the file, s skip the rest of the file,
q quit (what was accepted so far is still applied), ? help; Ctrl-C ends with nothing written.
On a terminal, a progress line shows files scanned and packages verified (never on a pipe,
with CI set, with --quiet, or with --format=json|sarif).
Exit status: 0 done, 1 --check found pending fixes (verified or not), 2 usage or fatal
error or a file that could not be written, 130/143 interrupted (SIGINT/SIGTERM, or Ctrl-C
in a review).

Examples:
  goprod fix                                   show every fix under . as a diff (nothing is written)
  goprod fix --codemod=wrap-errors ./...       one codemod (./... works like .)
  goprod fix -i                                review each fix, write the accepted ones
  goprod fix --write --codemod=loopvar svc/    apply, verified, after a look at the dry run
  goprod fix --check                           in CI: exit 1 while fixes are pending
  goprod fix --format=sarif --output goprod.sarif   for GitHub code scanning`,
    )
    .action(async (paths: string[], _: unknown, command: Command) => {
      const config = applyConfig(command, allCodemods, io.cwd);
      const opts = command.opts<FixOptions & { codemod?: string }>();
      const codemods = opts.codemod === undefined && config?.codemods ? config.codemods : selectCodemods(opts.codemod);
      for (const stale of removeStaleTempDirs()) io.stderr(`goprod: removed ${stale}, which an interrupted goprod run left\n`);
      exitCode = await withInterrupts(io.stderr, () => fix(paths, codemods, opts, io, config));
    });
  for (const codemod of allCodemods) {
    for (const option of Object.values(codemod.options ?? {})) {
      const o = new Option(option.flag, `${codemod.name}: ${option.description}`);
      if (option.default !== undefined) o.default(option.default);
      if (option.choices) o.choices(option.choices);
      fixCommand.addOption(o);
    }
  }

  program
    .command('env')
    .description('list the environment variables each module reads: type, default, required, where (changes nothing unless --example)')
    .argument('[paths...]', 'Go files or directories (directories recursively)', ['.'])
    .addOption(new Option('--json', 'print JSON').conflicts('markdown'))
    .option('--markdown', 'print a Markdown table')
    .option('--example', 'also write a .env.example at each module root (an existing one that differs is kept unless --force)')
    .option('--force', 'with --example: replace a .env.example that differs')
    .option('--config-pkg <dir>', 'where env-config puts (or put) the generated config package', 'internal/config')
    .option('--include-tests', 'include reads in _test.go files')
    .option('--config <file>', "read this config file (env-config's options, exclude) instead of the goprod.yaml found from the working directory upward")
    .option('--no-config', 'read no config file')
    .action(async (paths: string[], _: unknown, command: Command) => {
      const config = applyConfig(command, allCodemods, io.cwd);
      exitCode = await envCommand(paths, command.opts<EnvFlags>(), io, config);
    });

  const check = program
    .command('check')
    // `check merge-reports … --report DIR`: the option is merge-reports', not check's.
    .enablePositionalOptions()
    .description('score each module\'s production readiness on eight signals (0-2 each, /16), with the evidence and what fixes each gap; over many repositories, the fleet\'s report card (changes nothing)')
    .argument('[paths...]', 'directories (recursively) holding Go modules (default: .); with --repos or --report, repositories')
    .addOption(new Option('--format <format>', 'text, json (documented in the README), markdown (a table for a PR comment) or html (the report card: the page a fleet run writes, for this repository)').choices(CHECK_FORMATS).default('text'))
    .option('--badge <file>', 'also write the score and band as an SVG badge to FILE (for the README)')
    .option('--min-score <n>', `exit 1 when a module scores below N (0-${MAX_SCORE}), for CI`, minScore)
    .option('--run-tests', "measure coverage and races: run each module's tests (go test -race -cover ./...)")
    .addOption(new Option('--download', "with --run-tests: download the modules' dependencies first (go mod download, your GOPROXY); go.mod and go.sum are kept as they were"))
    .option('--threads <n>', 'worker threads that parse and run codemods (default: one per core, at most 8; 1 for small trees)', threadCount)
    .option('--config <file>', 'read this config file (exclude, env-config\'s options) instead of the goprod.yaml found from the working directory upward')
    .option('--no-config', 'read no config file')
    .option('--repos <file>', 'check many repositories: a file with one per line, a path (relative to the file) or a clone URL; # starts a comment')
    .option('--report <dir>', `check many repositories (those of --repos and the arguments), writing report.json, report.html and the migration plan's lists to DIR (default with --repos: ${DEFAULT_REPORT_DIR})`)
    .option('--jobs <n>', 'with --repos/--report: repositories at a time (default: one per core)', threadCount)
    .option('--shard <i/n>', 'with --repos/--report: take the i-th of n disjoint parts of the list (by a hash of each repository), for a CI matrix', parseShard)
    .option('--resume', 'with --repos/--report: continue the run whose results are in --report; repositories already checked are not checked again')
    .option('--timeout <minutes>', 'with --repos/--report: stop a repository\'s check after this long and record it as failed (default: 60)', positiveMinutes)
    .addHelpText(
      'after',
      `
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
  goprod check merge-reports shard-* --report fleet`,
    )
    .action(async (paths: string[], _: unknown, command: Command) => {
      const opts = command.opts<CheckFlags>();
      if (opts.download && !opts.runTests) throw new UsageError('--download only applies to --run-tests');
      const given = (name: string) => command.getOptionValueSource(name) === 'cli';
      if (opts.repos !== undefined || opts.report !== undefined) {
        const single = ['format', 'badge', 'minScore', 'threads', 'config'].filter(given).map((name) => command.options.find((o) => o.attributeName() === name)!.long);
        if (single.length > 0) throw new UsageError(`${single.join(', ')} ${single.length === 1 ? 'applies' : 'apply'} to one repository's check; over many repositories (--repos, --report) each is checked with its own goprod.yaml, and the results are report.json and report.html in the report directory`);
        exitCode = await withInterrupts(
          io.stderr,
          () => checkFleet(paths, { repos: opts.repos, report: opts.report, jobs: opts.jobs ?? availableParallelism(), shard: opts.shard, resume: opts.resume ?? false, timeoutMinutes: opts.timeout ?? 60, runTests: opts.runTests ?? false, download: opts.download ?? false }, io),
          `the repositories finished are recorded in ${opts.report ?? DEFAULT_REPORT_DIR}: run again with --resume to continue`,
        );
        return;
      }
      const fleetOnly = ['jobs', 'shard', 'resume', 'timeout'].filter(given);
      if (fleetOnly.length > 0) throw new UsageError(`--${fleetOnly[0]} applies to a check over many repositories: add --repos FILE or --report DIR`);
      const config = applyConfig(command, allCodemods, io.cwd);
      exitCode = await checkCommand(paths.length > 0 ? paths : ['.'], { ...opts, exclude: config?.exclude, goOutsideModule: config?.goOutsideModule, codemodOptions: config?.options }, io);
    });
  check
    .command('merge-reports')
    .description('merge the report directories of the shards of one check over many repositories into one report')
    .argument('<dirs...>', 'report directories (each made by goprod check --report DIR)')
    .option('--report <dir>', 'where the merged report goes', DEFAULT_REPORT_DIR)
    .action((dirs: string[], opts: { report: string }) => mergeFleetCommand(dirs, opts.report, io));

  program
    .command('list')
    .description('list the codemods with their summaries')
    .action(() => {
      const width = Math.max(...allCodemods.map((c) => c.name.length));
      for (const c of allCodemods) io.stdout(`${c.name.padEnd(width)}  ${c.summary}\n`);
    });

  const bulk = program
    .command('bulk')
    // `bulk merge-reports … --report DIR`: the option is merge-reports', not bulk's.
    .enablePositionalOptions()
    .description('run codemods over many repositories: in each, a new branch with one verified commit (pushed only if asked), and a report')
    .argument('[dirs...]', 'local git repositories (also: --repos FILE)')
    .option('--codemod <names>', 'comma-separated codemods to run (default: all)')
    .option('--repos <file>', 'a file with one repository per line: a path (relative to the file) or a clone URL; # starts a comment')
    .option('--branch <name>', 'the branch made in each changed repository (default: goprod/<codemods>)')
    .option('--jobs <n>', 'repositories at a time (default: one per core)', threadCount)
    .option('--shard <i/n>', 'take the i-th of n disjoint parts of the list (by a hash of each repository), for a CI matrix')
    .option('--report <dir>', 'where the report and per-repository results go (and clones of URLs)', 'goprod-report')
    .option('--download', 'let the go command download missing modules before verifying (go mod download, your GOPROXY)')
    .option('--no-type-facts', "codemods decide from syntax alone, without Go's type checker (as goprod fix --no-type-facts)")
    .option('--push-cmd <command>', 'run this in each changed repository\'s worktree, by sh -c as written; it gets GOPROD_REPO, GOPROD_REPO_ID, GOPROD_BRANCH, GOPROD_COMMIT and GOPROD_SUMMARY in its environment')
    .option('--push-delay <seconds>', 'seconds between two push commands', seconds, 0)
    .option('--resume', 'continue the run whose results are in --report: repositories already done are not redone')
    .option('--timeout <minutes>', 'stop a repository\'s run after this long and record it as failed', positiveMinutes, 60)
    .addHelpText(
      'after',
      `
Each repository is changed in a git worktree of its own, on a new branch from HEAD: your
checkout, index and current branch are never touched, and uncommitted changes stay out (a
note says so). goprod fix --write runs there on every module (verification and back-out
included), then one commit: "goprod: wrap-errors (12 fixes), loopvar (3)", with the fixes
backed out listed in its body; the author is git's (user.name, user.email). No change, no
branch. A repository whose branch already exists is skipped, never overwritten. Nothing is
pushed unless --push-cmd. A clone URL is cloned (shallow) under --report/clones.
Results go to --report as each repository ends (repos/*.json), then report.json and
report.html (open it in a browser: a summary, a table to sort and filter, every diff).
A run that was stopped continues with --resume. Shards of one list (--shard 1/4 … 4/4 on
four machines) take disjoint parts whose union is the list; goprod bulk merge-reports merges
their report directories.
Exit status: 0 when every repository was done (changed, unchanged, skipped or unverified), 1
when one failed, 2 usage error.

Examples:
  goprod bulk --codemod=wrap-errors ~/src/svc-*
  goprod bulk --codemod=loopvar --repos repos.txt --jobs 4 --download
  goprod bulk --repos repos.txt --shard 2/8 --report shard-2
  goprod bulk merge-reports shard-* --report all
  goprod bulk --repos repos.txt --push-cmd 'git push -u origin HEAD && gh pr create --fill'`,
    )
    .action(async (dirs: string[], opts: BulkFlags) => {
      for (const stale of removeStaleTempDirs()) io.stderr(`goprod: removed ${stale}, which an interrupted goprod run left\n`);
      const codemods = selectCodemods(opts.codemod);
      exitCode = await withInterrupts(io.stderr, () => bulkCommand(dirs, codemods.map((c) => c.name), codemods.length === allCodemods.length, opts, io), `the repositories finished are recorded in ${opts.report}: run again with --resume to continue`);
    });
  bulk
    .command('merge-reports')
    .description('merge the report directories of the shards of one bulk run into one report')
    .argument('<dirs...>', 'report directories (each made by goprod bulk --report DIR)')
    .option('--report <dir>', 'where the merged report goes', 'goprod-report')
    .action((dirs: string[], opts: { report: string }) => {
      const report = mergeReports(dirs.map((d) => resolve(io.cwd, d)));
      const out = resolve(io.cwd, opts.report);
      writeBulkReport(out, report, { records: true });
      io.stderr(`goprod: ${bulkSummary(report)}; report: ${displayPath(join(out, 'report.html'), io.cwd)}\n`);
    });

  program
    .command('explain')
    .description('print what a codemod changes and where it holds back, its options, and an example from its tests')
    .argument('<name>', 'a codemod (see `goprod list`)')
    .action((name: string) => io.stdout(selectCodemods(name).map(explain).join('\n')));

  program
    .command('init')
    .description('write a commented goprod.yaml in the working directory: every codemod and option with its default')
    .option('--force', 'replace the config file already there')
    .action((opts: { force?: boolean }) => {
      const path = writeStarterConfig(io.cwd, allCodemods, opts.force ?? false);
      io.stderr(`goprod: wrote ${displayPath(path, io.cwd)}; uncomment a setting to change it\n`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.stderr(`goprod: ${e.message}\n`);
      return 2;
    }
    io.stderr(`goprod: fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--push-delay takes seconds (0 or more), not ${JSON.stringify(value)}`);
  return n;
}

function positiveMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout takes minutes (more than 0), not ${JSON.stringify(value)}`);
  return n;
}

function minScore(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_SCORE) throw new UsageError(`--min-score takes a whole number from 0 to ${MAX_SCORE}, not ${JSON.stringify(value)}`);
  return n;
}

function threadCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--threads takes a whole number from 1 to 256, not ${JSON.stringify(value)}`);
  return n;
}

function selectCodemods(names: string | undefined): Codemod[] {
  if (names === undefined) return [...allCodemods];
  const wanted = names.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = wanted.filter((n) => !allCodemods.some((c) => c.name === n));
  if (unknown.length > 0 || wanted.length === 0) {
    const known = allCodemods.map((c) => c.name).join(', ');
    throw new UsageError(wanted.length === 0 ? `--codemod needs at least one name; known codemods: ${known}` : `unknown codemod ${unknown.join(', ')}; known codemods: ${known}`);
  }
  return allCodemods.filter((c) => wanted.includes(c.name));
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

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface FixOptions {
  write?: boolean;
  interactive?: boolean;
  color: ColorChoice;
  quiet?: boolean;
  verbose?: boolean;
  check?: boolean;
  json?: boolean;
  format?: Format;
  output?: string;
  verify: boolean;
  vetEveryConfig?: boolean;
  typeFacts?: boolean;
  allowDirty?: boolean;
  download?: boolean;
  threads?: number;
}

/** --json is short for --format=json. */
function outputFormat(opts: FixOptions): Format {
  if (opts.json && opts.format !== undefined && opts.format !== 'json') throw new UsageError(`--json is short for --format=json; it cannot be combined with --format=${opts.format}`);
  return opts.json ? 'json' : (opts.format ?? 'text');
}

/** The absolute path of --output, refused before the run if it could never be written. */
function outputPath(output: string | undefined, cwd: string): string | undefined {
  if (output === undefined) return undefined;
  if (output === '') throw new UsageError('--output needs a file name');
  const path = resolve(cwd, output);
  let directory = false;
  try {
    directory = statSync(path).isDirectory();
  } catch {
    // Not there yet, or not reachable: writing it will say why.
  }
  if (directory) throw new UsageError(`--output ${output} is a directory; give a file name`);
  return path;
}

async function fix(paths: string[], codemods: Codemod[], opts: FixOptions, io: Io, config: Config | undefined): Promise<number> {
  const interactive = opts.interactive ?? false;
  if (interactive && !(io.tty?.stdin && io.readKey)) throw new UsageError('-i asks about each fix on a terminal, and stdin is not one: run `goprod fix` to see the fixes as a diff, or `goprod fix --write` to apply them all');
  const mode: Mode = opts.write || interactive ? 'write' : opts.check ? 'check' : 'dry-run';
  const format = outputFormat(opts);
  const output = outputPath(opts.output, io.cwd);
  const env = io.env ?? {};
  const colors = { stdout: palette(colorFor(opts.color, { isTTY: io.tty?.stdout ?? false }, env)), stderr: palette(colorFor(opts.color, { isTTY: io.tty?.stderr ?? false }, env)) };
  const note = (line: string) => void (opts.quiet || io.stderr(`${colorNote(line, colors.stderr)}\n`));
  const progress = format === 'text' && !opts.quiet && ProgressLine.wanted({ isTTY: io.tty?.stderr ?? false }, env) ? new ProgressLine(io.stderr) : undefined;
  const options = { cwd: io.cwd, download: opts.download ?? false, vetEveryConfig: opts.vetEveryConfig ?? false, threads: opts.threads, codemodOptions: opts as unknown as CodemodOptions, exclude: config?.exclude, goOutsideModule: config?.goOutsideModule, onProgress: progress && ((p: Progress) => progress.update(p)) };
  // A review comes before verification: what the user accepts is what gets proven.
  const result = await runCodemods(paths, codemods, { ...options, verify: opts.verify && !interactive, typeFacts: opts.typeFacts ?? opts.verify });
  progress?.done();

  if (interactive) {
    if (!(await review(result, opts, io, colors.stdout, note))) {
      io.stderr('goprod: review interrupted; nothing written\n');
      return 130;
    }
    if (opts.verify) result.verification = await verifyFiles(result.files, { download: options.download, vetEveryConfig: options.vetEveryConfig, onProgress: options.onProgress });
    progress?.done();
  }
  const changed = result.files.filter((f) => willChange(f, opts.verify));

  if (mode === 'write') {
    const git = await uncommittedFiles(changed.map((f) => f.path));
    refuseDirty(git, opts, io);
    if (git.outsideGit.length > 0) note(`goprod: warning: ${git.outsideGit.length} ${git.outsideGit.length === 1 ? 'file is' : 'files are'} not in a git work tree: there is no easy way back from --write`);
    await writing(() => writeFiles(changed, io));
    const stopped = interruption();
    if (stopped) {
      const written = changed.filter((f) => !f.notWritten).length;
      io.stderr(`goprod: interrupted by ${stopped} after writing ${written} of ${changed.length} ${changed.length === 1 ? 'file' : 'files'}; nothing is half-written: run goprod again to finish the rest\n`);
    }
  }

  const notWritten = changed.some((f) => f.notWritten && !interruption());
  let report = '';
  if (format === 'json') report = `${JSON.stringify(jsonReport(result, io.cwd, mode, opts.verify), null, 2)}\n`;
  else if (format === 'sarif') report = `${JSON.stringify(sarifReport(result, { version: version(), codemods, cwd: io.cwd, verified: opts.verify, successful: !notWritten && !interruption() }), null, 2)}\n`;
  else if (mode === 'check') report = changed.map((f) => `${displayPath(f.path, io.cwd)}\n`).join('');
  else if (mode === 'dry-run' && changed.length > 0) {
    const base = diffBase(changed.map((f) => f.path), io.cwd);
    report = changed.map((f) => unifiedDiff(f, base)).join('');
    if (output === undefined) report = colorDiff(report, colors.stdout);
    if (base !== io.cwd) note(`goprod: the diff's paths are relative to ${base} (apply it there: git -C ${base} apply)`);
  }
  if (output === undefined) io.stdout(report);
  const reportLost = output !== undefined && !writeReport(output, report, io);

  for (const w of result.warnings) if (!opts.quiet || /: bug: /.test(w.message)) io.stderr(`${colorNote(formatWarning(w, io.cwd), colors.stderr)}\n`);
  if (format === 'text') for (const line of [...typeNotes(result, io.cwd, opts.verbose), ...unfixableNotes(result, io.cwd, opts.verbose), ...verificationNotes(result, io.cwd, opts.verify, opts.verbose)]) note(line);
  // The reasons are on stderr only in text; json and sarif carry them in the document.
  note(colors.stderr.bold(`goprod: ${summary(result, mode, opts.verify, format === 'text' ? 'see above' : `see the ${format} report`)}`));
  if (notWritten || reportLost) return 2;
  // A CI job must not pass forever because its module cache is empty: unproven fixes are pending too.
  return mode === 'check' && (changed.length > 0 || counts(result, opts.verify).unverified > 0) ? 1 : 0;
}

/**
 * `-i`: the user picks among the run's fixes (see review.ts); only the accepted stay applied,
 * formatted anew. False when the user ended the review with Ctrl-C.
 */
async function review(result: RunResult, opts: FixOptions, io: Io, colors: Palette, note: (line: string) => void): Promise<boolean> {
  const candidates = result.files.filter((f) => willChange(f, false));
  refuseDirty(await uncommittedFiles(candidates.map((f) => f.path)), opts, io);
  if (candidates.length === 0) note('goprod: nothing to review');
  const reviewed = await reviewFixes(candidates, { write: io.stdout, readKey: io.readKey! }, colors, io.cwd);
  if (reviewed.interrupted) return false;
  for (const line of reviewed.incomplete) note(`goprod: ${line}`);
  note(`goprod: reviewed ${reviewed.accepted + reviewed.skipped} ${plural(reviewed.accepted + reviewed.skipped, 'fix', 'fixes')}: ${reviewed.accepted} accepted, ${reviewed.skipped} skipped`);
  await renderFiles(candidates.filter((f) => f.applied.length > 0));
  for (const f of candidates) if (f.applied.length === 0) f.output = f.source.text;
  return true;
}

/** --write (and -i) refuse to mix fixes with uncommitted changes unless --allow-dirty. */
function refuseDirty(git: { dirty: string[] }, opts: FixOptions, io: Io): void {
  if (git.dirty.length === 0 || opts.allowDirty) return;
  const names = git.dirty.map((p) => `  ${displayPath(p, io.cwd)}`).join('\n');
  throw new UsageError(`these files have uncommitted changes that goprod's fixes would mix with:\n${names}\ncommit or stash them first, or run again with --allow-dirty`);
}

/** Writes the --output file (atomically, as fixed files are); false, with a message, if it cannot. */
function writeReport(path: string, report: string, io: Io): boolean {
  try {
    writeSourceAtomic(path, report);
    return true;
  } catch (e) {
    io.stderr(`goprod: cannot write the --output file ${displayPath(path, io.cwd)}: ${e instanceof NotWritable ? 'it is read-only' : (e as Error).message}\n`);
    return false;
  }
}

/**
 * Writes the fixed files one at a time. A file that cannot be written is reported and the
 * others are still written; an interrupt stops the run between two files.
 */
async function writeFiles(files: readonly FileResult[], io: Io): Promise<void> {
  for (const f of files) {
    const signal = interruption();
    if (signal) {
      f.notWritten = `interrupted by ${signal} before it was written`;
      continue;
    }
    try {
      const { hardLinks } = writeSourceAtomic(f.path, fixedContent(f));
      if (hardLinks > 1) io.stderr(`goprod: ${displayPath(f.path, io.cwd)}: has ${hardLinks} hard links; rewritten in place, so every link sees the fix\n`);
    } catch (e) {
      f.notWritten = e instanceof NotWritable ? e.message : `cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
      io.stderr(`goprod: ${displayPath(f.path, io.cwd)}: ${f.notWritten}\n`);
    }
    // A signal handler runs only between two turns of the event loop.
    await new Promise((next) => setImmediate(next));
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
