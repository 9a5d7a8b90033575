// Running the Go toolchain the way goprod needs it: never downloading a toolchain or a
// module behind the user's back, in the module's own context (its workspace, or none) and
// under a chosen build configuration, and reading what it prints.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  anyOf,
  arrayOf,
  boolean,
  type Check,
  JsonShapeError,
  number,
  object,
  optional,
  parseChecked,
  recordOf,
  string,
} from '../checked-json.js';
import { toolMissing } from '../errors.js';
import { childProcess, onInterrupt, tempPrefix, temporaryPath } from '../engine/interrupt.js';
import { configKey, configsFor, type BuildConfig, type Platform } from './constraint.js';
import type { HelperProcess, HelperRequest } from './helper-process.js';

/**
 * The environment for every go command goprod runs: no toolchain switch, no downloads, and
 * none of the user's GOFLAGS that would let the go command edit go.mod (-mod=mod, which
 * workspace mode also rejects).
 */
export function goEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: base.GOWORK ?? '' };
  if (base.GOFLAGS) env.GOFLAGS = base.GOFLAGS.split(/\s+/).filter((f) => !/^--?mod=mod$/.test(f)).join(' ');
  return env;
}

/** Where the go command runs for one module: its directory, and the workspace it builds in (`off` for none). */
export interface GoContext {
  dir: string;
  gowork: string;
}

/** A module's context and a build configuration: everything a check of its packages depends on. */
export interface GoTarget {
  context: GoContext;
  config: BuildConfig;
  /**
   * A standalone program (a `//go:build ignore` file, run with `go run`), checked as the go
   * command builds a list of files: as a package of its own, whatever its build constraint says.
   */
  program?: string;
}

/** The go command's patterns for the target's packages in `dirs`: `./dir`, or the standalone program's file. */
export function packagePatterns(target: GoTarget, dirs: readonly string[]): string[] {
  const pattern = (path: string) => `./${relative(target.context.dir, path) || '.'}`;
  return target.program ? [pattern(target.program)] : dirs.map(pattern);
}

export interface GoRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the go command. Its own temporary files go to a directory of ours (GOTMPDIR), so that
 * an interrupted go build leaves no go-build* folders behind either.
 */
export function runGo(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<GoRun> {
  return runProgram('go', args, cwd, env);
}

let commands = 0;

/** How many go commands (and runs of goprod's type checker) this process has started: what a step cost. */
export function commandCount(): number {
  return commands;
}

/** Counts a request to goprod's helper as a command. */
export function countCommand(): void {
  commands++;
}

/** Runs a program that runs the go command (go itself, or goprod's helper) in goprod's environment for it. */
function runProgram(program: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<GoRun> {
  commands++;
  const temp = mkdtempSync(tempPrefix('go', process.env.GOTMPDIR || tmpdir()));
  const forget = temporaryPath(temp);
  return new Promise((done, fail) => {
    childProcess(
      execFile(
        program,
        args,
        { cwd, env: { ...goEnv(), GOTMPDIR: temp, ...env }, maxBuffer: 256 * 1024 * 1024 },
        (error, stdout, stderr) => {
          rmSync(temp, { recursive: true, force: true });
          forget();
          if (error?.code === 'ENOENT' && program === 'go') fail(toolMissing('go', error));
          else if (error && typeof error.code !== 'number')
            fail(
              new Error(
                `${program === 'go' ? 'go' : basename(program)} ${args[0]} ` +
                  `${error.signal ? `was stopped by ${error.signal}` : `failed: ${error.message}`}`,
              ),
            );
          else done({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      ),
    );
  });
}

/** Runs the go command for a target: its workspace, platform, cgo and tags. */
function runTarget(
  target: GoTarget,
  command: string,
  args: readonly string[],
  program = 'go',
  env: NodeJS.ProcessEnv = {},
): Promise<GoRun> {
  const { config, context } = target;
  const tags = config.tags.length > 0 ? [`-tags=${config.tags.join(',')}`] : [];
  return runProgram(program, [command, ...tags, ...args], context.dir, {
    GOWORK: context.gowork,
    GOOS: config.goos,
    GOARCH: config.goarch,
    CGO_ENABLED: config.cgo ? '1' : '0',
    ...env,
  });
}

/** What goprod needs to know of the installed toolchain. */
export interface Toolchain {
  /** The host's configuration: its platform, cgo as the user's environment has it, no tags. */
  host: BuildConfig;
  /** N of the installed go1.N, for release tags. */
  goMinor: number;
  /** As `go env GOVERSION` prints it (go1.26.8). */
  version: string;
  platforms: Platform[];
}

let toolchain: Promise<Toolchain> | undefined;

export function installedToolchain(): Promise<Toolchain> {
  toolchain ??= (async () => {
    const [info, list] = await Promise.all([
      // The user's GOOS/GOARCH say where they ship, not what this machine builds by default.
      runGo(['env', '-json', 'GOHOSTOS', 'GOHOSTARCH', 'CGO_ENABLED', 'GOVERSION'], process.cwd(), { GOOS: '', GOARCH: '' }),
      runGo(['tool', 'dist', 'list', '-json'], process.cwd()),
    ]);
    const e = parseChecked(info.stdout, recordOf(string));
    const platforms = parseChecked(list.stdout, arrayOf(object({ GOOS: string, GOARCH: string, FirstClass: boolean }))).map((p) => ({
      goos: p.GOOS,
      goarch: p.GOARCH,
      firstClass: p.FirstClass,
    }));
    return {
      host: { goos: e.GOHOSTOS!, goarch: e.GOHOSTARCH!, cgo: e.CGO_ENABLED === '1', tags: [] },
      goMinor: Number(/^go1\.(\d+)/.exec(e.GOVERSION!)?.[1] ?? 0),
      version: e.GOVERSION!,
      platforms,
    };
  })();
  return toolchain;
}

/** A message of the compiler or vet about a place: `file:line:col: message` (byte columns). */
export interface ToolMessage {
  /** Absolute path of the user's file (overlay files are mapped back). */
  path: string;
  line: number;
  column: number;
  message: string;
  /**
   * The code does not compile (a compiler error or a type error vet reports). False for a vet
   * finding, and in vet's plain output also for a vetted package's compile error printed as the
   * compiler prints it (see checkPackages): a caller that must know checks such places with `json`.
   */
  compileError: boolean;
  /** The package the go command printed it under (`# import/path`), when it said. */
  importPath?: string;
}

export interface CheckResult {
  messages: ToolMessage[];
  /** Lines that are not about a place: the check itself failed (e.g. a module is missing). */
  failures: string[];
}

const POSITIONED = /^(vet: )?(.+?\.go):(\d+):(\d+): (.*)$/;

/**
 * Lines of the go command that say nothing against the code: extracting a module already in
 * the cache, and go build declining a directory of tests only (vet checks those).
 */
const NOT_FAILURES = /^go: downloading |no non-test Go files in /;

interface Overlay {
  /** `-overlay=…`, or nothing when no file is replaced. */
  flags: string[];
  /** The overlay file, when a file is replaced. */
  file?: string;
  /** Where a copy was made, for files the toolchain names: copy → the user's path. */
  back: Map<string, string>;
  temp: string;
}

/**
 * Calls `fn` with the go command's -overlay flag pointing at `files` (absolute path → content).
 * The user's tree is not touched: the content goes to a temporary directory.
 */
async function withOverlay<T>(files: ReadonlyMap<string, string>, fn: (overlay: Overlay) => Promise<T>): Promise<T> {
  // Made and registered in one step, so that no signal finds it unregistered.
  const temp = mkdtempSync(tempPrefix('verify'));
  const undo = [temporaryPath(temp)];
  const madeDirs: string[] = [];
  try {
    const replace: Record<string, string> = {};
    const back = new Map<string, string>();
    for (const [path, content] of files) {
      // One directory per file keeps base names, which the toolchain prints in messages; it is
      // named by the file's path, so that a copy's tail says whose it is (see overlayFile).
      const copy = join(temp, copyDir(path), basename(path));
      await mkdir(join(copy, '..'));
      await writeFile(copy, content);
      replace[path] = copy;
      back.set(copy, path);
      // vet runs in every package directory, also of dependencies, so a package that exists
      // only in the overlay needs its directory for the moment: empty, and removed afterwards.
      if (!existsSync(dirname(path))) {
        const first = mkdirSync(dirname(path), { recursive: true });
        if (first) {
          madeDirs.push(first);
          undo.push(onInterrupt(() => rmdirEmptySync(first)));
        }
      }
    }
    await writeFile(join(temp, 'overlay.json'), JSON.stringify({ Replace: replace }));
    const file = files.size > 0 ? join(temp, 'overlay.json') : undefined;
    return await fn({ flags: file ? [`-overlay=${file}`] : [], ...(file ? { file } : {}), back, temp });
  } finally {
    await rm(temp, { recursive: true, force: true });
    for (const d of madeDirs) rmdirEmptySync(d);
    for (const done of undo) done();
  }
}

/**
 * Runs `go vet` (test files included) on packages of the target, reading the files in
 * `overlay` instead of the ones on disk. vet type-checks every package it vets and compiles
 * their dependencies, so a separate `go build` would only repeat that work; and vet with the
 * user's own flags finds the user's build cache warm for code goprod did not change.
 *
 * `everyTypeError` false leaves that to the caller (goprod's type checker lists them all).
 *
 * In vet's plain output a type error is a `vet: ` line and a dependency's compile error is
 * placed outside the vetted packages, but a vetted package compiled for another one prints
 * its compile errors as the compiler does, like a vet finding. With `json`, vet's findings
 * come as JSON on stdout instead and whatever stderr places does not compile: the caller
 * asks for that where it must tell the two apart (see ToolMessage.compileError).
 */
export async function checkPackages(
  target: GoTarget,
  patterns: readonly string[],
  overlay: ReadonlyMap<string, string>,
  json = false,
  everyTypeError = true,
): Promise<CheckResult> {
  if (patterns.length === 0) return { messages: [], failures: [] };
  const dir = target.context.dir;
  const vetted = new Set(patterns.map((p) => resolve(dir, p.endsWith('.go') ? dirname(p) : p)));
  const first = await vetOnce(target, patterns, overlay, vetted, { json, everyTypeError });
  if (first.unplaced.length === 0) return first.result;
  // vet printed findings it kept from a run before under copies that name no file (an older
  // goprod named them by their place in its overlay): once more, with content no cache holds.
  const again = await vetOnce(target, patterns, uncachedOverlay(overlay, first.unplaced, vetted), vetted, { json, everyTypeError });
  for (const { path, message } of again.unplaced)
    again.result.failures.push(`go vet names a copy of a file that goprod cannot place: ${path}: ${message}`);
  return again.result;
}

/** A vet finding kept from a run before, under a copy of a file that goprod cannot place. */
interface Unplaced {
  path: string;
  message: string;
}

/** One go vet of the packages (see checkPackages), and the findings it printed that goprod cannot place. */
function vetOnce(
  target: GoTarget,
  patterns: readonly string[],
  overlay: ReadonlyMap<string, string>,
  vetted: ReadonlySet<string>,
  { json, everyTypeError }: { json: boolean; everyTypeError: boolean },
): Promise<{ result: CheckResult; unplaced: Unplaced[] }> {
  const dir = target.context.dir;
  return withOverlay(overlay, async ({ flags, back, temp }) => {
    const dirs = new Set([...vetted, ...[...back.values()].map(dirname)]);
    const userPath = (file: string) => {
      const abs = isAbsolute(file) ? file : resolve(dir, file);
      return back.get(abs) ?? overlayFile(abs, dirs) ?? abs;
    };
    const vet = await runTarget(target, 'vet', [...(json ? ['-json'] : []), ...flags, ...patterns]);
    const runs = [vet];
    // vet stops at a package's first type error; compiling its tests with -e lists them all, so
    // one round of back-out can drop every fix they point at.
    const typeErrorDirs = new Set(everyTypeError ? vet.stderr.split('\n').flatMap((l) => {
      const m = POSITIONED.exec(l);
      return m?.[1] ? [dirname(userPath(m[2]!))] : [];
    }) : []);
    runs.push(...(await compileTests(target, flags, temp, typeErrorDirs)));
    const unplaced: Unplaced[] = [];
    return { result: checkResultOf(vet, runs, json, vetted, userPath, unplaced), unplaced };
  });
}

/**
 * The overlay with a comment appended to each file, and to the files on disk in `dirs` that
 * the unplaced copies are named like: content whose findings no cache holds.
 */
function uncachedOverlay(overlay: ReadonlyMap<string, string>, unplaced: readonly Unplaced[], dirs: Iterable<string>): Map<string, string> {
  const files = new Map(overlay);
  for (const { path } of unplaced)
    for (const dir of dirs) {
      const file = join(dir, basename(path));
      if (!files.has(file) && existsSync(file)) files.set(file, readFileSync(file, 'utf8'));
    }
  return new Map([...files].map(([file, text]) => [file, uncached(text)]));
}

/** A Go file's text with a comment appended: content whose check no cache of the go command holds, on the same lines. */
export function uncached(text: string): string {
  return `${text}\n// goprod: a check no cache answers\n`;
}

/**
 * Compiles the tests of the packages in `dirs` with -e: one go command per package, side by
 * side, each writing into a directory of its own (test binaries of packages with the same name
 * would collide in one).
 */
function compileTests(target: GoTarget, flags: readonly string[], temp: string, dirs: ReadonlySet<string>): Promise<GoRun[]> {
  return Promise.all(
    [...dirs].map((d, i) =>
      runTarget(target, 'test', [
        ...flags,
        '-c',
        '-o',
        `${join(temp, `bin${i}`)}/`,
        '-vet=off',
        '-gcflags=-e',
        ...packagePatterns(target, [d]),
      ]),
    ),
  );
}

/**
 * The messages and failures of go vet's run (`vet`, the first of `runs`) and of the test
 * compilations after it, each message once; see checkPackages.
 */
function checkResultOf(
  vet: GoRun,
  runs: readonly GoRun[],
  json: boolean,
  vetted: ReadonlySet<string>,
  userPath: (file: string) => string,
  unplaced: Unplaced[],
): CheckResult {
  const result: CheckResult = { messages: [], failures: [] };
  const seen = new Map<string, ToolMessage>();
  const add = (message: ToolMessage) => {
    // A message about a file goprod cannot name proves nothing either way (see checkPackages).
    if (COPY.test(message.path) || /\/goprod-verify-\d+-[^/]+\//.test(message.path)) {
      unplaced.push({ path: message.path, message: message.message });
      return;
    }
    // vet and the compiler (tests with -e) both report a type error; count it once.
    const key = `${message.path}:${message.line}:${message.column}: ${message.message}`;
    const known = seen.get(key);
    if (known) known.compileError ||= message.compileError;
    else {
      seen.set(key, message);
      result.messages.push(message);
    }
  };
  for (const finding of json ? vetFindings(vet.stdout) : []) {
    const m = /^(.+?\.go):(\d+):(\d+)$/.exec(finding.posn);
    if (m)
      add({
        path: userPath(m[1]!),
        line: Number(m[2]),
        column: Number(m[3]),
        message: finding.message,
        compileError: false,
        importPath: finding.importPath,
      });
    else result.failures.push(`${finding.importPath}: ${finding.message}`);
  }
  for (const run of runs) {
    let said = false;
    let importPath: string | undefined;
    for (const line of run.stderr.split('\n')) {
      said ||= line.trim() !== '';
      // "# example.com/m/a" or "# example.com/m/a [example.com/m/a.test]" heads a package's messages.
      const header = /^# ([^\s[]+)/.exec(line);
      if (header) importPath = header[1];
      const m = POSITIONED.exec(line);
      if (m) {
        const path = userPath(m[2]!);
        const compileError = json || run !== vet || m[1] !== undefined || !vetted.has(dirname(path));
        add({ path, line: Number(m[3]), column: Number(m[4]), message: m[5]!, compileError, ...(importPath ? { importPath } : {}) });
      } else if (line.trim() && !line.startsWith('#') && !line.startsWith('\t') && !NOT_FAILURES.test(line)) result.failures.push(line);
    }
    if (run.code !== 0 && !said) result.failures.push(`go exited with status ${run.code}`);
  }
  return result;
}

interface VetFinding {
  importPath: string;
  /** `file:line:col`, or empty for an analyzer's error. */
  posn: string;
  message: string;
}

/**
 * The findings in `go vet -json` output: one JSON object per package (its key is the import
 * path, with ` [pkg.test]` for a test variant), each mapping analyzers to findings or to
 * `{"error": …}`.
 */
function vetFindings(stdout: string): VetFinding[] {
  const found: VetFinding[] = [];
  // Objects follow one another; each ends with a `}` alone on its line (or is `{}`, for no findings).
  const objects: string[] = [];
  let current = '';
  for (const line of stdout.split('\n')) {
    current += `${line}\n`;
    if (line === '}' || line === '{}') {
      objects.push(current);
      current = '';
    }
  }
  for (const object of objects) {
    const byPackage = parseChecked(object, vetJson);
    for (const [key, analyzers] of Object.entries(byPackage)) {
      const importPath = key.replace(/ \[.*\]$/, '');
      for (const [analyzer, out] of Object.entries(analyzers)) {
        if (Array.isArray(out)) for (const d of out) found.push({ importPath, posn: d.posn, message: d.message });
        else found.push({ importPath, posn: '', message: `vet's ${analyzer} failed: ${out.error}` });
      }
    }
  }
  return found;
}

/** Removes a directory tree goprod made, if nothing was put into it meanwhile. */
function rmdirEmptySync(dir: string): void {
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) rmdirEmptySync(join(dir, entry.name));
    rmdirSync(dir);
  } catch {
    // not empty (the user put something there meanwhile), or gone
  }
}

/** A copy of a file in an overlay (see withOverlay): `…/goprod-<16 hex digits>/<the file's name>`. */
const COPY = /\/goprod-([0-9a-f]{16})\/([^/]+)$/;

/** The directory of a file's copy in an overlay, named by the file's path: the same in every run. */
function copyDir(path: string): string {
  return `goprod-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}

/**
 * The user's file (in one of `dirs`) whose copy a printed path names, recognised by the copy's
 * tail: the go command shortens paths under its working directory even where only a name
 * prefix matches (/tmp/m and /tmp/m-x/a.go print as ".-x/a.go"), and go vet prints what it
 * found for the same content again as it found it, naming the copy a run before made, in
 * another temporary directory (and maybe of a file that is not in this overlay).
 */
function overlayFile(printed: string, dirs: Iterable<string>): string | undefined {
  const copy = COPY.exec(printed);
  if (!copy) return undefined;
  for (const dir of dirs) if (copyDir(join(dir, copy[2]!)) === `goprod-${copy[1]}`) return join(dir, copy[2]!);
  return undefined;
}

/** A package as `go list` sees it under one configuration. */
export interface ListedPackage {
  importPath: string;
  /** The package's name (its package clause), if the go command read one. */
  name?: string;
  /** Base names of the files compiled: Go, cgo and test files. */
  compiled: Set<string>;
  /** Why the package cannot be checked (its own load error or a dependency's), whole. */
  problem?: string;
  /** Import paths it depends on, test dependencies included. */
  deps: Set<string>;
  /** Some of its files use cgo under this configuration. */
  cgo: boolean;
}

export interface Listing {
  /** The module cannot be loaded at all (e.g. it needs a newer Go than is installed). */
  fatal?: string;
  /** By package directory. */
  packages: Map<string, ListedPackage>;
}

/**
 * Why the go command cannot read a file's package at all (an invalid import path): no other
 * configuration changes that. Undefined where it can, or where only build constraints exclude
 * the package's files under this configuration.
 */
export function unreadablePackage(listing: Listing, path: string): string | undefined {
  const pkg = listing.packages.get(dirname(path));
  const excludedHere = /build constraints exclude all Go files/.test(pkg?.problem ?? '');
  return pkg?.problem && pkg.compiled.size === 0 && !excludedHere ? pkg.problem : undefined;
}

/** The configurations other than the host's that compile a file, as its name and build constraint say, best first (configsFor). */
export function otherConfigsFor(path: string, text: string, toolchain: Toolchain): BuildConfig[] {
  const all = configsFor(basename(path), text, toolchain.host, toolchain.platforms, toolchain.goMinor);
  return all.filter((c) => configKey(c) !== configKey(toolchain.host));
}

/**
 * Loads the packages of the target in `patterns` (`./dir`), with the overlay, to learn their
 * files and what keeps them from being checked.
 */
export async function listPackages(target: GoTarget, patterns: readonly string[], overlay: ReadonlyMap<string, string>): Promise<Listing> {
  const run = await withOverlay(overlay, ({ flags }) =>
    runTarget(target, 'list', [
      ...flags,
      '-e',
      '-test',
      '-json=Dir,ImportPath,Name,ForTest,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,Deps,Error,DepsErrors',
      ...patterns,
    ]),
  );
  if (run.code !== 0)
    return {
      fatal: run.stderr.split('\n').find((l) => l.trim() && !NOT_FAILURES.test(l)) ?? `go list exited with status ${run.code}`,
      packages: new Map(),
    };
  return listingOf(parseChecked(`[${run.stdout.replace(/}\n{/g, '},{')}]`, arrayOf(listJson)), target, patterns);
}

const goError = object({ Err: string, Pos: optional(string) });
const strings = optional(arrayOf(string));
/** A package as `go list -json` prints it, with the fields goprod asks for. */
const listJson = object({
  Dir: optional(string),
  ImportPath: string,
  Name: optional(string),
  ForTest: optional(string),
  GoFiles: strings,
  CgoFiles: strings,
  TestGoFiles: strings,
  XTestGoFiles: strings,
  Deps: strings,
  Error: optional(goError),
  DepsErrors: optional(arrayOf(goError)),
});
type ListJson = ReturnType<typeof listJson>;

/** `go vet -json`'s output for one package: each analyzer's diagnostics, or its failure. */
const vetJson = recordOf(
  recordOf(
    anyOf<Array<{ posn: string; message: string }> | { error: string }>(
      arrayOf(object({ posn: string, message: string })),
      object({ error: string }),
    ),
  ),
);

/** What the helper's check prints (see helper/check.go). */
const checkReport = object({
  fatal: optional(string),
  packages: arrayOf(listJson),
  diagnostics: arrayOf(object({ path: string, line: number, column: number, message: string, compile: boolean, importPath: string })),
  failures: arrayOf(string),
});

/** A fact of the helper's `facts`: `[start, end, flags]`, `[start, end, flags, name]` or `[start, end, flags, name, list]`. */
const fact: Check<[number, number, number, string?, string[]?]> = (v, at) => {
  if (!Array.isArray(v) || v.length < 3 || v.length > 5)
    throw new JsonShapeError(`${at}: expected [start, end, flags], [start, end, flags, name] or [start, end, flags, name, list]`);
  const [start, end, flags, name, list]: unknown[] = v;
  const offsets: [number, number, number] = [number(start, `${at}[0]`), number(end, `${at}[1]`), number(flags, `${at}[2]`)];
  if (name === undefined) return offsets;
  return list === undefined
    ? [...offsets, string(name, `${at}[3]`)]
    : [...offsets, string(name, `${at}[3]`), arrayOf(string)(list, `${at}[4]`)];
};

/** What the helper's facts prints (see helper/facts.go). */
const factsReport = object({
  fatal: optional(string),
  packages: arrayOf(listJson),
  files: arrayOf(object({ path: string, untyped: optional(string), facts: arrayOf(fact) })),
  failures: arrayOf(string),
});

function listingOf(listed: readonly ListJson[], target: GoTarget, patterns: readonly string[]): Listing {
  const packages = new Map<string, ListedPackage>();
  for (const p of listed) {
    // A package the go command cannot even name (an invalid import path) has no Dir: find its pattern.
    const pattern = p.Dir ? undefined : patterns.find((pat) => p.ImportPath === pat || p.ImportPath.endsWith(`/${pat.slice(2)}`));
    const dir = p.Dir ?? (pattern && resolve(target.context.dir, pattern));
    if (!dir) continue;
    const pkg = packages.get(dir) ?? { importPath: p.ImportPath, compiled: new Set<string>(), deps: new Set<string>(), cgo: false };
    packages.set(dir, pkg);
    if (!p.ForTest && !p.ImportPath.endsWith('.test')) {
      pkg.importPath = p.ImportPath;
      if (p.Name) pkg.name = p.Name;
      for (const f of [...(p.GoFiles ?? []), ...(p.CgoFiles ?? []), ...(p.TestGoFiles ?? []), ...(p.XTestGoFiles ?? [])])
        pkg.compiled.add(f);
      pkg.cgo ||= (p.CgoFiles ?? []).length > 0;
    }
    for (const d of p.Deps ?? []) pkg.deps.add(d);
    const problem = [p.Error, ...(p.DepsErrors ?? [])].find((e) => e && !NOT_FAILURES.test(e.Err));
    if (problem) pkg.problem ??= `${problem.Pos ? `${problem.Pos}: ` : ''}${problem.Err.replace(/\n\s*/g, ' ')}`;
  }
  return { packages };
}

/**
 * Type-checks packages of the target from source with goprod's helper (see helper/main.go):
 * go/types on the packages in `patterns` and their tests, with function bodies, and on their
 * dependencies without, plus vet's printf and errorsas checks on the packages; no object code,
 * so nothing is compiled for the target's platform. Answers what `go list` says of the
 * packages as listPackages does, and what the checks found as checkPackages does.
 */
export async function typeCheckPackages(
  target: GoTarget,
  helper: HelperProcess,
  patterns: readonly string[],
  overlay: ReadonlyMap<string, string>,
): Promise<{ listing: Listing; result: CheckResult }> {
  const answer = await withOverlay(overlay, ({ file }) =>
    askHelper(helper, target, { command: 'check', patterns, overlay: file }, checkReport),
  );
  if (typeof answer === 'string') return { listing: { packages: new Map() }, result: { messages: [], failures: [answer] } };
  if (answer.fatal) return { listing: { fatal: answer.fatal, packages: new Map() }, result: { messages: [], failures: [answer.fatal] } };
  const messages = answer.diagnostics.map((d) => ({
    path: d.path,
    line: d.line,
    column: d.column,
    message: d.message,
    compileError: d.compile,
    importPath: d.importPath,
  }));
  return { listing: listingOf(answer.packages, target, patterns), result: { messages, failures: answer.failures } };
}

/** The helper's answer to a request, in the shape expected; or why there is none. */
async function askHelper<T>(helper: HelperProcess, target: GoTarget, request: HelperRequest, shape: Check<T>): Promise<T | string> {
  try {
    const answer = parseChecked(await helper.request(target, request), anyOf<T | { error: string }>(object({ error: string }), shape));
    if (answer && typeof answer === 'object' && 'error' in answer && typeof answer.error === 'string') throw new Error(answer.error);
    return answer as T;
  } catch (error) {
    return `goprod's type checker failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** One file of the packages the helper's `facts` was asked about: the type checker's facts, or why it has none. */
export interface TypedFileJson {
  path: string;
  /** The package does not type-check under the configuration (go list's complaint, or its first type error). */
  untyped?: string;
  /**
   * `[start, end, flags]`, `[start, end, flags, name]` or `[start, end, flags, name, list]`,
   * in byte offsets of the file (see helper/facts.go).
   */
  facts: Array<[number, number, number, string?, string[]?]>;
}

/**
 * What go/types knows of the places codemods ask about (see helper/facts.go), for `files` of
 * the target's packages in `patterns` (the other files' function bodies are not checked):
 * answers what `go list` says of the packages as listPackages does, and each file's facts.
 * Without overlay: the facts are of the user's files. With `exportData` (for the host's
 * platform, where verification compiles the dependencies anyway), dependencies outside the
 * main module are read from the go command's export data instead of checked from source.
 */
export async function typeFactsOf(
  target: GoTarget,
  helper: HelperProcess,
  patterns: readonly string[],
  files: readonly string[],
  exportData: boolean,
): Promise<{ listing: Listing; files: TypedFileJson[]; failure?: string }> {
  const answer = await askHelper(helper, target, { command: 'facts', patterns, files, export: exportData }, factsReport);
  if (typeof answer === 'string') return { listing: { packages: new Map() }, files: [], failure: answer };
  if (answer.fatal) return { listing: { fatal: answer.fatal, packages: new Map() }, files: [] };
  return { listing: listingOf(answer.packages, target, patterns), files: answer.files };
}

/**
 * `go mod download` for a module's build list, with the user's GOPROXY, filling only the
 * module cache: go.mod, go.sum and the workspace's files are put back as they were. Answers
 * the go command's complaint, if any.
 */
export async function downloadModules(context: GoContext): Promise<string | undefined> {
  const workspace = context.gowork === 'off' ? [] : [context.gowork, `${context.gowork}.sum`];
  const kept = new Map<string, string | undefined>();
  for (const file of [join(context.dir, 'go.mod'), join(context.dir, 'go.sum'), ...workspace])
    kept.set(file, await readFile(file, 'utf8').catch(() => undefined));
  const restore = () => {
    for (const [file, text] of kept) {
      if (text === undefined) rmSync(file, { force: true });
      else if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
    }
  };
  const done = onInterrupt(restore);
  try {
    const run = await runGo(['mod', 'download'], context.dir, { GOWORK: context.gowork, GOPROXY: process.env.GOPROXY ?? '' });
    return run.code === 0 ? undefined : (run.stderr.trim().split('\n').pop() ?? `go mod download exited with status ${run.code}`);
  } finally {
    restore();
    done();
  }
}
