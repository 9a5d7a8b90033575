// goprod's type checker (src/go/helper) stands in for go vet under the build configurations
// other than the host's: what it reports of vet's printf and errorsas checks must be what vet
// reports, word for word and place for place, or a baseline and a back-out would disagree.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FIXTURES } from './fixture-harness.js';
import { writeTree } from './tree.js';
import { ResultCache } from '../src/engine/cache.js';
import { helperBinary } from '../src/go/helper.js';
import { HelperProcesses, type HelperProcess } from '../src/go/helper-process.js';
import { goEnv, installedToolchain, typeCheckPackages, typeFactsOf } from '../src/go/toolchain.js';

const WINDOWS = { goos: 'windows', goarch: 'amd64', cgo: false, tags: [] };

const helpers = new HelperProcesses();
afterAll(() => helpers.close());
const helper = (binary: string) => helpers.of(binary);

describe("goprod's type checker", () => {
  test("reports vet's printf and errorsas findings as go vet does, under another platform", async () => {
    const dir = join(FIXTURES, 'verify', 'vet-parity');
    const vet = execFileSync('go', ['vet', '-json', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...goEnv(), GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '0' } });
    type Found = Record<string, Record<string, Array<{ posn: string; message: string }>>>;
    const expected = Object.values(JSON.parse(vet) as Found)
      .flatMap((analyzers) => Object.values(analyzers).flat())
      .map((d) => `${d.posn.replace(`${dir}/`, '')}: ${d.message}`)
      .sort();
    expect(expected.length).toBeGreaterThan(10);

    const toolchain = await installedToolchain();
    const { listing, result } = await typeCheckPackages({ context: { dir, gowork: 'off' }, config: WINDOWS }, helper(await helperBinary(toolchain)), ['./.'], new Map());
    expect(result.failures).toEqual([]);
    expect([...listing.packages.values()].map((p) => [...p.compiled])).toEqual([['p_windows.go']]);
    const got = result.messages.map((m) => `${m.path.replace(`${dir}/`, '')}:${m.line}:${m.column}: ${m.message}`).sort();
    expect(got).toEqual(expected);
    expect(result.messages.every((m) => !m.compileError)).toBe(true);
  });

  test('knows generic type aliases (Go 1.24), in the package it checks and in its dependencies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goprod-alias-'));
    try {
      writeTree(dir, {
        'go.mod': 'module example.com/alias\n\ngo 1.24\n',
        'list/list.go': 'package list\n\n// Of is a list.\ntype Of[T any] = []T\n',
        'use/use.go': 'package use\n\nimport "example.com/alias/list"\n\n// Ints are ints.\nvar Ints list.Of[int]\n\n// Names are names.\ntype Names = list.Of[string]\n',
      });
      const toolchain = await installedToolchain();
      const { result } = await typeCheckPackages({ context: { dir, gowork: 'off' }, config: WINDOWS }, helper(await helperBinary(toolchain)), ['./use'], new Map());
      expect(result).toEqual({ messages: [], failures: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('one helper process for a run', () => {
    const tree = {
      'go.mod': 'module example.com/m\n\ngo 1.22\n',
      'd/d.go': 'package d\n\n// N is a number.\nconst N = 1\n',
      'mid/mid.go': 'package mid\n\nimport "example.com/m/d"\n\n// M is d\'s.\nconst M = d.N\n',
      'use/use.go': 'package use\n\nimport (\n\t"errors"\n\n\t"example.com/m/mid"\n)\n\n// V is mid\'s.\nvar V int = mid.M\n\n// F fails.\nfunc F() error { return errors.New("f") }\n',
      'use/extra.go': '//go:build extra\n\npackage use\n\nimport "io"\n\n// G closes.\nfunc G(c io.Closer) { c.Close() }\n',
    };

    test('a dependency kept from an earlier request is checked again when its files or an import of it change, also when asked at once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'goprod-session-'));
      try {
        writeTree(dir, tree);
        const running = new HelperProcesses();
        try {
          const process = running.of(await helperBinary(await installedToolchain()));
          const target = { context: { dir, gowork: 'off' }, config: WINDOWS };
          const check = async (overlay: Map<string, string>) =>
            (await typeCheckPackages(target, process, ['./use'], overlay)).result.messages.map((m) => `${m.line}: ${m.message}`);
          expect(await check(new Map())).toEqual([]);
          // d changes under mid, which the first request kept: the second must see it.
          const word = new Map([[join(dir, 'd/d.go'), 'package d\n\n// N is a word.\nconst N = "one"\n']]);
          expect(await check(word)).toEqual(['10: cannot use mid.M (untyped string constant "one") as int value in variable declaration']);
          expect(await check(new Map())).toEqual([]);
          // Asked at once and answered concurrently, the quick one first: each answer reaches its request.
          const darwin = { ...target, config: { ...WINDOWS, goos: 'darwin' } };
          const [slow, quick] = await Promise.all([typeFactsOf(darwin, process, ['./use'], [join(dir, 'use/use.go')], false), check(word)]);
          expect(slow.failure).toBeUndefined();
          expect(slow.files.map((f) => f.path)).toEqual([join(dir, 'use/use.go')]);
          expect(quick).toEqual(['10: cannot use mid.M (untyped string constant "one") as int value in variable declaration']);
        } finally {
          running.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test("facts under the host's platform with tags, after the host's facts from export data, are those a helper of its own finds", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'goprod-session-'));
      try {
        writeTree(dir, tree);
        const toolchain = await installedToolchain();
        const binary = await helperBinary(toolchain);
        const files = [join(dir, 'use/use.go'), join(dir, 'use/extra.go')];
        const host = { context: { dir, gowork: 'off' }, config: toolchain.host };
        const extra = { ...host, config: { ...toolchain.host, tags: ['extra'] } };
        const alone = new HelperProcesses();
        const shared = new HelperProcesses();
        try {
          const own = await typeFactsOf(extra, alone.of(binary), ['./use'], files, false);
          await typeFactsOf(host, shared.of(binary), ['./use'], files, true);
          const after = await typeFactsOf(extra, shared.of(binary), ['./use'], files, false);
          expect(own.failure).toBeUndefined();
          expect(own.files.map((f) => [f.path, f.untyped, f.facts.length > 0])).toEqual([...files].sort().map((f) => [f, undefined, true]));
          expect(after).toEqual(own);
        } finally {
          alone.close();
          shared.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    describe('what it found, kept for later runs in the result cache', () => {
      // use calls mid.M, which is d.N: whether that call drops an error depends on d alone.
      const chain = {
        'go.mod': 'module example.com/m\n\ngo 1.22\n',
        'd/d.go': 'package d\n\n// N fails.\nfunc N() error { return nil }\n',
        'mid/mid.go': 'package mid\n\nimport "example.com/m/d"\n\n// M is d.N.\nvar M = d.N\n',
        'use/use.go': 'package use\n\nimport "example.com/m/mid"\n\n// F drops it.\nfunc F() { mid.M() }\n',
      };
      const DROPPED = 1 << 10; // facts.go's factDropped
      /** Runs fn with a helper process of its own that keeps what it finds in `cache`. */
      const withHelper = async <T>(cache: string | undefined, fn: (process: HelperProcess) => Promise<T>): Promise<T> => {
        const running = new HelperProcesses(cache);
        try {
          return await fn(running.of(await helperBinary(await installedToolchain())));
        } finally {
          running.close();
        }
      };
      /** The keys of the cache's entries, which goprod's own ResultCache reads and writes. */
      const keys = (cache: string) =>
        readdirSync(cache, { recursive: true, encoding: 'utf8' })
          .filter((p) => /^[0-9a-f]{2}\/[0-9a-f]+$/.test(p))
          .map((p) => p.replace('/', ''));

      test('facts kept by a run before are served from the cache, and found anew when a file two imports under changes', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'goprod-memo-'));
        const cache = mkdtempSync(join(tmpdir(), 'goprod-memo-cache-'));
        try {
          writeTree(dir, chain);
          const use = join(dir, 'use/use.go');
          const target = { context: { dir, gowork: 'off' }, config: WINDOWS };
          const facts = (process: HelperProcess) => typeFactsOf(target, process, ['./use'], [use], false);
          const first = await withHelper(cache, facts);
          expect(first.failure).toBeUndefined();
          expect(first.files.map((f) => [f.path, f.facts.some((fact) => fact[2] & DROPPED)])).toEqual([[use, true]]);
          expect(await withHelper(cache, facts)).toEqual(first);

          // Served, not found again: an entry rewritten (with its digest) is what a later run answers.
          const entries = new ResultCache(cache);
          const kept = keys(cache).filter((key) => entries.get(key)?.toString().includes(use));
          expect(kept).toHaveLength(1);
          const told = [{ path: use, facts: [[0, 7, 1]] }];
          entries.put(kept[0]!, Buffer.from(JSON.stringify(told)));
          expect((await withHelper(cache, facts)).files).toEqual(told);

          writeTree(dir, { 'd/d.go': 'package d\n\n// N counts.\nfunc N() int { return 0 }\n' });
          const changed = await withHelper(cache, facts);
          expect(changed.files.map((f) => [f.path, f.facts.some((fact) => fact[2] & DROPPED)])).toEqual([[use, false]]);
          expect(changed).toEqual(await withHelper(undefined, facts));
        } finally {
          rmSync(dir, { recursive: true, force: true });
          rmSync(cache, { recursive: true, force: true });
        }
      });

      test("a listing kept by a run before is served while nothing it was read from changes: go list does not run", async () => {
        const dir = mkdtempSync(join(tmpdir(), 'goprod-memo-'));
        const cache = mkdtempSync(join(tmpdir(), 'goprod-memo-cache-'));
        const bin = mkdtempSync(join(tmpdir(), 'goprod-go-'));
        const { PATH: path, GOENV: goenv } = process.env;
        try {
          writeTree(dir, chain);
          // Changed an hour ago: a listing read from files changed just before it is not kept (racily clean).
          const hourAgo = new Date(Date.now() - 3_600_000);
          for (const p of ['', 'd', 'mid', 'use', ...Object.keys(chain)]) utimesSync(join(dir, p), hourAgo, hourAgo);
          // A go command that notes each subcommand it runs.
          const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
          const log = join(bin, 'log');
          writeFileSync(join(bin, 'go'), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${goroot}/bin/go' "$@"\n`);
          chmodSync(join(bin, 'go'), 0o755);
          process.env.PATH = `${bin}:${path}`;
          process.env.GOENV = join(bin, 'go.env'); // what go env -w writes: none yet
          const lists = () => {
            const said = readFileSync(log, 'utf8').split('\n').filter((c) => c === 'list').length;
            writeFileSync(log, '');
            return said;
          };
          const use = join(dir, 'use/use.go');
          const target = { context: { dir, gowork: 'off' }, config: WINDOWS };
          const facts = (process: HelperProcess) => typeFactsOf(target, process, ['./use'], [use], false);
          const first = await withHelper(cache, facts);
          expect(lists()).toBe(1);
          expect(await withHelper(cache, facts)).toEqual(first);
          expect(lists()).toBe(0);
          // go env -w GOFLAGS=…: the go command lists with those flags, so the listing is made anew.
          writeFileSync(process.env.GOENV, 'GOFLAGS=-tags=goprodtest\n');
          expect(await withHelper(cache, facts)).toEqual(first);
          expect(lists()).toBe(1);

          // use.go now imports a package that was not there: listed anew, and found as without the cache.
          writeTree(dir, { 'extra/extra.go': 'package extra\n\n// E fails.\nfunc E() error { return nil }\n', 'use/use.go': 'package use\n\nimport "example.com/m/extra"\n\n// F drops it.\nfunc F() { extra.E() }\n' });
          const changed = await withHelper(cache, facts);
          expect(lists()).toBe(1);
          expect(changed.failure).toBeUndefined();
          expect(changed.files.map((f) => [f.path, f.facts.some((fact) => fact[2] & DROPPED)])).toEqual([[use, true]]);
          expect(changed).toEqual(await withHelper(undefined, facts));
        } finally {
          process.env.PATH = path;
          if (goenv === undefined) delete process.env.GOENV;
          else process.env.GOENV = goenv;
          for (const d of [dir, cache, bin]) rmSync(d, { recursive: true, force: true });
        }
      });

      test('a check kept by a run before is served for the same files only', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'goprod-memo-'));
        const cache = mkdtempSync(join(tmpdir(), 'goprod-memo-cache-'));
        try {
          writeTree(dir, chain);
          const target = { context: { dir, gowork: 'off' }, config: WINDOWS };
          const check = (overlay: Map<string, string>) => (process: HelperProcess) =>
            typeCheckPackages(target, process, ['./use'], overlay).then(({ result }) => result.messages.map((m) => `${m.line}: ${m.message}`));
          const gone = new Map([[join(dir, 'd/d.go'), 'package d\n\n// N is gone.\nvar X = 1\n']]);
          expect(await withHelper(cache, check(new Map()))).toEqual([]);
          const broken = await withHelper(undefined, check(gone));
          expect(broken).toContain('6: undefined: d.N');
          expect(await withHelper(cache, check(gone))).toEqual(broken);
          expect(await withHelper(cache, check(new Map()))).toEqual([]);

          // Served, not checked again: the entry of the check without overlay, rewritten, is what a later run answers.
          const entries = new ResultCache(cache);
          const clean = keys(cache).filter((key) => entries.get(key)?.toString() === '{"Diagnostics":[],"Failures":[]}');
          expect(clean).toHaveLength(1);
          const said = { path: join(dir, 'use/use.go'), line: 1, column: 1, message: 'kept', compile: true, importPath: 'example.com/m/use' };
          entries.put(clean[0]!, Buffer.from(JSON.stringify({ Diagnostics: [said], Failures: [] })));
          expect(await withHelper(cache, check(new Map()))).toEqual(['1: kept']);
          expect(await withHelper(cache, check(gone))).toEqual(broken);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          rmSync(cache, { recursive: true, force: true });
        }
      });
    });

    test('a helper that cannot run fails each request with why, and goprod goes on', async () => {
      const running = new HelperProcesses();
      try {
        const target = { context: { dir: tmpdir(), gowork: 'off' }, config: WINDOWS };
        const { result } = await typeCheckPackages(target, running.of(join(tmpdir(), 'no-such-goprod-helper')), ['./.'], new Map());
        expect(result.failures).toEqual([expect.stringMatching(/^goprod's type checker failed: no-such-goprod-helper failed: spawn .*ENOENT/)]);
      } finally {
        running.close();
      }
    });
  });
});
