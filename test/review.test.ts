import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runGoprod, runGoprodOn, typing } from './run-goprod.js';
import { writeTree } from './tree.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-review-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const module = (files: Record<string, string>) => writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', ...files });

const read = (name: string) => readFileSync(join(dir, name), 'utf8');

const wraps = (...messages: string[]) => `package m

import "fmt"

${messages.map((m) => `func F${m}(err error) error {\n\treturn fmt.Errorf("${m}: %v", err)\n}\n`).join('\n')}`;

// errText's name says "error", so wrap-errors proposes %w from syntax (--no-type-facts); vet rejects it.
const REJECTED = `package m

import (
	"fmt"
	"strings"
)

func G(s string) error {
	errText := strings.TrimSpace(s)
	return fmt.Errorf("bad: %v", errText)
}
`;

const ESC = '\x1b[';

describe('goprod fix -i', () => {
  test('asks about each fix in file order and writes what was accepted, verified', async () => {
    module({ 'a.go': wraps('a0', 'a1', 'a2'), 'b.go': wraps('b0', 'b1'), 'c.go': REJECTED });
    // a.go: yes, help then no, skip the rest; b.go: all; c.go: yes (vet rejects it).
    const { code, stdout, stderr } = await runGoprodOn(typing('y?nsay'), dir, 'fix', '-i', '--allow-dirty', '--codemod=wrap-errors', '--no-type-facts');
    expect(code).toBe(0);
    expect(read('a.go')).toBe(wraps('a0', 'a1', 'a2').replace('a0: %v', 'a0: %w'));
    expect(read('b.go')).toBe(wraps('b0', 'b1').replaceAll(': %v', ': %w'));
    expect(read('c.go')).toBe(REJECTED);
    expect(stdout).toContain('a.go:6');
    expect(stdout).toContain('wrap-errors: fmt.Errorf formats err without wrapping');
    expect(stdout.match(/Apply\? \[y\]es\/\[n\]o\/\[a\]ll in this file\/\[s\]kip file\/\[q\]uit\/\[\?\]/g)).toHaveLength(6);
    expect(stdout).toContain('a - apply this fix and every later one in this file');
    // One hunk per fix, coloured on a terminal.
    expect(stdout).toContain(`${ESC}32m+\treturn fmt.Errorf("a1: %w", err)${ESC}39m`);
    expect(stderr).toContain('goprod: reviewed 6 fixes: 4 accepted, 2 skipped\n');
    expect(stderr).toMatch(/goprod: backed out: wrap-errors at c\.go:10: fmt\.Errorf format %w has arg errText of wrong type string/);
    expect(stderr).toMatch(/goprod: applied 3 fixes in 2 files; 1 backed out/);
    execFileSync('go', ['vet', './...'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off' } });
  });

  test('q keeps what was accepted so far; Ctrl-C writes nothing', async () => {
    module({ 'a.go': wraps('a0', 'a1'), 'b.go': wraps('b0') });
    const quit = await runGoprodOn(typing('yq'), dir, 'fix', '-i', '--allow-dirty', '--no-verify');
    expect(quit.code).toBe(0);
    expect(read('a.go')).toBe(wraps('a0', 'a1').replace('a0: %v', 'a0: %w'));
    expect(read('b.go')).toBe(wraps('b0'));

    const interrupted = await runGoprodOn(typing('y\u0003'), dir, 'fix', '-i', '--allow-dirty', '--no-verify');
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain('goprod: review interrupted; nothing written\n');
    expect(read('b.go')).toBe(wraps('b0'));
  });

  test('refuses without a terminal on stdin, and beside --write, --check or a machine format', async () => {
    module({ 'a.go': wraps('a0') });
    const piped = await runGoprod(dir, 'fix', '-i');
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('goprod: -i asks about each fix on a terminal, and stdin is not one');
    for (const other of ['--write', '--check', '--json', '--format=sarif']) {
      const both = await runGoprodOn(typing(''), dir, 'fix', '-i', other);
      expect(both.code, other).toBe(2);
      expect(both.stderr, other).toMatch(/cannot be used with option/);
    }
    expect(read('a.go')).toBe(wraps('a0'));
  });

  test('a call site accepted without the config package it needs is not applied, and says so', async () => {
    module({ 'main.go': 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tfmt.Println(os.Getenv("PORT"))\n}\n' });
    // main.go's fix: yes; internal/config/config.go: no.
    const { code, stderr } = await runGoprodOn(typing('yn'), dir, 'fix', '-i', '--allow-dirty', '--codemod=env-config');
    expect(code).toBe(0);
    expect(stderr).toContain('goprod: main.go: 1 accepted fix not applied: it needs internal/config/config.go, which was skipped\n');
    expect(existsSync(join(dir, 'internal/config/config.go'))).toBe(false);
    expect(read('main.go')).toContain('os.Getenv("PORT")');
  });
});

// util-linux's script runs goprod on a real pseudo-terminal; the keys are typed ahead, all at once.
const hasScript = spawnSync('script', ['--version']).status === 0;
const CLI = new URL('../dist/src/cli.js', import.meta.url).pathname;

test.skipIf(!hasScript)('on a real terminal, keys typed ahead answer one question each', () => {
  module({ 'a.go': wraps('a0', 'a1'), 'b.go': wraps('b0') });
  // (Ctrl-C typed ahead would reach goprod as SIGINT before the review: the injected keys test it.)
  const done = spawnSync('script', ['-qfec', `node ${CLI} fix -i --no-verify --allow-dirty .`, '/dev/null'], { cwd: dir, input: 'yn\u001b[Bq', encoding: 'utf8', timeout: 30_000 });
  expect(done.status, done.stdout).toBe(0);
  expect(read('a.go')).toBe(wraps('a0', 'a1').replace('a0: %v', 'a0: %w'));
  // The arrow key (an escape sequence) was one unknown key: help, then the question again, then q.
  expect(done.stdout).toContain('q - quit');
  expect(read('b.go')).toBe(wraps('b0'));
});

describe('colour, progress and --quiet', () => {
  test('colour on a terminal only: never piped, with NO_COLOR or --color=never; --color=always forces it', async () => {
    module({ 'a.go': wraps('a0') });
    const terminal = { tty: { stdin: false, stdout: true, stderr: true }, env: { CI: 'true' } };
    const coloured = await runGoprodOn(terminal, dir, 'fix', '--no-verify');
    expect(coloured.stdout).toContain(`${ESC}31m-\treturn fmt.Errorf("a0: %v", err)${ESC}39m`);
    expect(coloured.stderr).toContain(`${ESC}1mgoprod: 1 fix in 1 file`);
    const plain = [await runGoprod(dir, 'fix', '--no-verify'), await runGoprodOn({ ...terminal, env: { CI: 'true', NO_COLOR: '1' } }, dir, 'fix', '--no-verify'), await runGoprodOn(terminal, dir, 'fix', '--no-verify', '--color=never')];
    for (const run of plain) expect(run.stdout + run.stderr).not.toContain(ESC);
    const forced = await runGoprod(dir, 'fix', '--no-verify', '--color=always');
    expect(forced.stdout).toContain(`${ESC}32m+`);
    // --output gets the plain diff, whatever the terminal.
    await runGoprodOn(terminal, dir, 'fix', '--no-verify', '--output', 'fixes.diff');
    expect(read('fixes.diff')).not.toContain(ESC);
  });

  test('a progress line on a terminal stderr only; --quiet leaves stderr to errors', async () => {
    module({ 'a.go': wraps('a0') });
    const tty = { stdin: false, stdout: false, stderr: true };
    expect((await runGoprodOn({ tty, env: {} }, dir, 'fix', '--no-verify')).stderr).toMatch(/^\r\x1b\[Kgoprod: scanned 1 of 1 files, 1 fix found \(\d+\.\ds\)\r\x1b\[K/);
    expect((await runGoprodOn({ tty, env: { CI: '1' } }, dir, 'fix', '--no-verify')).stderr).not.toContain('scanned');
    expect((await runGoprodOn({ tty, env: {} }, dir, 'fix', '--no-verify', '--format=json')).stderr).not.toContain('scanned');
    expect((await runGoprod(dir, 'fix', '--no-verify')).stderr).not.toContain('scanned');
    const quiet = await runGoprodOn({ tty, env: {} }, dir, 'fix', '--no-verify', '--quiet');
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('+\treturn fmt.Errorf("a0: %w", err)');
  });
});

describe('help that teaches', () => {
  test('goprod explain prints the description, options and an example from the fixtures', async () => {
    const { code, stdout } = await runGoprod(dir, 'explain', 'close-errors');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^close-errors: defer x\.Close\(\) drops an error/);
    expect(stdout).toContain('--close-mode <mode>');
    expect(stdout).toMatch(/Example \(fixtures\/close-errors\/[^)]+\):\n@@ [^\n]+ @@\n/);
    expect(stdout).toContain('-\tdefer f.Close()');
    expect(stdout).not.toContain('// want');
    const unknown = await runGoprod(dir, 'explain', 'wrap-error');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown codemod wrap-error; known codemods: wrap-errors, errors-is, errors-as, loopvar, close-errors, env-config, check-errors, ctx-propagate, http-timeouts');
  });

  test('help ends with examples, and ./... means the directory, as for the go command', async () => {
    expect((await runGoprod(dir, '--help')).stdout).toMatch(/Examples:\n {2}goprod list/);
    expect((await runGoprod(dir, 'fix', '--help')).stdout).toMatch(/Examples:\n {2}goprod fix {2,}/);
    module({ 'sub/a.go': wraps('a0') });
    for (const path of ['./...', 'sub/...']) expect((await runGoprod(dir, 'fix', '--no-verify', path)).stdout, path).toContain('+\treturn fmt.Errorf("a0: %w", err)');
  });
});
