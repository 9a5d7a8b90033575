import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { discoverGoFiles } from '../src/engine/discover.js';
import { parseGoMod } from '../src/go/module.js';
import { buildTagMinimum, fileGoVersion, parseGoVersion } from '../src/go/version.js';
import { LineIndex } from '../src/engine/position.js';

describe('discoverGoFiles', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-discover-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const touch = (...paths: string[]) => {
    for (const p of paths) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), p.endsWith('.go') ? 'package x\n' : '');
    }
  };

  test('skips vendor, testdata, dot and underscore directories and honours .gitignore files', () => {
    touch('a.go', 'b.txt', 'vendor/v.go', 'testdata/t.go', '.hidden/h.go', '_old/o.go', 'sub/c.go', 'sub/gen/g.go', 'sub/keep.go', 'out/o.go');
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.gitignore'), 'out/\n');
    writeFileSync(join(dir, 'sub', '.gitignore'), 'gen/\nkeep.go\n!keep.go\n');
    expect(discoverGoFiles(['.'], dir).map((p) => relative(dir, p))).toEqual(['a.go', 'sub/c.go', 'sub/keep.go']);
    // .gitignore files above a starting directory inside the work tree apply too.
    writeFileSync(join(dir, '.gitignore'), 'c.go\n');
    expect(discoverGoFiles(['sub'], dir).map((p) => relative(dir, p))).toEqual(['sub/keep.go']);
  });

  test('a file git tracks is Go code whatever .gitignore says, as for git; the config file\'s exclude patterns still apply', () => {
    touch('a.go', 'inspect/main.go', 'inspect/untracked.go', 'sub/gen.go', 'skip/s.go');
    writeFileSync(join(dir, '.gitignore'), 'inspect\ngen.go\n');
    const git = (...args: string[]) => expect(spawnSync('git', ['-C', dir, ...args]).status).toBe(0);
    git('init', '-q');
    git('add', '-f', 'a.go', 'inspect/main.go', 'sub/gen.go', 'skip/s.go');
    const exclude = { file: join(dir, 'goprod.yaml'), patterns: ['skip/'] };
    expect(discoverGoFiles(['.'], dir, undefined, exclude).map((p) => relative(dir, p))).toEqual(['a.go', 'inspect/main.go', 'sub/gen.go']);
  });

  test('takes a file named on the command line as asked and rejects other paths', () => {
    touch('vendor/v.go', 'x.txt');
    expect(discoverGoFiles(['vendor/v.go'], dir)).toEqual([join(dir, 'vendor/v.go')]);
    expect(() => discoverGoFiles(['x.txt'], dir)).toThrow(/not a \.go file/);
    expect(() => discoverGoFiles(['nope'], dir)).toThrow(/no such file/);
  });
});

describe('Go versions', () => {
  test('go.mod directives', () => {
    expect(parseGoMod('module example.com/m\n\ngo 1.21.3\n')).toEqual({ path: 'example.com/m', goVersion: '1.21' });
    expect(parseGoMod('module "example.com/q"\n')).toEqual({ path: 'example.com/q', goVersion: undefined });
    expect(parseGoVersion('1.22rc1')).toBe('1.22');
    expect(parseGoVersion('2.0')).toBeUndefined();
  });

  test('//go:build lines change a file version as go/types does', () => {
    expect(buildTagMinimum('go1.22')).toBe('1.22');
    expect(buildTagMinimum('linux && go1.22 && go1.23')).toBe('1.23');
    expect(buildTagMinimum('go1.22 || windows')).toBeUndefined();
    expect(fileGoVersion('1.21', 'go1.22')).toBe('1.22');
    expect(fileGoVersion('1.23', 'go1.21')).toBe('1.21');
    expect(fileGoVersion('1.23', 'go1.18')).toBe('1.21');
    expect(fileGoVersion('1.19', 'linux')).toBe('1.19');
  });
});

test('LineIndex converts string indices to byte columns and back', () => {
  const text = 'ab\n\té😀x\n';
  const lines = new LineIndex(text);
  const x = text.indexOf('x');
  expect(lines.position(x)).toEqual({ line: 2, column: 8 });
  expect(lines.index({ line: 2, column: 8 })).toBe(x);
  expect(lines.byteOffset(x)).toBe(10);
});

test("Go 1.26's new(expr) parses, and the tree reads the file as written; a file that does not parse still says where", async () => {
  const { loadGoParser } = await import('../src/engine/parse.js');
  const parser = await loadGoParser();
  const text = 'package x\n\nvar a, b = new(f()), new([]int)\n\nfunc f() int { return 1 }\n';
  const parsed = parser.parse(text);
  expect(parsed.firstError).toBeUndefined();
  expect(parsed.root.text).toBe(text);
  expect(parsed.root.descendantsOfType('call_expression').map((c) => c.childForFieldName('function')!.text)).toEqual(['new', 'f', 'new']);
  parsed.dispose();
  const broken = parser.parse('package x\n\nvar a = new(f()) +\n');
  expect(broken.firstError).toBeDefined();
  broken.dispose();
});
