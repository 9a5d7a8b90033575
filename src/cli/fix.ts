// `goprod fix`: its flags (and every codemod's options), the fix run (engine/fix-run.ts) and
// what it reports: diffs, the file list of --check, JSON or SARIF, notes and the summary.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { codemods as allCodemods } from '../../codemods/index.js';
import { ResultCache } from '../engine/cache.js';
import { optionsByCodemod, type Codemod, type OptionsByCodemod } from '../engine/codemod.js';
import { runFix, type FixRun } from '../engine/fix-run.js';
import { interruption, removeStaleTempDirs, withInterrupts } from '../engine/interrupt.js';
import { counts, type FileResult, type Mode, type Progress, type RunResult } from '../engine/model.js';
import { NotWritable, writeSourceAtomic } from '../engine/source.js';
import { cacheDir } from '../go/helper.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { jsonReport } from '../output/json.js';
import { reviewFixes } from '../output/review.js';
import { sarifReport } from '../output/sarif.js';
import { colorDiff, colorFor, colorNote, palette, ProgressLine, type ColorChoice, type Palette } from '../output/terminal.js';
import {
  diffBase,
  displayPath,
  formatWarning,
  plural,
  summary,
  typeNotes,
  unfixableNotes,
  unifiedDiff,
  verificationNotes,
} from '../output/text.js';
import { applyConfig, type Config } from './config.js';
import { selectCodemods, version, type CommandContext } from './context.js';
import { threadCount } from './flags.js';

export function addFixCommand(program: Command, { io, setExitCode }: CommandContext): void {
  const fixCommand = program.command('fix');
  fixCommand
    .description('find anti-patterns and fix them (a dry run printing diffs unless --write)')
    .argument('[paths...]', 'Go files or directories to fix (directories recursively)', ['.'])
    .option('--codemod <names>', 'comma-separated codemods to run (default: all; see `goprod list`)')
    .addOption(new Option('--write', 'write the fixes to the files').conflicts('check'))
    .addOption(new Option('--check', 'list files with pending fixes and exit 1 if there are any, like gofmt -l'))
    .addOption(
      new Option(
        '-i, --interactive',
        'review each fix and choose: the accepted ones are verified and written as with --write (needs a terminal)',
      ).conflicts(['write', 'check', 'json', 'format', 'output']),
    )
    .addOption(
      new Option(
        '--format <format>',
        'what goes to stdout: text (the default: diffs, or the file list with --check), json (one document with every finding, its ' +
          'position, edits and fix status) or sarif (SARIF 2.1.0, for code scanning)',
      ).choices(FORMATS),
    )
    .option('--json', 'short for --format=json')
    .option(
      '--output <file>',
      'write what would go to stdout (diffs, file list, JSON or SARIF) to FILE instead, replacing it atomically; messages stay on stderr',
    )
    .addHelpText('after', FIX_HELP);
  addRunOptions(fixCommand);
  addCodemodOptions(fixCommand);
  fixCommand.action(async (paths: string[], _: unknown, command: Command) => {
    const config = applyConfig(command, allCodemods, io.cwd);
    const opts = command.opts<FixOptions & { codemod?: string }>();
    const codemods = opts.codemod === undefined && config?.codemods ? config.codemods : selectCodemods(opts.codemod);
    for (const stale of removeStaleTempDirs()) io.stderr(`goprod: removed ${stale}, which an interrupted goprod run left\n`);
    setExitCode(await withInterrupts(io.stderr, () => fix(paths, codemods, optionsByCodemod(codemods, command.opts()), opts, io, config)));
  });
}

/** How the fix is proven, where it looks, and what it says (the flags after the output's). */
function addRunOptions(command: Command): void {
  command
    .option('--no-verify', 'do not prove fixes with go vet (faster, unsafe; gofmt still formats them)')
    .option(
      '--vet-every-config',
      "prove fixes with go vet under every build configuration, not only this machine's (slower: each one compiles its dependencies first)",
    )
    .option('--type-facts', "let codemods ask Go's type checker (the default when verifying; with --no-verify too)")
    .option('--no-type-facts', 'codemods decide from syntax alone, also when verifying')
    .option('--allow-dirty', 'let --write change files that have uncommitted changes in git')
    .option('--download', 'let the go command download missing modules (go mod download, with your GOPROXY) before verifying')
    .option(
      '--threads <n>',
      'worker threads that parse and run codemods (default: one per core, at most 8; 1 for small trees)',
      threadCount,
    )
    .option(
      '--no-cache',
      "scan, format and type-check every file anew: without it, each directory's findings, gofmt's outputs and the type " +
        "checker's findings are kept in goprod's cache directory ($GOPROD_CACHE, else goprod/ in the user cache directory) and a " +
        'rerun takes those of unchanged files from there',
    )
    .option('--config <file>', 'read this config file instead of the goprod.yaml found from the working directory upward')
    .option('--no-config', 'read no config file')
    .addOption(
      new Option('--color <when>', 'colour diffs and messages: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never')
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .option('-q, --quiet', 'print nothing on stderr but errors (no summary, notes, warnings or progress); stdout is unchanged')
    .option(
      '-v, --verbose',
      'list every finding goprod cannot fix on a line of its own (without it, those sharing a reason are counted, with their first places)',
    );
}

/** Every codemod's own options (`--close-mode`, `--config-pkg`…), described with the codemod's name. */
function addCodemodOptions(command: Command): void {
  for (const codemod of allCodemods) {
    for (const option of Object.values(codemod.options ?? {})) {
      const o = new Option(option.flag, `${codemod.name}: ${option.description}`);
      if (option.default !== undefined) o.default(option.default);
      if (option.choices) o.choices(option.choices);
      command.addOption(o);
    }
  }
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
  cache: boolean;
}

/** --json is short for --format=json. */
function outputFormat(opts: FixOptions): Format {
  if (opts.json && opts.format !== undefined && opts.format !== 'json')
    throw new UsageError(`--json is short for --format=json; it cannot be combined with --format=${opts.format}`);
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

/** What the run's output needs: where it goes, in which format and colours, and how notes are said. */
interface Emit {
  mode: Mode;
  format: Format;
  /** --output's path; undefined: stdout. */
  output: string | undefined;
  colors: { stdout: Palette; stderr: Palette };
  note: (line: string) => void;
  /** goprod's result cache (none with --no-cache): the run's and the diffs' it prints. */
  cache: ResultCache | undefined;
}

async function fix(
  paths: string[],
  codemods: Codemod[],
  codemodOptions: OptionsByCodemod,
  opts: FixOptions,
  io: Io,
  config: Config | undefined,
): Promise<number> {
  const interactive = opts.interactive ?? false;
  if (interactive && !(io.tty?.stdin && io.readKey))
    throw new UsageError(
      '-i asks about each fix on a terminal, and stdin is not one: run `goprod fix` to see the fixes as a diff, or `goprod fix --write` ' +
        'to apply them all',
    );
  const emit = emitOptions(opts, io);
  const env = io.env ?? {};
  const progress =
    emit.format === 'text' && !opts.quiet && ProgressLine.wanted({ isTTY: io.tty?.stderr ?? false }, env)
      ? new ProgressLine(io.stderr)
      : undefined;
  const run = await runFix(
    paths,
    codemods,
    {
      mode: emit.mode,
      verify: opts.verify,
      typeFacts: opts.typeFacts,
      allowDirty: opts.allowDirty ?? false,
      cwd: io.cwd,
      download: opts.download ?? false,
      vetEveryConfig: opts.vetEveryConfig ?? false,
      threads: opts.threads,
      cache: emit.cache,
      codemodOptions,
      exclude: config?.exclude,
      goOutsideModule: config?.goOutsideModule,
      onProgress: progress && ((p: Progress) => progress.update(p)),
      onProgressEnd: () => progress?.done(),
      note: emit.note,
      ...(interactive && { review: (candidates: FileResult[]) => review(candidates, io, emit) }),
    },
    io,
  );
  if (!run) {
    io.stderr('goprod: review interrupted; nothing written\n');
    return 130;
  }
  return report(run, codemods, opts, emit, io);
}

function emitOptions(opts: FixOptions, io: Io): Emit {
  const env = io.env ?? {};
  const colors = {
    stdout: palette(colorFor(opts.color, { isTTY: io.tty?.stdout ?? false }, env)),
    stderr: palette(colorFor(opts.color, { isTTY: io.tty?.stderr ?? false }, env)),
  };
  return {
    mode: opts.write || opts.interactive ? 'write' : opts.check ? 'check' : 'dry-run',
    format: outputFormat(opts),
    output: outputPath(opts.output, io.cwd),
    colors,
    note: (line) => void (opts.quiet || io.stderr(`${colorNote(line, colors.stderr)}\n`)),
    cache: opts.cache ? new ResultCache(join(cacheDir(), 'results')) : undefined,
  };
}

/** The report (stdout or --output), then warnings, notes and the summary on stderr; the exit status. */
function report({ result, changed }: FixRun, codemods: readonly Codemod[], opts: FixOptions, emit: Emit, io: Io): number {
  const notWritten = changed.some((f) => f.notWritten && !interruption());
  const text = reportText(result, changed, { codemods, verified: opts.verify, successful: !notWritten && !interruption() }, emit, io.cwd);
  if (emit.output === undefined) io.stdout(text);
  const reportLost = emit.output !== undefined && !writeReport(emit.output, text, io);

  const { format, mode, note, colors } = emit;
  for (const w of result.warnings)
    if (!opts.quiet || /: bug: /.test(w.message)) io.stderr(`${colorNote(formatWarning(w, io.cwd), colors.stderr)}\n`);
  if (format === 'text')
    for (const line of [
      ...typeNotes(result, io.cwd, opts.verbose),
      ...unfixableNotes(result, io.cwd, opts.verbose),
      ...verificationNotes(result, io.cwd, opts.verify, opts.verbose),
    ])
      note(line);
  // The reasons are on stderr only in text; json and sarif carry them in the document.
  note(colors.stderr.bold(`goprod: ${summary(result, mode, opts.verify, format === 'text' ? 'see above' : `see the ${format} report`)}`));
  if (notWritten || reportLost) return 2;
  // A CI job must not pass forever because its module cache is empty: unproven fixes are pending too.
  return mode === 'check' && (changed.length > 0 || counts(result, opts.verify).unverified > 0) ? 1 : 0;
}

/** What goes to stdout (or --output): the JSON or SARIF document, the file list of --check, or the diffs of a dry run. */
function reportText(
  result: RunResult,
  changed: readonly FileResult[],
  run: { codemods: readonly Codemod[]; verified: boolean; successful: boolean },
  emit: Emit,
  cwd: string,
): string {
  if (emit.format === 'json') return `${JSON.stringify(jsonReport(result, cwd, emit.mode, run.verified), null, 2)}\n`;
  if (emit.format === 'sarif') return `${JSON.stringify(sarifReport(result, { version: version(), cwd, ...run }), null, 2)}\n`;
  if (emit.mode === 'check') return changed.map((f) => `${displayPath(f.path, cwd)}\n`).join('');
  if (emit.mode !== 'dry-run' || changed.length === 0) return '';
  const base = diffBase(
    changed.map((f) => f.path),
    cwd,
  );
  const diff = changed.map((f) => unifiedDiff(f, base, emit.cache)).join('');
  if (base !== cwd) emit.note(`goprod: the diff's paths are relative to ${base} (apply it there: git -C ${base} apply)`);
  return emit.output === undefined ? colorDiff(diff, emit.colors.stdout) : diff;
}

/**
 * `-i`: the user picks among the run's fixes (see review.ts); runFix keeps only the accepted.
 * False when the user ended the review with Ctrl-C.
 */
async function review(candidates: FileResult[], io: Io, { colors, note }: Emit): Promise<boolean> {
  if (candidates.length === 0) note('goprod: nothing to review');
  const reviewed = await reviewFixes(candidates, { write: io.stdout, readKey: io.readKey! }, colors.stdout, io.cwd);
  if (reviewed.interrupted) return false;
  for (const line of reviewed.incomplete) note(`goprod: ${line}`);
  const n = reviewed.accepted + reviewed.skipped;
  note(`goprod: reviewed ${n} ${plural(n, 'fix', 'fixes')}: ${reviewed.accepted} accepted, ${reviewed.skipped} skipped`);
  return true;
}

/** Writes the --output file (atomically, as fixed files are); false, with a message, if it cannot. */
function writeReport(path: string, report: string, io: Io): boolean {
  try {
    writeSourceAtomic(path, report);
    return true;
  } catch (e) {
    io.stderr(
      `goprod: cannot write the --output file ${displayPath(path, io.cwd)}: ` +
        `${e instanceof NotWritable ? 'it is read-only' : (e as Error).message}\n`,
    );
    return false;
  }
}

/** What `goprod help fix` says after the options. */
const FIX_HELP = `
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
verification too unless --type-facts). A //go:build ignore program is checked as go run
builds it, named by its file. Packages that cannot be checked (no go.mod, missing modules, code
that does not compile before the fixes, files no configuration compiles) are reported as
unverified, one package at a time, and not changed unless --no-verify; --check
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
golangci-lint's directives count too, over the statement or declaration they mark:
//nolint:errorlint silences wrap-errors, errors-is and errors-as, //nolint:errcheck
check-errors and close-errors, //nolint all five.
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
  goprod fix --format=sarif --output goprod.sarif   for GitHub code scanning`;
