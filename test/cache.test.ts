// The result cache (engine/cache.ts): a rerun takes each unchanged directory's scan and gofmt's
// outputs from goprod's cache directory, and must print exactly what a run without it prints.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { codemods as registry } from '../codemods/index.js';
import { cacheKey, ResultCache } from '../src/engine/cache.js';
import { readDirectoryFiles, readUnchanged, unchangedDigest } from '../src/engine/directory-files.js';
import { loadGoParser } from '../src/engine/parse.js';
import { recordReads, scanCached, ScanCache } from '../src/engine/scan-cache.js';
import { hunksKey } from '../src/output/text.js';
import { runCodemods } from '../src/engine/run.js';
import { runGoprod } from './run-goprod.js';
import { writeTree } from './tree.js';

// Counted: a rerun the cache answers loads no parser (its wasm).
vi.mock('../src/engine/parse.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/engine/parse.js')>();
  return { ...actual, loadGoParser: vi.fn(actual.loadGoParser) };
});

const root = mkdtempSync(join(tmpdir(), 'goprod-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let cache: string;
let n = 0;
beforeEach(() => {
  cache = join(root, `cache-${++n}`);
  vi.stubEnv('GOPROD_CACHE', cache);
  return () => vi.unstubAllEnvs();
});

/** The cache's entry files (not the trim's stamp). */
function entries(): string[] {
  const dir = join(cache, 'results');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile() && !p.endsWith('trimmed'));
}

function fixtures(): string {
  const dir = mkdtempSync(join(root, 'fixtures-'));
  cpSync(fileURLToPath(new URL('../fixtures', import.meta.url)), dir, { recursive: true });
  return dir;
}

test('every fixture: the same diffs, JSON document and warnings without the cache, filling it, and from it', async () => {
  const dir = fixtures();
  for (const format of [[], ['--json']]) {
    const had = entries().length;
    const fresh = await runGoprod(dir, 'fix', '--no-verify', '--no-cache', ...format);
    expect(entries()).toHaveLength(had);
    const filling = await runGoprod(dir, 'fix', '--no-verify', ...format);
    const kept = entries().length;
    expect(kept).toBeGreaterThan(10);
    const fromCache = await runGoprod(dir, 'fix', '--no-verify', ...format);
    const onThreads = await runGoprod(dir, 'fix', '--no-verify', '--threads', '2', ...format);
    expect(filling).toEqual(fresh);
    expect(fromCache).toEqual(fresh);
    expect(onThreads).toEqual(fresh);
    expect(entries()).toHaveLength(kept); // nothing new: every directory and every gofmt output was found
    expect(fresh.stdout).toContain(format.length ? '"codemod": "env-config"' : '%w');
  }
});

test('a verified run (type facts in the key) prints the same from the cache', async () => {
  const dir = mkdtempSync(join(root, 'verified-'));
  // Files as old as a checkout's: the type checker keeps a listing only of files that have not
  // changed for a few seconds, so that a rerun keeps no more than the first run kept.
  cpSync(fileURLToPath(new URL('../fixtures/wrap-errors', import.meta.url)), dir, { recursive: true });
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const p of ['', ...readdirSync(dir, { recursive: true, encoding: 'utf8' })]) utimesSync(join(dir, p), hourAgo, hourAgo);
  const fresh = await runGoprod(dir, 'fix', '--no-cache', '--json');
  expect(fresh.stdout).toContain('"codemod": "wrap-errors"');
  expect(await runGoprod(dir, 'fix', '--json')).toEqual(fresh);
  const kept = entries().length;
  expect(await runGoprod(dir, 'fix', '--json')).toEqual(fresh);
  expect(entries()).toHaveLength(kept);
  // Without type facts, the same directories are other entries.
  await runGoprod(dir, 'fix', '--json', '--no-type-facts');
  expect(entries().length).toBeGreaterThan(kept);
});

// errors-is fixes `err == ErrGone` only where the package declares ErrGone an error variable:
// a.go's finding depends on b.go.
const a = `package m

func Check(err error) bool {
	return err == ErrGone
}
`;
const gone = (value: string) => `package m

import "errors"

var ErrGone = ${value}

var _ = errors.New
`;

describe('what a directory scan depends on', () => {
  test('a changed file is scanned anew, and a changed sibling changes the findings that depend on it', async () => {
    const dir = mkdtempSync(join(root, 'sibling-'));
    writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'a.go': a, 'b.go': gone('errors.New("gone")') });
    // Only a.go is fixed: b.go is read for the package index alone.
    const run = async () => {
      const cached = await runGoprod(dir, 'fix', '--no-verify', '--codemod=errors-is', 'a.go');
      expect(await runGoprod(dir, 'fix', '--no-verify', '--codemod=errors-is', '--no-cache', 'a.go')).toEqual(cached);
      return cached.stdout;
    };
    expect(await run()).toContain('+\treturn errors.Is(err, ErrGone)');
    expect(await run()).toContain('+\treturn errors.Is(err, ErrGone)'); // from the cache

    writeFileSync(join(dir, 'b.go'), gone('7'));
    expect(await run()).toBe('');

    writeFileSync(join(dir, 'b.go'), gone('errors.New("gone")'));
    writeFileSync(join(dir, 'a.go'), a.replace('==', '!='));
    expect(await run()).toContain('+\treturn !errors.Is(err, ErrGone)');
  });

  test('the codemods, their options and the language version are part of the key', async () => {
    const dir = mkdtempSync(join(root, 'key-'));
    writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'a.go': a, 'b.go': gone('errors.New("gone")') });
    expect((await runGoprod(dir, 'fix', '--no-verify', '--codemod=errors-is')).stdout).toContain('errors.Is');
    expect((await runGoprod(dir, 'fix', '--no-verify', '--codemod=wrap-errors')).stdout).toBe('');
    writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.12\n'); // errors.Is came with Go 1.13
    expect((await runGoprod(dir, 'fix', '--no-verify', '--codemod=errors-is')).stdout).toBe('');
  });
});

test("env-config's findings are kept too, and found anew when a directory they read changes", async () => {
  const dir = mkdtempSync(join(root, 'env-'));
  const main = 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println(os.Getenv("PORT"))\n}\n';
  writeTree(dir, { 'go.mod': 'module example.com/svc\n\ngo 1.21\n', 'app/main.go': main });
  const run = async () => {
    const cached = await runGoprod(dir, 'fix', '--no-verify', '--codemod=env-config');
    expect(await runGoprod(dir, 'fix', '--no-verify', '--codemod=env-config', '--no-cache')).toEqual(cached);
    return cached.stdout;
  };
  expect(await run()).toContain('+\tfmt.Println(config.Get().Raw.Port)');
  expect(await run()).toContain('+\tfmt.Println(config.Get().Raw.Port)'); // from the cache
  // A sibling that takes the name `config`: the import is named otherwise.
  writeTree(dir, { 'app/names.go': 'package main\n\nvar config = 1\n' });
  expect(await run()).toContain('+\tfmt.Println(envconfig.Get().Raw.Port)');
  // A hand-written package where the config package would go: nothing moves.
  writeTree(dir, { 'internal/config/mine.go': 'package config\n' });
  expect(await run()).toBe('');
});

test("a module-wide codemod's view reads each file and directory once, and keeps one record of each", () => {
  const asked: string[] = [];
  const { files, reads } = recordReads({
    goFilesIn: (dir) => (asked.push(`dir ${dir}`), ['a.go', 'b.go']),
    text: (path) => (asked.push(`text ${path}`), path === '/m/gone.go' ? undefined : `package m // ${asked.length}`),
  });
  for (let i = 0; i < 3; i++) {
    expect(files.text('/m/a.go')).toBe('package m // 1');
    expect(files.text('/m/gone.go')).toBeUndefined();
    files.goFilesIn('/m').pop(); // the caller's copy: the next answer is whole
    expect(files.goFilesIn('/m')).toEqual(['a.go', 'b.go']);
  }
  expect(asked).toEqual(['text /m/a.go', 'text /m/gone.go', 'dir /m']);
  expect(reads.map(([kind, path]) => `${kind} ${path}`)).toEqual(asked);
});

test("a rerun prints each file's diff as kept for its texts before and after the fixes", async () => {
  const dir = mkdtempSync(join(root, 'hunks-'));
  writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'a.go': a, 'b.go': gone('errors.New("gone")') });
  const run = async (...flags: string[]) => (await runGoprod(dir, 'fix', '--no-verify', '--codemod=errors-is', ...flags)).stdout;
  const fresh = await run();
  expect(fresh).toContain('+\treturn errors.Is(err, ErrGone)');
  const copy = mkdtempSync(join(root, 'hunks-written-'));
  cpSync(dir, copy, { recursive: true });
  await runGoprod(copy, 'fix', '--no-verify', '--no-cache', '--codemod=errors-is', '--write');
  // What the cache holds for these two texts is what a rerun prints, under the file's headers.
  const fixed = readFileSync(join(copy, 'a.go'), 'utf8');
  new ResultCache(join(cache, 'results')).put(hunksKey(a, fixed), Buffer.from('@@ -4 +4 @@\n-kept\n+by the cache\n'));
  expect(await run()).toBe('--- a/a.go\n+++ b/a.go\n@@ -4 +4 @@\n-kept\n+by the cache\n');
  expect(await run('--no-cache')).toBe(fresh);
});

test("a rerun the cache answers loads no parser, env-config's fixes included", async () => {
  const dir = mkdtempSync(join(root, 'no-parser-'));
  const main = 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println(os.Getenv("PORT"))\n}\n';
  const inMain = (text: string) => text.replace('package m', 'package main');
  const files = { 'app/main.go': main, 'app/gone.go': inMain(gone('errors.New("gone")')), 'app/a.go': inMain(a) };
  writeTree(dir, { 'go.mod': 'module example.com/svc\n\ngo 1.21\n', ...files });
  // Older than the racy margin when the first run stamps them, so that the second knows them unchanged by stat alone.
  await new Promise((resolve) => setTimeout(resolve, 3100));
  const results = new ResultCache(join(cache, 'results'));
  const run = async () => {
    const result = await runCodemods([dir], registry, { verify: false, threads: 1, cache: results, cwd: dir });
    return result.files.map((f) => [f.path, f.output, f.created ?? false]);
  };
  const first = await run();
  expect(first.map(([path]) => path)).toEqual([join(dir, 'app/a.go'), join(dir, 'app/main.go'), join(dir, 'internal/config/config.go')]);
  vi.mocked(loadGoParser).mockClear();
  expect(await run()).toEqual(first);
  expect(loadGoParser).not.toHaveBeenCalled();
});

test('a corrupt or truncated entry is a miss: the run prints what a fresh one does, and the entry is written anew', async () => {
  const dir = fixtures();
  const fresh = await runGoprod(dir, 'fix', '--no-verify', '--no-cache');
  await runGoprod(dir, 'fix', '--no-verify');
  const kept = entries();
  kept.forEach((path, i) => {
    const bytes = readFileSync(path);
    if (i % 3 === 0) bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(path, i % 3 === 1 ? bytes.subarray(0, bytes.length >> 1) : i % 3 === 2 ? 'not an entry' : bytes);
  });
  expect(await runGoprod(dir, 'fix', '--no-verify')).toEqual(fresh);
  const results = new ResultCache(join(cache, 'results'));
  for (const path of kept) expect(results.get(keyOf(path))).toBeDefined(); // rewritten whole
  expect(await runGoprod(dir, 'fix', '--no-verify')).toEqual(fresh);
});

test('--no-cache neither reads nor writes the cache', async () => {
  const dir = fixtures();
  const fresh = await runGoprod(dir, 'fix', '--no-verify', '--no-cache');
  expect(existsSync(cache)).toBe(false);
  await runGoprod(dir, 'fix', '--no-verify');
  const before = new Map(entries().map((p) => [p, { bytes: readFileSync(p), mtime: statSync(p).mtimeMs }]));
  for (const p of before.keys()) utimesSync(p, new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(await runGoprod(dir, 'fix', '--no-verify', '--no-cache')).toEqual(fresh);
  for (const p of entries()) {
    expect(readFileSync(p)).toEqual(before.get(p)!.bytes);
    expect(statSync(p).mtime.getFullYear()).toBe(2000); // a hit would have marked it used
  }
});

test('runs sharing the cache at the same time each print what a run without it prints', async () => {
  const dir = fixtures();
  const fresh = await runGoprod(dir, 'fix', '--no-verify', '--no-cache', '--json');
  const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
  const run = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn('node', [cli, 'fix', '--no-verify', '--json'], { cwd: dir, env: { ...process.env, GOPROD_CACHE: cache } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
  const outputs = await Promise.all([run(), run(), run()]);
  for (const out of outputs) expect(out).toBe(fresh.stdout);
  expect(entries().filter((p) => p.endsWith('.tmp'))).toEqual([]);
});

describe('the trim', () => {
  test('removes entries unused for days and temporary files of dead runs, keeps the rest, and runs at most once an hour', () => {
    const dir = mkdtempSync(join(root, 'trim-'));
    const cache = new ResultCache(dir);
    const now = Date.now();
    const [old, recent, used] = ['old', 'recent', 'used'].map((s) => cacheKey(s));
    for (const key of [old!, recent!, used!]) cache.put(key, Buffer.from(key));
    const age = (key: string, days: number) => {
      const when = new Date(now - days * 24 * 3600 * 1000);
      utimesSync(join(dir, key.slice(0, 2), key.slice(2)), when, when);
    };
    age(old!, 6);
    age(recent!, 4);
    age(used!, 6);
    expect(cache.get(used!)?.toString()).toBe(used); // a hit marks it used
    const stale = join(dir, 'ab', 'cd.123.x.tmp');
    writeTree(dir, { 'ab/cd.123.x.tmp': 'half' });
    utimesSync(stale, new Date(now - 2 * 3600 * 1000), new Date(now - 2 * 3600 * 1000));
    cache.trim(now);
    expect([old, recent, used].map((k) => cache.get(k!)?.toString())).toEqual([undefined, recent, used]);
    expect(existsSync(stale)).toBe(false);
    age(recent!, 6);
    cache.trim(now + 60_000); // within the hour: not again
    expect(cache.get(recent!)).toBeDefined();
  });

  test('past its size, the least recently used entries go first', () => {
    const dir = mkdtempSync(join(root, 'trim-size-'));
    const cache = new ResultCache(dir, { maxBytes: 2500 });
    const keys = Array.from({ length: 4 }, (_, i) => cacheKey(`k${i}`));
    const now = Date.now();
    keys.forEach((key, i) => {
      cache.put(key, Buffer.alloc(1000, i));
      const when = new Date(now - (10 - i) * 60_000); // k0 least recently used
      utimesSync(join(dir, key.slice(0, 2), key.slice(2)), when, when);
    });
    cache.trim(now);
    expect(keys.map((k) => cache.get(k) !== undefined)).toEqual([false, false, true, true]);
  });
});

/** The key of an entry file: its directory's name and its own. */
function keyOf(path: string): string {
  const [sub, name] = path.split('/').slice(-2);
  return `${sub}${name}`;
}

describe('a directory known unchanged by stat alone (the stamps of its files)', () => {
  const write = (dir: string, files: Record<string, string>) => writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', ...files });

  test('a file changed shortly before its stamp was taken is not trusted by its stamp: it must be read (racily clean)', () => {
    const dir = mkdtempSync(join(root, 'racy-'));
    write(dir, { 'a.go': 'package m\n' });
    const paths = [join(dir, 'a.go')];
    // Stamped right after the write: the same tick of the clock could hold another write of the same size.
    const racy = readDirectoryFiles(dir, paths).stamped!;
    expect(racy.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(unchangedDigest(dir, paths, racy)).toBeUndefined();
    expect(readUnchanged(paths[0]!, racy)).toBeUndefined();
    // Stamped as if well after the write: stat alone tells it, until the file or the listing changes.
    const settled = readDirectoryFiles(dir, paths, undefined, Date.now() + 10_000).stamped!;
    expect(settled.digest).toBe(racy.digest);
    expect(unchangedDigest(dir, paths, settled)).toBe(settled.digest);
    expect(readUnchanged(paths[0]!, settled)?.toString()).toBe('package m\n');
    write(dir, { 'b.go': 'package m\n' });
    expect(unchangedDigest(dir, paths, settled)).toBeUndefined();
    rmSync(join(dir, 'b.go'));
    expect(unchangedDigest(dir, paths, settled)).toBe(settled.digest);
    // The same size, the time of change set back: stat still tells it apart (its ctime).
    const { atime, mtime } = statSync(paths[0]!);
    writeFileSync(paths[0]!, 'package n\n');
    utimesSync(paths[0]!, atime, mtime);
    expect(unchangedDigest(dir, paths, settled)).toBeUndefined();
    expect(readUnchanged(paths[0]!, settled)).toBeUndefined();
  });

  test('a scan is taken by stat alone once its files are older than the racy margin, and never after they change', async () => {
    const dir = mkdtempSync(join(root, 'stamped-'));
    const b = join(dir, 'b.go');
    write(dir, { 'a.go': a, 'b.go': gone('errors.New("gone")') });
    await new Promise((done) => setTimeout(done, 3100)); // past the racy margin (RACY_MS)
    const job = { dir, files: [{ path: join(dir, 'a.go'), order: 0 }], moduleVersion: '1.21' as const, versionAssumed: false };
    const errorsIs = registry.filter((c) => c.name === 'errors-is');
    const scans = ScanCache.of(new ResultCache(join(cache, 'results')), errorsIs, {});
    expect(scans.getUnchanged(job)).toBeUndefined(); // nothing kept yet
    const fresh = scanCached(await loadGoParser(), job, errorsIs, {}, scans);
    expect(fresh.fixed.map((f) => f.path)).toEqual([job.files[0]!.path]);
    expect(scans.getUnchanged(job)).toEqual(fresh);
    // A sibling the package index read, changed to text of the same size with its old times: not the kept scan.
    const { atime, mtime } = statSync(b);
    writeFileSync(b, gone('errors.New("GONE")'));
    utimesSync(b, atime, mtime);
    expect(scans.getUnchanged(job)).toBeUndefined();
  });
});
