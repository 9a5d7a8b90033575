import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { HOST, runGoprod } from './run-goprod.js';

const DEMO = new URL('../fixtures/demo/', import.meta.url).pathname;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goprod-cli-'));
  cpSync(DEMO, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const goprod = (...args: string[]) => runGoprod(dir, ...args);

const original = () => readFileSync(join(dir, 'store.go'), 'utf8');

describe('goprod fix', () => {
  test('a dry run prints a diff git can apply and writes nothing', async () => {
    const before = original();
    const { code, stdout, stderr } = await goprod('fix', '--codemod=wrap-errors', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^--- a\/store.go\n\+\+\+ b\/store.go\n@@/);
    expect(stdout).toContain('+\t\treturn "", fmt.Errorf("load %s: %w", path, err)');
    expect(stderr).toBe(`goprod: 3 fixes in 1 file; checked under ${HOST}; run with --write to apply\n`);
    expect(original()).toBe(before);

    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['apply'], { cwd: dir, input: stdout });
    const { stdout: again } = await goprod('fix', dir);
    expect(again).toBe('');
  });

  test('--write applies the fixes, then --check finds nothing', async () => {
    const write = await goprod('fix', '--write', dir);
    expect(write.code).toBe(0);
    expect(write.stderr).toContain(`\ngoprod: applied 3 fixes in 1 file; checked under ${HOST}\n`);
    expect(original()).toContain('fmt.Errorf("save %s (%d bytes): %w", path, len(value), err)');
    const check = await goprod('fix', '--check', dir);
    expect(check).toEqual({ code: 0, stdout: '', stderr: 'goprod: no fixes to apply (1 Go file scanned)\n' });
  });

  test('--check lists files with pending fixes and exits 1', async () => {
    const before = original();
    expect(await goprod('fix', '--check')).toEqual({ code: 1, stdout: 'store.go\n', stderr: `goprod: 3 fixes in 1 file pending; checked under ${HOST}; run with --write to apply\n` });
    expect(original()).toBe(before);
  });

  test('--write keeps the file mode, CRLF line endings and the byte-order mark', async () => {
    const path = join(dir, 'store.go');
    writeFileSync(path, `\uFEFF${original().replace(/\n/g, '\r\n')}`);
    chmodSync(path, 0o640);
    await goprod('fix', '--write');
    const after = readFileSync(path, 'utf8');
    expect(after.startsWith('\uFEFFpackage') || after.startsWith('\uFEFF//')).toBe(true);
    expect(after).toContain('fmt.Errorf("load %s: %w", path, err)\r\n');
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  test('--json reports findings with 1-based lines, byte columns and edits', async () => {
    writeFileSync(join(dir, 'store.go'), original().replace('return "", fmt.Errorf("load', '/* é😀 */ return "", fmt.Errorf("load'));
    const { code, stdout } = await goprod('fix', '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ mode: 'dry-run', verified: true, warnings: [] });
    expect(doc.summary).toEqual({ files: 1, fixes: 3, backedOut: 0, unverified: 0, deferred: 0, notWritten: 0, scanned: 1, configurations: [HOST] });
    const first = doc.findings[0];
    const line = original().split('\n')[16]!;
    // "\t\t/* é😀 */ return \"\", " is 26 bytes but 23 UTF-16 units: the call starts at byte column 27.
    expect(Buffer.byteLength(line.slice(0, line.indexOf('fmt.Errorf')))).toBe(26);
    expect(first).toMatchObject({ codemod: 'wrap-errors', file: 'store.go', line: 17, column: 27, message: expect.stringMatching(/formats err/) });
    expect(first.fixes[0]).toMatchObject({ status: 'applied', edits: [{ line: 17, newText: 'w' }] });
    const edit = first.fixes[0].edits[0];
    const bytes = Buffer.from(readFileSync(join(dir, 'store.go')));
    expect(bytes.subarray(edit.offset, edit.offset + edit.length).toString()).toBe('v');
    expect(Buffer.from(line).subarray(edit.column - 1, edit.column).toString()).toBe('v');
  });

  test('usage errors exit 2 and say what to do', async () => {
    const unknown = await goprod('fix', '--codemod=wrap-error');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^goprod: unknown codemod wrap-error; known codemods: wrap-errors, [a-z, -]+\n$/);
    expect((await goprod('fix', '--write', '--check')).code).toBe(2);
    const missing = await goprod('fix', 'no-such-dir');
    expect(missing).toMatchObject({ code: 2, stderr: 'goprod: no-such-dir: no such file or directory\n' });
    expect((await goprod('frobnicate')).code).toBe(2);
  });

  test('--format=json is what --json prints; --format takes text, json or sarif, and --json only with json', async () => {
    const json = await goprod('fix', '--no-verify', '--json');
    expect(JSON.parse(json.stdout).findings).toHaveLength(3);
    expect(await goprod('fix', '--no-verify', '--format=json')).toEqual(json);
    expect(await goprod('fix', '--no-verify', '--json', '--format=json')).toEqual(json);
    expect(await goprod('fix', '--no-verify', '--format=text')).toEqual(await goprod('fix', '--no-verify'));

    const both = await goprod('fix', '--json', '--format=sarif');
    expect(both).toEqual({ code: 2, stdout: '', stderr: 'goprod: --json is short for --format=json; it cannot be combined with --format=sarif\n' });
    const bad = await goprod('fix', '--format=xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'--format <format>' argument 'xml' is invalid. Allowed choices are text, json, sarif/);
  });

  test('--output writes what stdout would get to a file (creating its directory) and leaves stdout empty', async () => {
    const diff = await goprod('fix');
    expect(diff.stdout).toMatch(/^--- a\/store.go/);
    const toFile = await goprod('fix', '--output', 'reports/fixes.diff');
    expect(toFile).toEqual({ ...diff, stdout: '' });
    expect(readFileSync(join(dir, 'reports/fixes.diff'), 'utf8')).toBe(diff.stdout);

    // Replaced, not appended to; --check's exit status stays.
    const check = await goprod('fix', '--check', '--output=reports/fixes.diff');
    expect(check).toMatchObject({ code: 1, stdout: '' });
    expect(readFileSync(join(dir, 'reports/fixes.diff'), 'utf8')).toBe('store.go\n');

    await goprod('fix', '--format=sarif', '--output', 'goprod.sarif');
    expect(JSON.parse(readFileSync(join(dir, 'goprod.sarif'), 'utf8')).runs[0].results).toHaveLength(3);
  });

  test('an --output that cannot be written: a directory is refused before the run, anything else after it with exit status 2', async () => {
    const before = original();
    expect(await goprod('fix', '--write', '--output', '.')).toEqual({ code: 2, stdout: '', stderr: 'goprod: --output . is a directory; give a file name\n' });
    expect(original()).toBe(before);

    const { code, stdout, stderr } = await goprod('fix', '--output', 'store.go/fixes.diff');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^goprod: cannot write the --output file store.go\/fixes.diff: EEXIST: file already exists, mkdir '.*store.go'$/m);
    expect(stderr).toContain('goprod: 3 fixes in 1 file;');
  });

  test('without Go on PATH, goprod says what to do', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const { code, stderr } = await goprod('fix');
      expect(code).toBe(2);
      expect(stderr).toMatch(/^goprod: cannot run gofmt \(.*\): .*install Go/);
    } finally {
      process.env.PATH = path;
    }
  });

  test('an unparsable file is reported and left alone', async () => {
    const path = join(dir, 'broken.go');
    const broken = 'package demo\n\nfunc f() error {\n\treturn fmt.Errorf("x: %v", err\n}\n';
    writeFileSync(path, broken);
    const { code, stderr } = await goprod('fix', '--write');
    expect(code).toBe(0);
    expect(stderr).toMatch(/^goprod: broken\.go:\d+:\d+: does not parse; skipped$/m);
    expect(readFileSync(path, 'utf8')).toBe(broken);
  });
});

test('goprod list names every codemod with its summary', async () => {
  const { code, stdout } = await goprod('list');
  expect(code).toBe(0);
  expect(stdout).toMatch(/^wrap-errors\s+fmt\.Errorf .*%w/m);
});

test('the installed bin runs', () => {
  const bin = new URL('../dist/src/cli.js', import.meta.url).pathname;
  const run = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('fix [options] [paths...]');
});
