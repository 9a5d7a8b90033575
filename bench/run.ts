// npm run bench -- [PATH] [--runs N] [--module DIR [--cold] [--before CLI] [--codemod NAMES]] [--no-scan]
//
// Measures the numbers issue 11 sets as goals for goprod:
//
//   1. Scan speed and memory, on PATH (a tree of Go code): goprod's dry run with every codemod
//      and no verification (`goprod fix --no-verify PATH`) against ast-grep scanning the same
//      tree with bench/ast-grep-rules.yml, the same four patterns as plain syntax search.
//      goprod runs twice per round: cold (an empty GOPROD_CACHE) and as a rerun (the cache a
//      run before left); --before CLI adds another goprod build (main's dist/src/cli.js).
//      Goals (issue 26): cold ≤ 0.75× ast-grep's time on ≥ 500k lines, rerun ≤ 0.2×; peak RSS
//      ≤ 1 GB on ≥ 7M lines. The tools run alternately, N times each, so that a busy machine
//      or a cold disk cache hurts all alike; counting PATH's Go files first also warms the
//      disk cache. What each goprod parses (calls of tree-sitter's parse, and their text) is
//      counted on one more run (count-parses.ts).
//   2. The price of verification, with --module DIR (a Go module root with fixes to make):
//      goprod's verified dry run (`goprod fix DIR`) against what a user pays by hand to check
//      the same fixes: `go vet ./...` on the fixed tree. Both start from the same warm build
//      cache (GOCACHE) of the unfixed tree, as on a developer's machine, or with --cold from an
//      empty one, as on a fresh CI runner. Goal: ≤ 1.3× (issue 23), both ways. Warm, goprod
//      runs twice per round: a first run (no results in goprod's own cache) and again (its
//      cache as a run over the unfixed tree without verification left it), and once more as a
//      first run with --no-type-facts: what the facts cost (issue 24: ≤ 15 %). --before
//      CLI measures another goprod build (dist/src/cli.js of a checkout of main) in the same
//      rounds; --codemod limits the codemods; --no-scan skips part 1.
//
// Wall time and peak RSS (the largest process) are those of the child, taken by a small
// wrapper (python3's getrusage(RUSAGE_CHILDREN), else GNU time), so the wrapper's own start
// costs nothing. Copies are made in a temporary directory; PATH and DIR are never written.
//
// With no PATH, a synthetic module (many files, many findings) is generated and used for both.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverGoFiles } from '../src/engine/discover.js';

// Compiled to dist/bench/run.js: the package root is two levels up.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli.js');
const AST_GREP = join(ROOT, 'node_modules/.bin/ast-grep');
const RULES = join(ROOT, 'bench/ast-grep-rules.yml');

// The synthetic module's size (no PATH given).
const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 20);
const FILES = Number(process.env.BENCH_FILES ?? 25);

interface Run {
  seconds: number;
  /** Peak resident set of the largest child process, in KiB (undefined: cannot measure). */
  maxRssKiB?: number;
  code: number;
  stderr: string;
}

// ---------------------------------------------------------------------------------------
// 1. Scan speed and memory

function scanBenchmark(path: string): void {
  const files = discoverGoFiles([path], process.cwd());
  let bytes = 0;
  let lines = 0;
  for (const file of files) {
    const text = readFileSync(file);
    bytes += text.length;
    for (const b of text) if (b === 10) lines++;
  }
  console.log(`\n## Scan: ${path}`);
  console.log(
    `${files.length} Go files, ${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(1)} MB ` +
      '(as goprod discovers them: no vendor/, testdata/, hidden dirs)',
  );

  const tools = scanTools(path);
  for (const tool of tools) tool.counts = countParses(tool, path);
  for (let i = 0; i < runs; i++) {
    for (const tool of tools) {
      tool.prepare?.();
      const run = measure(tool.command, { env: tool.env });
      // Both exit 1 when they report findings.
      if (run.code === 0 || run.code === 1) tool.runs.push(run);
      else {
        tool.failed++;
        console.log(`${tool.name}: run ${i + 1} failed (exit ${run.code}); not counted. ${tail(run.stderr)}`);
      }
    }
  }
  printScanTable(tools, files.length);
}

interface ScanTool {
  name: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
  /** Before each timed run (emptying the cache of a cold run). */
  prepare?: () => void;
  /** The root of the goprod build measured, whose parses can be counted. */
  root?: string;
  counts?: { parses: number; chars: number };
  runs: Run[];
  failed: number;
}

/**
 * What the scan benchmark measures: goprod with an empty cache (cold) and with the cache of a
 * run before (rerun), ast-grep, and with --before CLI another goprod build (main's, say).
 */
function scanTools(path: string): ScanTool[] {
  const cold = join(temp, 'cache-cold');
  const warm = join(temp, 'cache-warm');
  const goprod = ['node', CLI, 'fix', '--no-verify', path];
  const tools: ScanTool[] = [
    {
      name: 'goprod, cold (empty cache)',
      command: goprod,
      env: { ...process.env, GOPROD_CACHE: cold },
      prepare: () => rmSync(cold, { recursive: true, force: true }),
      root: ROOT,
      runs: [],
      failed: 0,
    },
  ];
  const warming = spawnSync(goprod[0]!, goprod.slice(1), { env: { ...process.env, GOPROD_CACHE: warm }, stdio: 'ignore' });
  if (warming.status === 0 || warming.status === 1) {
    const env = { ...process.env, GOPROD_CACHE: warm };
    tools.push({ name: 'goprod, rerun (cache of a run)', command: goprod, env, root: ROOT, runs: [], failed: 0 });
  } else console.log(`goprod's run to fill the cache failed (exit ${warming.status}): no rerun measured`);
  if (existsSync(AST_GREP)) tools.push({ name: 'ast-grep scan', command: [AST_GREP, 'scan', '-r', RULES, path], runs: [], failed: 0 });
  else console.log(`ast-grep is not installed (${AST_GREP}): measuring goprod alone.`);
  if (values.before) {
    const cli = resolve(values.before);
    const root = resolve(dirname(cli), '../..');
    tools.push({ name: `before: ${values.before}`, command: ['node', cli, 'fix', '--no-verify', path], root, runs: [], failed: 0 });
  }
  return tools;
}

/**
 * What a goprod build parses on one run (untimed, on this thread: --threads 1), counted by
 * count-parses.js in its web-tree-sitter; undefined where that cannot be done.
 */
function countParses(tool: ScanTool, path: string): ScanTool['counts'] {
  if (!tool.root) return undefined;
  const out = join(temp, 'parses.json');
  rmSync(out, { force: true });
  tool.prepare?.();
  const [node, cli, ...args] = tool.command;
  const env = {
    ...(tool.env ?? process.env),
    BENCH_TREE_SITTER: join(tool.root, 'node_modules/web-tree-sitter/web-tree-sitter.js'),
    BENCH_PARSES: out,
  };
  const counter = pathToFileURL(join(ROOT, 'dist/bench/count-parses.js')).href;
  spawnSync(node!, ['--import', counter, cli!, ...args.filter((a) => a !== path), '--threads', '1', path], { env, stdio: 'ignore' });
  return existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as ScanTool['counts']) : undefined;
}

function printScanTable(tools: readonly ScanTool[], files: number): void {
  console.log();
  const astGrep = tools.find((t) => t.name === 'ast-grep scan');
  const reference = astGrep?.runs.length ? median(astGrep.runs.map((r) => r.seconds).sort((a, b) => a - b)) : undefined;
  const rows = [['tool', 'median s', 'min s', 'max s', 'ratio to ast-grep', 'files/s', 'peak RSS MB', 'parses', 'MB parsed']];
  for (const tool of tools) {
    const times = tool.runs.map((r) => r.seconds).sort((a, b) => a - b);
    if (times.length === 0) {
      rows.push([tool.name, 'failed', '', '', '', '', '', '', '']);
      continue;
    }
    const med = median(times);
    const rss = tool.runs.map((r) => r.maxRssKiB).filter((k) => k !== undefined);
    rows.push([
      tool.name,
      med.toFixed(2),
      times[0]!.toFixed(2),
      times[times.length - 1]!.toFixed(2),
      reference === undefined ? 'n/a' : `${(med / reference).toFixed(2)}x`,
      Math.round(files / med).toLocaleString('en'),
      rss.length ? (Math.max(...rss) / 1024).toFixed(0) : 'n/a',
      tool.counts ? tool.counts.parses.toLocaleString('en') : 'n/a',
      tool.counts ? (tool.counts.chars / 1e6).toFixed(1) : 'n/a',
    ]);
  }
  printTable(rows);
  const n = Math.min(...tools.map((t) => t.runs.length));
  console.log(`\nmedians of ${n} alternating runs; parses counted on one more run each, with --threads 1 (MB: millions of characters)`);
}

// ---------------------------------------------------------------------------------------
// 2. The price of verification

/**
 * goprod's verified dry run of `module` against `go vet ./...` of the same module with the fixes
 * applied (what a user pays to check them by hand), each from its own copy of one build cache:
 * warm (the unfixed tree vetted first, as on a developer's machine) or, with --cold, empty (as
 * on a fresh CI runner). Alternating, `runs` times; with --before CLI, another goprod build
 * (main's, say) is measured in the same rounds. Each run's `--verbose` line gives each
 * configuration's share.
 */
function verificationBenchmark(module: string): void {
  const cold = values.cold ?? false;
  console.log(`\n## Verification: ${module} (${cold ? 'cold: empty GOCACHE for each run' : 'warm: GOCACHE of the unfixed tree'})`);
  if (!existsSync(join(module, 'go.mod'))) console.log(`warning: ${module} has no go.mod`);
  // The whole git work tree is copied when DIR is in one: a module's go.mod may replace
  // modules by relative paths (etcd's do).
  const top = spawnSync('git', ['-C', module, 'rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  const tree = top.status === 0 ? top.stdout.trim() : module;
  const dry = join(temp, 'dry', relative(tree, module)); // goprod's verified dry run reads this copy
  const fixed = join(temp, 'fixed', relative(tree, module)); // this copy gets the fixes, then go vet
  copy(tree, join(temp, 'dry'));
  copy(tree, join(temp, 'fixed'));
  const codemods = values.codemod ? [`--codemod=${values.codemod}`] : [];

  // One warm cache of the unfixed tree; each measurement gets a copy of its own. The go
  // command's cache keys include a package's directory, so both copies warm it, unfixed.
  const warm = join(temp, 'cache-warm');
  mkdirSync(warm);
  if (!cold) {
    for (const tree of [dry, fixed]) {
      const run = measure(['go', 'vet', './...'], { cwd: tree, env: withCache(warm) });
      console.log(`warming GOCACHE: go vet ./... in ${tree} (unfixed): ${run.seconds.toFixed(2)} s, exit ${run.code}`);
    }
  }

  // Untimed: apply the fixes that verification keeps, and say what goprod did.
  const writeCache = join(temp, 'cache-write');
  copy(warm, writeCache);
  const write = spawnSync('node', [CLI, 'fix', ...codemods, '--write', fixed], {
    env: withCaches(writeCache, join(temp, 'goprod-cache-write')),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  rmSync(writeCache, { recursive: true, force: true });
  if (write.status !== 0 && write.status !== 1) console.log(`goprod fix --write: exit ${write.status}. ${tail(write.stderr)}`);
  const summary = (write.stderr ?? '').trim().split('\n').slice(-1).join('\n  '); // goprod's summary goes to stderr
  const changed = differingFiles(tree, join(temp, 'fixed'));
  console.log(`goprod fix --write (untimed) changed ${changed} files; its summary:\n  ${summary}`);
  if (changed === 0) console.log('warning: no fixes were applied, so go vet below checks the unfixed tree');

  // goprod's own cache (GOPROD_CACHE: the scan's findings, gofmt's outputs, the type checker's
  // facts and checks) is measured both ways when warm: without results, as on goprod's first
  // run over a tree, and as a run over the unfixed tree without verification left it (what it
  // found there, nothing of the fixed tree: go vet's GOCACHE too is of the unfixed tree). Cold,
  // without results, as on a fresh CI runner. Its helper binary, built once per goprod version
  // and Go version, is always there: a run over a module of one file builds it (on the real
  // tree, cold, it would compile every dependency first).
  const oneFile = join(temp, 'one-file');
  mkdirSync(oneFile);
  writeFileSync(join(oneFile, 'go.mod'), 'module example.com/one\n\ngo 1.21\n');
  writeFileSync(join(oneFile, 'one.go'), 'package one\n');
  const goprods = [{ name: 'goprod fix (verified dry run)', cli: CLI }];
  if (values.before) goprods.push({ name: `before: ${values.before}`, cli: resolve(values.before) });
  const tools: Tool[] = [];
  // What the type facts cost a run (issue 24) is what it takes longer than the same first run
  // without them: their step alone also does work the proof then need not do (the other
  // configurations' dependencies, checked from source once for both), and without them
  // verification backs out more fixes, a round each.
  let facts: { firstRun: Tool; withoutFacts: Tool } | undefined;
  for (const { name, cli } of goprods) {
    const command = ['node', cli, 'fix', ...codemods, '--verbose', dry];
    const first = ranBefore(['node', cli, 'fix', '--no-verify', '--type-facts', oneFile], warm);
    rmSync(join(first, 'results'), { recursive: true, force: true });
    const firstRun: Tool = { name: cold ? name : `${name}, first run`, command, goprodCache: first, runs: [], shares: new Map() };
    tools.push(firstRun);
    if (cold) continue;
    const again = ranBefore(['node', cli, 'fix', ...codemods, '--no-verify', '--type-facts', dry], warm);
    tools.push({ name: `${name}, goprod cache of the unfixed tree`, command, goprodCache: again, runs: [], shares: new Map() });
    if (cli !== CLI) continue;
    const withoutFacts: Tool = {
      name: `${name} --no-type-facts, first run`,
      command: ['node', cli, 'fix', ...codemods, '--no-type-facts', '--verbose', dry],
      goprodCache: first,
      runs: [],
      shares: new Map(),
    };
    tools.push(withoutFacts);
    facts = { firstRun, withoutFacts };
  }
  // go vet after this goprod, the old build last, so that a run stopped while it runs has the others.
  const vet: Tool = { name: 'go vet ./... of the fixed tree', command: ['go', 'vet', './...'], cwd: fixed, runs: [], shares: new Map() };
  tools.splice(cold ? 1 : 2, 0, vet);
  for (let i = 0; i < runs; i++) for (const tool of tools) measureTool(tool, warm, i);

  console.log();
  const vetSeconds = median(vet.runs.map((r) => r.seconds).sort((a, b) => a - b));
  const rows = [['step', 'median s', 'min s', 'max s', 'ratio to go vet', 'peak RSS MB']];
  for (const tool of tools) {
    const times = tool.runs.map((r) => r.seconds).sort((a, b) => a - b);
    const rss = Math.max(...tool.runs.map((r) => r.maxRssKiB ?? 0));
    rows.push([
      tool.name,
      median(times).toFixed(2),
      times[0]!.toFixed(2),
      times.at(-1)!.toFixed(2),
      (median(times) / vetSeconds).toFixed(2),
      rss ? (rss / 1024).toFixed(0) : 'n/a',
    ]);
  }
  printTable(rows);
  for (const tool of tools.filter((t) => t.shares.size > 0)) {
    console.log(
      `\n${tool.name}: each step (medians of what --verbose says: the type facts of each configuration; ` +
        `verification's listing, checks and back-out rounds)`,
    );
    const total = median(tool.runs.map((r) => r.seconds).sort((a, b) => a - b));
    printTable([
      ['configuration', 'median s', 'share of the run'],
      ...[...tool.shares].map(([config, seconds]) => [
        config,
        median(seconds.sort((a, b) => a - b)).toFixed(2),
        `${((100 * median(seconds)) / total).toFixed(0)} %`,
      ]),
    ]);
  }
  for (const tool of tools.filter((t) => t.goprodCache !== undefined && !t.name.startsWith('before') && t !== facts?.withoutFacts)) {
    const verifiedRun = median(tool.runs.map((r) => r.seconds).sort((a, b) => a - b));
    console.log(`\n${tool.name}/manual go vet: ${(verifiedRun / vetSeconds).toFixed(2)}x (median of ${runs} alternating runs)`);
  }
  if (facts) factsCost(facts.firstRun, facts.withoutFacts);
}

/** What the type facts cost the first run: its median minus that of the same run without them, and their step's own share. */
function factsCost(first: Tool, withoutFacts: Tool): void {
  const seconds = (tool: Tool) => median(tool.runs.map((r) => r.seconds).sort((a, b) => a - b));
  const cost = seconds(first) - seconds(withoutFacts);
  const step = first.shares.get('type facts, all (wall)');
  const stepSeconds = step ? median([...step].sort((a, b) => a - b)) : undefined;
  console.log(
    `\nthe type facts' cost on the first run: ${seconds(first).toFixed(2)} s - ${seconds(withoutFacts).toFixed(2)} s without them = ` +
      `${cost.toFixed(2)} s, ${((100 * cost) / seconds(first)).toFixed(0)} % of the run` +
      (stepSeconds === undefined ? '' : ` (their step: ${stepSeconds.toFixed(2)} s, ${((100 * stepSeconds) / seconds(first)).toFixed(0)} %)`),
  );
}

interface Tool {
  name: string;
  command: string[];
  cwd?: string;
  /** goprod's: a copy of this directory is its cache at the start of each run (undefined: not goprod). */
  goprodCache?: string;
  runs: Run[];
  /** Seconds of each step that --verbose tells, by step. */
  shares: Map<string, number[]>;
}

/** goprod's cache as a run of the command left it (that run's GOCACHE, a copy of `warm`, is thrown away). */
function ranBefore(command: string[], warm: string): string {
  const goprodCache = mkdtempSync(join(temp, 'goprod-cache-'));
  const cache = join(temp, 'cache-before');
  copy(warm, cache);
  const run = spawnSync(command[0]!, command.slice(1), { env: withCaches(cache, goprodCache), encoding: 'utf8', maxBuffer: 1 << 30 });
  rmSync(cache, { recursive: true, force: true });
  if (run.status !== 0 && run.status !== 1) console.log(`${command.join(' ')}: exit ${run.status}. ${tail(run.stderr)}`);
  return goprodCache;
}

/** One run of the tool from a copy of the warm GOCACHE (and goprod's cache as the tool says), said and recorded. */
function measureTool(tool: Tool, warm: string, i: number): void {
  const cache = join(temp, 'cache-run');
  const goprodCache = join(temp, 'goprod-cache-run');
  copy(warm, cache);
  if (tool.goprodCache === undefined) mkdirSync(goprodCache);
  else copy(tool.goprodCache, goprodCache);
  const run = measure(tool.command, { cwd: tool.cwd, env: withCaches(cache, goprodCache) });
  rmSync(cache, { recursive: true, force: true });
  rmSync(goprodCache, { recursive: true, force: true });
  if (run.code !== 0 && run.code !== 1) console.log(`${tool.name}: run ${i + 1} exit ${run.code}. ${tail(run.stderr)}`);
  tool.runs.push(run);
  // "goprod: type facts: linux/amd64 in 1.1 s, windows/amd64 in 0.9 s; 2.0 s in all" (the
  // configurations other than the host's are checked side by side; a goprod before the total
  // did not print it) and
  // "goprod: verification: linux/amd64 with go vet in 3.2 s, windows/amd64 type-checked in 0.4 s"
  const [, facts, factsWall] = /^goprod: type facts: (.*?)(?:; ([\d.]+) s in all)?$/m.exec(run.stderr) ?? [];
  const line = /^goprod: verification: (.*)$/m.exec(run.stderr)?.[1];
  const parts = [
    ...(factsWall ? [`type facts, all (wall) in ${factsWall} s`] : []),
    ...(facts?.split(', ').map((p) => `type facts: ${p}`) ?? []),
    ...(line?.split(', ') ?? []),
  ];
  const seconds = new Map<string, number>(); // a configuration may appear once per module
  for (const part of parts) {
    const m = /^(.*) in ([\d.]+) s(?: \(\d+ commands?\))?$/.exec(part);
    if (m) seconds.set(m[1]!, (seconds.get(m[1]!) ?? 0) + Number(m[2]));
  }
  for (const [step, s] of seconds) tool.shares.set(step, [...(tool.shares.get(step) ?? []), s]);
  const said = [facts && `type facts: ${facts}`, line].filter(Boolean).join('; ');
  console.log(`run ${i + 1}: ${tool.name}: ${run.seconds.toFixed(2)} s${said ? ` (${said})` : ''}`);
}

function withCache(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, GOCACHE: dir };
}

function withCaches(gocache: string, goprodCache: string): NodeJS.ProcessEnv {
  return { ...process.env, GOCACHE: gocache, GOPROD_CACHE: goprodCache };
}

/** How many files differ between two trees (or are in one only). */
function differingFiles(a: string, b: string): number {
  const diff = spawnSync('diff', ['-rq', a, b], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return (diff.stdout ?? '').split('\n').filter(Boolean).length;
}

function copy(from: string, to: string): void {
  const r = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -a ${from} ${to} failed: ${r.stderr}`);
}

// ---------------------------------------------------------------------------------------
// Running a child: wall time and peak RSS

interface Wrapper {
  rss: boolean;
  (command: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Run;
}

// Runs argv[2:] with stdout and stderr as given (the parent discards stdout and reads stderr)
// and writes "<wall seconds> <peak RSS KiB> <exit code>" to argv[1].
const PYTHON = `import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[2:]).returncode
wall = time.perf_counter() - start
open(sys.argv[1], "w").write(f"{wall} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {code}")`;

/** The first way to measure a child that works here: python3, GNU time, or only a clock. */
function pickWrapper(): Wrapper {
  const out = join(temp, 'rusage');
  const viaPython = (command: string[]) => ['python3', '-c', PYTHON, out, ...command];
  const viaTime = (command: string[]) => ['/usr/bin/time', '-o', out, '-f', '%e %M %x', ...command];
  for (const wrap of [viaPython, viaTime]) {
    const measure = wrapped(wrap, out);
    const probe = measure(['true']);
    if (probe.code === 0 && probe.maxRssKiB !== undefined && probe.maxRssKiB > 0) return measure;
  }
  const unwrapped: Wrapper = (command, options = {}) => {
    const start = performance.now();
    const r = spawnSync(command[0]!, command.slice(1), {
      ...options,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    return { seconds: (performance.now() - start) / 1000, code: r.status ?? -1, stderr: r.stderr ?? String(r.error ?? '') };
  };
  unwrapped.rss = false;
  return unwrapped;
}

function wrapped(wrap: (command: string[]) => string[], out: string): Wrapper {
  const measure: Wrapper = (command, options = {}) => {
    rmSync(out, { force: true });
    const [program, ...args] = wrap(command);
    const r = spawnSync(program!, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 30 });
    const stderr = r.stderr ?? String(r.error ?? '');
    // GNU time puts "Command exited with non-zero status" lines first: the numbers are last.
    const last = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').pop()! : '';
    const [seconds, rss, code] = last.split(' ').map(Number);
    if (seconds === undefined || rss === undefined || code === undefined || [seconds, rss, code].some(Number.isNaN)) {
      return { seconds: NaN, code: r.status ?? -1, stderr };
    }
    return { seconds, maxRssKiB: rss, code, stderr };
  };
  measure.rss = true;
  return measure;
}

// ---------------------------------------------------------------------------------------
// Output

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function tail(stderr: string): string {
  const lines = stderr.trim().split('\n').slice(-10).join('\n  ');
  return lines ? `Its stderr ends:\n  ${lines}` : '(no stderr)';
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

// ---------------------------------------------------------------------------------------
// The synthetic module (no PATH given)

function generate(dir: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/bench\n\ngo 1.21\n');
  for (let p = 0; p < PACKAGES; p++) {
    mkdirSync(join(dir, `pkg${p}`));
    for (let f = 0; f < FILES; f++) {
      const funcs = Array.from({ length: 10 }, (_, i) => `
// F${f}x${i} reads a file.
func F${f}x${i}(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s (é): %v", path, err)
	}
	return data, nil
}
`).join('');
      writeFileSync(join(dir, `pkg${p}`, `f${f}.go`), `package pkg${p}\n\nimport (\n\t"fmt"\n\t"os"\n)\n${funcs}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Main

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    module: { type: 'string' },
    cold: { type: 'boolean' },
    before: { type: 'string' },
    codemod: { type: 'string' },
    'no-scan': { type: 'boolean' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: not a positive whole number: ${values.runs}`);

const temp = mkdtempSync(join(tmpdir(), 'goprod-bench-'));
const measure = pickWrapper();
try {
  let path = positionals[0] === undefined ? undefined : resolve(positionals[0]);
  let module = values.module === undefined ? undefined : resolve(values.module);
  if (path === undefined) {
    path = join(temp, 'synthetic');
    generate(path);
    module ??= path;
    console.log(`No PATH given: a synthetic module of ${PACKAGES} packages × ${FILES} files × 10 functions.`);
  }
  if (!measure.rss) console.log('Neither python3 nor GNU time works here: peak RSS is n/a.');
  if (!values['no-scan']) scanBenchmark(path);
  if (module !== undefined) verificationBenchmark(module);
} finally {
  rmSync(temp, { recursive: true, force: true });
}
