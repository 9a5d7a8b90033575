// Running the Go toolchain the way goprod needs it: never downloading a toolchain or a
// module behind the user's back, and reading what it prints.
import { execFile } from 'node:child_process';
import { toolMissing } from '../errors.js';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** The environment for every go command goprod runs. */
export function goEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: base.GOWORK ?? '' };
}

export interface GoRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runGo(args: readonly string[], cwd: string): Promise<GoRun> {
  return new Promise((done, fail) => {
    execFile('go', args, { cwd, env: goEnv(), maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') fail(toolMissing('go', error));
      else done({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** A message of the compiler or vet about a place: `file:line:col: message` (byte columns). */
export interface ToolMessage {
  /** Absolute path of the user's file (overlay files are mapped back). */
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface CheckResult {
  messages: ToolMessage[];
  /** Lines that are not about a place: the check itself failed (e.g. a module is missing). */
  failures: string[];
}

const POSITIONED = /^(?:vet: )?(.+?\.go):(\d+):(\d+): (.*)$/;

/**
 * Lines of the go command that say nothing against the code: extracting a module already in
 * the cache, and go build declining a directory of tests only (vet checks those).
 */
const NOT_FAILURES = /^go: downloading |no non-test Go files in /;

/**
 * Runs `go build` and `go vet` (test files included) on packages of the module in `dir`,
 * reading the files in `overlay` (absolute path → content) instead of the ones on disk.
 * The user's tree is not touched: the content goes to a temporary directory and the go
 * command's -overlay flag points at it. Build and vet run concurrently.
 */
export async function checkPackages(dir: string, patterns: readonly string[], overlay: ReadonlyMap<string, string>): Promise<CheckResult> {
  if (patterns.length === 0) return { messages: [], failures: [] };
  const temp = await mkdtemp(join(tmpdir(), 'goprod-verify-'));
  const madeDirs: string[] = [];
  try {
    const replace: Record<string, string> = {};
    const back = new Map<string, string>();
    let n = 0;
    for (const [path, content] of overlay) {
      // One directory per file keeps base names, which the toolchain prints in messages.
      const copy = join(temp, `goprod-${n++}`, basename(path));
      await mkdir(join(copy, '..'));
      await writeFile(copy, content);
      replace[path] = copy;
      back.set(copy, path);
      // vet runs in every package directory, also of dependencies, so a package that exists
      // only in the overlay needs its directory for the moment: empty, and removed afterwards.
      if (!existsSync(dirname(path))) {
        const first = await mkdir(dirname(path), { recursive: true });
        if (first) madeDirs.push(first);
      }
    }
    const flags = overlay.size > 0 ? [`-overlay=${join(temp, 'overlay.json')}`] : [];
    await writeFile(join(temp, 'overlay.json'), JSON.stringify({ Replace: replace }));
    const runs = await Promise.all([runGo(['build', ...flags, '-o', '/dev/null', ...patterns], dir), runGo(['vet', ...flags, ...patterns], dir)]);
    // vet stops at a package's first type error; compiling its tests with -e lists them all, so
    // one round of back-out can drop every fix they point at.
    const typeErrorDirs = new Set(runs[1]!.stderr.split('\n').flatMap((l) => {
      const m = l.startsWith('vet: ') ? POSITIONED.exec(l) : null;
      return m ? [dirname(back.get(resolve(dir, m[1]!)) ?? resolve(dir, m[1]!))] : [];
    }));
    // One package at a time: test binaries of packages with the same name would collide.
    for (const d of typeErrorDirs) runs.push(await runGo(['test', ...flags, '-c', '-o', `${join(temp, `bin${runs.length}`)}/`, '-vet=off', '-gcflags=-e', `./${relative(dir, d)}`], dir));
    const result: CheckResult = { messages: [], failures: [] };
    const seen = new Set<string>();
    for (const run of runs) {
      let said = false;
      for (const line of run.stderr.split('\n')) {
        said ||= line.trim() !== '';
        const m = POSITIONED.exec(line);
        if (m) {
          const file = isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
          const message: ToolMessage = { path: back.get(file) ?? overlayFile(back, file) ?? file, line: Number(m[2]), column: Number(m[3]), message: m[4]! };
          // build and vet both report a type error; count it once.
          const key = `${message.path}:${message.line}:${message.column}: ${message.message}`;
          if (!seen.has(key)) result.messages.push(message);
          seen.add(key);
        } else if (line.trim() && !line.startsWith('#') && !line.startsWith('\t') && !NOT_FAILURES.test(line)) result.failures.push(line);
      }
      if (run.code !== 0 && !said) result.failures.push(`go exited with status ${run.code}`);
    }
    return result;
  } finally {
    await rm(temp, { recursive: true, force: true });
    for (const d of madeDirs) await rmdirEmpty(d);
  }
}

/** Removes a directory tree goprod made, if nothing was put into it meanwhile. */
async function rmdirEmpty(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isDirectory()) await rmdirEmpty(join(dir, entry.name));
  await rmdir(dir).catch(() => undefined);
}

/**
 * The go command shortens paths under its working directory even where only a name prefix
 * matches (/tmp/m and /tmp/m-x/a.go print as ".-x/a.go"): recognise a copy by its tail.
 */
function overlayFile(back: ReadonlyMap<string, string>, printed: string): string | undefined {
  for (const [copy, path] of back) if (printed.endsWith(`/${copy.split('/').slice(-2).join('/')}`)) return path;
  return undefined;
}

export interface LoadProblems {
  /** The module cannot be loaded at all (e.g. it needs a newer Go than is installed). */
  fatal?: string;
  /** Package directories that cannot be checked (missing dependencies), with the reason. */
  byDir: Map<string, string>;
}

/** What keeps packages from being checked: missing modules, a go.mod the toolchain refuses. */
export async function loadProblems(dir: string, patterns: readonly string[]): Promise<LoadProblems> {
  const run = await runGo(['list', '-e', '-test', '-json=Dir,ImportPath,Error,DepsErrors', ...patterns], dir);
  const byDir = new Map<string, string>();
  if (run.code !== 0) return { fatal: run.stderr.split('\n').find((l) => l.trim() && !NOT_FAILURES.test(l)) ?? `go list exited with status ${run.code}`, byDir };
  type Pkg = { Dir?: string; Error?: { Err: string }; DepsErrors?: Array<{ Err: string }> };
  const pkgs = JSON.parse(`[${run.stdout.replace(/}\n{/g, '},{')}]`) as Pkg[];
  for (const p of pkgs) {
    const problem = [p.Error, ...(p.DepsErrors ?? [])].find((e) => e && MISSING.test(e.Err));
    if (p.Dir && problem) byDir.set(p.Dir, problem.Err.split('\n')[0]!);
  }
  return { byDir };
}

/** Load errors that mean "cannot be checked here", as opposed to code that does not compile. */
const MISSING = /no required module provides|missing go\.sum entry|cannot find module|module lookup disabled|requires go >=|updates to go\.mod needed|is not in std|inconsistent vendoring/;
