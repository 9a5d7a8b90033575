#!/usr/bin/env node
// The command line: `goprod fix`, `goprod env`, `goprod list`, `goprod explain` and `goprod init`.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { codemods as allCodemods } from '../codemods/index.js';
import type { Codemod, CodemodOptions } from './codemod.js';
import { applyConfig, writeStarterConfig, type Config } from './config.js';
import { UsageError } from './errors.js';
import { envInventory, envJson, envTable, writeEnvExample } from './env-report.js';
import { uncommittedFiles } from './git.js';
import { counts, diffBase, displayPath, formatWarning, jsonReport, summary, unfixableNotes, unifiedDiff, verificationNotes, type Mode } from './report.js';
import { fixedContent, willChange, type FileResult } from './model.js';
import { runCodemods } from './runner.js';
import { sarifReport } from './sarif.js';
import { NotWritable, writeSourceAtomic } from './source.js';
import { interruption, removeStaleTempDirs, withInterrupts, writing } from './interrupt.js';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
}

/** goprod's version, from the package.json above this file (in src/ or in dist/src/). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'unknown';
  }
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
  return { stdout: (s) => void (open.stdout && process.stdout.write(s)), stderr: (s) => void (open.stderr && process.stderr.write(s)), cwd: process.cwd() };
}

/** Exit codes: 0 done, 1 `--check` found pending fixes, 2 usage or fatal error or a file (fixed or --output) not written, 130/143 interrupted. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command('goprod')
    .description('Codemods that make Go code production-grade; every change is shown as a diff before it is written.')
    .version(version())
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  const fixCommand = program
    .command('fix')
    .description('find anti-patterns and fix them (a dry run printing diffs unless --write)')
    .argument('[paths...]', 'Go files or directories to fix (directories recursively)', ['.'])
    .option('--codemod <names>', 'comma-separated codemods to run (default: all; see `goprod list`)')
    .addOption(new Option('--write', 'write the fixes to the files').conflicts('check'))
    .addOption(new Option('--check', 'list files with pending fixes and exit 1 if there are any, like gofmt -l'))
    .addOption(new Option('--format <format>', 'what goes to stdout: text (the default: diffs, or the file list with --check), json (one document with every finding, its position, edits and fix status) or sarif (SARIF 2.1.0, for code scanning)').choices(FORMATS))
    .option('--json', 'short for --format=json')
    .option('--output <file>', 'write what would go to stdout (diffs, file list, JSON or SARIF) to FILE instead, replacing it atomically; messages stay on stderr')
    .option('--no-verify', 'do not prove fixes with go build and go vet (faster, unsafe; gofmt still formats them)')
    .option('--allow-dirty', 'let --write change files that have uncommitted changes in git')
    .option('--download', 'let the go command download missing modules (go mod download, with your GOPROXY) before verifying')
    .option('--threads <n>', 'worker threads that parse and run codemods (default: one per core, at most 8; 1 for small trees)', threadCount)
    .option('--config <file>', 'read this config file instead of the goprod.yaml found from the working directory upward')
    .option('--no-config', 'read no config file')
    .addHelpText(
      'after',
      `
Without --write nothing is changed: the fixes are printed as unified diffs that
\`git apply\` accepts, and a summary goes to stderr.
Every fix is proven before it is shown or written: the fixed files are gofmt-formatted
(only the lines goprod touched, if a file was not gofmt-clean), then each affected package
is checked with go build and go vet (test files included) without touching your tree, under
a build configuration that compiles each changed file: this machine's platform, or the one a
file's name or //go:build line asks for (windows/amd64, darwin/arm64, -tags=integration…). A
fix that brings a new error is backed out and reported; errors that were there before are not
blamed on goprod. Packages that cannot be checked (no go.mod, missing modules, code that does
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
Exit status: 0 done, 1 --check found pending fixes (verified or not), 2 usage or fatal
error or a file that could not be written, 130/143 interrupted (SIGINT/SIGTERM).`,
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
      const opts = command.opts<{ json?: boolean; markdown?: boolean; example?: boolean; force?: boolean; configPkg: string; includeTests?: boolean }>();
      if (opts.force && !opts.example) throw new UsageError('--force only applies to --example');
      const { modules, warnings } = await envInventory(paths, io.cwd, opts, { exclude: config?.exclude, goOutsideModule: config?.goOutsideModule });
      if (opts.json) io.stdout(`${JSON.stringify(envJson(modules), null, 2)}\n`);
      else io.stdout(modules.map((m) => envTable(m, opts.markdown ? 'markdown' : 'table')).join('\n'));
      for (const w of warnings) io.stderr(`${formatWarning(w, io.cwd)}\n`);
      for (const m of opts.example ? modules : []) {
        const { path, outcome } = writeEnvExample(m, opts.force ?? false);
        const name = displayPath(path, io.cwd);
        if (outcome === 'differs') exitCode = 2;
        io.stderr(outcome === 'written' ? `goprod: wrote ${name}\n` : outcome === 'unchanged' ? `goprod: ${name} is up to date\n` : `goprod: ${name} differs from the inventory (edited by hand?); not overwritten: run with --force to replace it\n`);
      }
      if (modules.length === 0) io.stderr('goprod: no Go module found (no go.mod above the given paths)\n');
    });

  program
    .command('list')
    .description('list the codemods with their summaries')
    .action(() => {
      const width = Math.max(...allCodemods.map((c) => c.name.length));
      for (const c of allCodemods) io.stdout(`${c.name.padEnd(width)}  ${c.summary}\n`);
    });

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

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface FixOptions {
  write?: boolean;
  check?: boolean;
  json?: boolean;
  format?: Format;
  output?: string;
  verify: boolean;
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
  const mode: Mode = opts.write ? 'write' : opts.check ? 'check' : 'dry-run';
  const format = outputFormat(opts);
  const output = outputPath(opts.output, io.cwd);
  const result = await runCodemods(paths, codemods, {
    cwd: io.cwd,
    verify: opts.verify,
    download: opts.download ?? false,
    threads: opts.threads,
    codemodOptions: opts as unknown as CodemodOptions,
    exclude: config?.exclude,
    goOutsideModule: config?.goOutsideModule,
  });
  const changed = result.files.filter((f) => willChange(f, opts.verify));

  if (opts.write) {
    const git = await uncommittedFiles(changed.map((f) => f.path));
    if (git.dirty.length > 0 && !opts.allowDirty) {
      const names = git.dirty.map((p) => `  ${displayPath(p, io.cwd)}`).join('\n');
      throw new UsageError(`these files have uncommitted changes that goprod's fixes would mix with:\n${names}\ncommit or stash them first, or run again with --allow-dirty`);
    }
    if (git.outsideGit.length > 0) io.stderr(`goprod: warning: ${git.outsideGit.length} ${git.outsideGit.length === 1 ? 'file is' : 'files are'} not in a git work tree: there is no easy way back from --write\n`);
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
    if (base !== io.cwd) io.stderr(`goprod: the diff's paths are relative to ${base} (apply it there: git -C ${base} apply)\n`);
  }
  if (output === undefined) io.stdout(report);
  const reportLost = output !== undefined && !writeReport(output, report, io);

  for (const w of result.warnings) io.stderr(`${formatWarning(w, io.cwd)}\n`);
  if (format === 'text') for (const note of [...unfixableNotes(result, io.cwd), ...verificationNotes(result, io.cwd, opts.verify)]) io.stderr(`${note}\n`);
  io.stderr(`goprod: ${summary(result, mode, opts.verify)}\n`);
  if (notWritten || reportLost) return 2;
  // A CI job must not pass forever because its module cache is empty: unproven fixes are pending too.
  return mode === 'check' && (changed.length > 0 || counts(result, opts.verify).unverified > 0) ? 1 : 0;
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
