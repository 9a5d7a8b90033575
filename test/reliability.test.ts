// goprod touches nothing but the fix: hostile but valid files, file metadata, pipes and
// signals. Each test here failed before the change it guards.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { codemods } from '../codemods/index.js';
import { defineCodemod } from '../src/engine/codemod.js';
import { runCodemods } from '../src/engine/run.js';
import { runGoprod } from './run-goprod.js';
import { writeTree } from './tree.js';
import { untilChildShows } from './wait-for-child.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-reliability-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (files: Record<string, string>) => writeTree(dir, files);

const GO_MOD = 'module example.com/r\n\ngo 1.22\n';

describe('one file never ends the run', () => {
  test('comments inside result and argument lists are skipped like whitespace', async () => {
    write({
      'go.mod': GO_MOD,
      'k8s.go': 'package r\n\ntype T int\n\nfunc pair() ( /*a*/ T /*b*/, error) { return 0, nil }\n',
      'use.go': 'package r\n\nimport "fmt"\n\nfunc wrap(n int, err error) error {\n\treturn fmt.Errorf("step %d: %v", /* which */ n, err)\n}\n',
    });
    const { code, stdout, stderr } = await runGoprod(dir, 'fix', '--no-verify', '--codemod=wrap-errors');
    expect(stderr).toBe('goprod: 1 fix in 1 file; run with --write to apply\n');
    expect(code).toBe(0);
    // gofmt puts the comment before the comma on the line it formats.
    expect(stdout).toContain('+\treturn fmt.Errorf("step %d: %w" /* which */, n, err)');
  });

  test('a codemod that throws on one file is reported as a goprod bug there; the other files are fixed', async () => {
    write({
      'go.mod': GO_MOD,
      'a.go': 'package r\n\nimport "fmt"\n\nfunc a(err error) error { return fmt.Errorf("a: %v", err) }\n',
      'b.go': 'package r\n\nimport "fmt"\n\nfunc b(err error) error { return fmt.Errorf("b: %v", err) }\n',
    });
    const crashing = defineCodemod({ name: 'crash', summary: 'throws on b.go', description: 'test', goVersions: {}, run: (file) => {
        if (file.path.endsWith('b.go')) throw new TypeError('boom');
        return [];
      },
    });
    const wrap = codemods.find((c) => c.name === 'wrap-errors')!;
    const result = await runCodemods([dir], [crashing, wrap], { verify: false });
    expect(result.files.map((f) => f.path)).toEqual([join(dir, 'a.go')]);
    expect(result.warnings).toEqual([{ path: join(dir, 'b.go'), message: 'bug: goprod failed here (TypeError: boom); skipped (please report it)' }]);
    expect(readFileSync(join(dir, 'a.go'), 'utf8')).toContain('%v');
  });
});

const wrapFile = (name: string) => `package r\n\nimport "fmt"\n\nfunc ${name}(err error) error { return fmt.Errorf("${name}: %v", err) }\n`;
const fixed = (name: string) => readFileSync(join(dir, name), 'utf8').includes('%w');
const BIN = new URL('../dist/src/cli.js', import.meta.url).pathname;

describe('--write keeps everything about a file but the fix', () => {
  test('through a symbolic link the target is fixed and the link stays; a file reached twice is fixed once', async () => {
    write({ 'go.mod': GO_MOD, 'real/a.txt': wrapFile('a'), 'b.go': wrapFile('b') });
    symlinkSync('real/a.txt', join(dir, 'a.go'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync('..', join(dir, 'sub', 'up'));
    const dry = await runGoprod(dir, 'fix', '--no-verify', '.', 'sub/up');
    expect(dry.stderr).toBe('goprod: 2 fixes in 2 files; run with --write to apply\n');
    const { code } = await runGoprod(dir, 'fix', '--no-verify', '--write', '.', 'sub/up');
    expect(code).toBe(0);
    expect(lstatSync(join(dir, 'a.go')).isSymbolicLink()).toBe(true);
    expect(fixed('real/a.txt') && fixed('b.go')).toBe(true);
  });

  test('hard links all see the fix (the file is rewritten in place), and it says so', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a') });
    linkSync(join(dir, 'a.go'), join(dir, 'copy.txt'));
    const { code, stderr } = await runGoprod(dir, 'fix', '--no-verify', '--write');
    expect(code).toBe(0);
    expect(stderr).toContain('goprod: a.go: has 2 hard links; rewritten in place, so every link sees the fix\n');
    expect(statSync(join(dir, 'a.go')).ino).toBe(statSync(join(dir, 'copy.txt')).ino);
    expect(readFileSync(join(dir, 'copy.txt'), 'utf8')).toContain('%w');
  });

  test('a read-only file is refused with its own message and exit status 2; the others are written', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a'), 'b.go': wrapFile('b') });
    chmodSync(join(dir, 'a.go'), 0o444);
    const { code, stderr } = await runGoprod(dir, 'fix', '--no-verify', '--write');
    expect(code).toBe(2);
    expect(stderr).toContain('goprod: a.go: read-only; not written (make it writable to let goprod fix it)\n');
    expect(stderr).toContain('goprod: applied 1 fix in 1 file; 1 not written (see above)\n');
    expect(fixed('a.go')).toBe(false);
    expect(fixed('b.go')).toBe(true);
    expect(statSync(join(dir, 'a.go')).mode & 0o777).toBe(0o444);
  });

  test.runIf(process.getuid?.() === 0)('the owner, group and mode of a file stay', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a') });
    chmodSync(join(dir, 'a.go'), 0o640);
    chownSync(join(dir, 'a.go'), 4321, 4322);
    await runGoprod(dir, 'fix', '--no-verify', '--write');
    const after = statSync(join(dir, 'a.go'));
    expect([after.uid, after.gid, after.mode & 0o777]).toEqual([4321, 4322, 0o640]);
    expect(fixed('a.go')).toBe(true);
  });
});

describe('pipes, signals and leftovers', () => {
  test('a reader that goes away ends the run quietly, with the status it would have had', async () => {
    write({ 'go.mod': GO_MOD, ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}.go`, wrapFile(`f${i}`)])) });
    const child = spawn(process.execPath, [BIN, 'fix', '--no-verify', '--check'], { cwd: dir });
    child.stdout.once('data', () => child.stdout.destroy());
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((done) => child.on('close', done));
    expect(stderr).toBe('goprod: 200 fixes in 200 files pending; run with --write to apply\n');
    expect(code).toBe(1);
  });

  test('--output to a named pipe writes into it and leaves it a pipe (a rename put a regular file in place of /dev/null, as root)', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a') });
    const fifo = join(dir, 'report.pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (d) => (read += d));
    const closed = new Promise((done) => reader.on('close', done));
    const { code } = await runGoprod(dir, 'fix', '--no-verify', '--format=json', '--output', fifo, '.');
    const stillPipe = lstatSync(fifo).isFIFO();
    if (!stillPipe) reader.kill(); // nobody will ever write to the pipe it opened
    await closed;
    expect(code).toBe(0);
    expect(stillPipe).toBe(true);
    expect(JSON.parse(read)).toMatchObject({ summary: { fixes: 1 } });
  });

  test('an interrupt during --write stops between two files and says how far it got', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a'), 'b.go': wrapFile('b'), 'c.go': wrapFile('c') });
    linkSync(join(dir, 'a.go'), join(dir, 'a.txt')); // its note on stderr is the moment to interrupt
    let stderr = '';
    const { main } = await import('../src/cli.js');
    const code = await main(['fix', '--no-verify', '--write'], {
      cwd: dir,
      stdout: () => {},
      stderr: (s) => {
        stderr += s;
        if (s.includes('hard links')) process.emit('SIGINT', 'SIGINT');
      },
    });
    expect(code).toBe(130);
    expect(stderr).toContain('goprod: interrupted by SIGINT after writing 1 of 3 files; nothing is half-written: run goprod again to finish the rest\n');
    expect(stderr).toContain('goprod: applied 1 fix in 1 file; 2 not written (see above)\n');
    expect([fixed('a.go'), fixed('b.go'), fixed('c.go')]).toEqual([true, false, false]);
    expect((await runGoprod(dir, 'fix', '--no-verify', '--write')).stderr).toMatch(/\ngoprod: applied 2 fixes in 2 files\n$/);
  });

  test('SIGTERM while verifying removes its temporary folders (those of go too) and writes nothing', async () => {
    write({ 'go.mod': GO_MOD, ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}/f.go`, wrapFile(`F${i}`).replace('package r', `package p${i}`)])) });
    const temp = mkdtempSync(join(tmpdir(), 'goprod-tmpdir-'));
    try {
      const child = spawn(process.execPath, [BIN, 'fix', '--write'], { cwd: dir, env: { ...process.env, TMPDIR: temp } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const closed = new Promise((done) => child.on('close', done));
      await untilChildShows(child, () => readdirSync(temp).some((n) => n.startsWith('goprod-verify-')), 'a goprod-verify- folder');
      child.kill('SIGTERM');
      expect(await closed).toBe(143);
      expect(stderr).toBe('goprod: interrupted by SIGTERM; nothing was written\n');
      expect(readdirSync(temp)).toEqual([]);
      expect(readFileSync(join(dir, 'p0/f.go'), 'utf8')).toContain('%v');
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });

  test('what a killed run left (next to files, in TMPDIR) is removed by the next run, which says so', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a'), '.a.go.goprod-999999.tmp': 'half' });
    const temp = mkdtempSync(join(tmpdir(), 'goprod-tmpdir-'));
    try {
      mkdirSync(join(temp, 'goprod-verify-999999-abc123'));
      const run = spawnSync(process.execPath, [BIN, 'fix', '--no-verify'], { cwd: dir, env: { ...process.env, TMPDIR: temp }, encoding: 'utf8' });
      expect(run.stderr).toBe(`goprod: removed ${join(temp, 'goprod-verify-999999-abc123')}, which an interrupted goprod run left\ngoprod: .a.go.goprod-999999.tmp: removed a temporary file that an interrupted goprod run left\ngoprod: 1 fix in 1 file; run with --write to apply\n`);
      expect(existsSync(join(dir, '.a.go.goprod-999999.tmp'))).toBe(false);
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});

describe('paths and imports', () => {
  test('run from a subdirectory on its parent, the diff has clean paths git apply takes there', async () => {
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a'), 'pkg/b.go': wrapFile('b').replace('package r', 'package pkg') });
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const { stdout, stderr } = await runGoprod(join(dir, 'pkg'), 'fix', '--no-verify', '..');
    expect(stdout).toMatch(/^--- a\/a.go\n\+\+\+ b\/a.go\n/);
    expect(stdout).toContain('--- a/pkg/b.go\n');
    expect(stderr).toContain(`goprod: the diff's paths are relative to ${dir} (apply it there: git -C ${dir} apply)\n`);
    expect(spawnSync('git', ['-C', dir, 'apply'], { input: stdout }).status).toBe(0);
    expect(fixed('a.go') && fixed('pkg/b.go')).toBe(true);
  });

  test('close-errors joins errors to a lone import instead of adding a second import declaration', async () => {
    write({ 'go.mod': GO_MOD, 'w.go': 'package r\n\nimport "os"\n\nfunc save(p string) (err error) {\n\tf, err := os.Create(p)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\t_, err = f.Write(nil)\n\treturn err\n}\n' });
    await runGoprod(dir, 'fix', '--codemod=close-errors', '--write');
    const text = readFileSync(join(dir, 'w.go'), 'utf8');
    expect(text).toContain('import (\n\t"errors"\n\t"os"\n)\n');
    expect(text.match(/import/g)).toHaveLength(1);
  });
});


describe('what tree-sitter accepts but Go does not', () => {
  test('a file without a package clause first, or with statements at the top level, is skipped as not parsing', async () => {
    write({
      'go.mod': GO_MOD,
      // Each holds something a codemod looks for: files no codemod wants are not parsed at all.
      'a.go': '"os"\nvar _ = os.Stdin.Close()\n',
      'b.go': '// Package r.\nvar early = fmt.Errorf("%v", e)\npackage r\n',
      'c.go': 'package r\n\nimport "os"\n\nos.Exit(1)\n\nfunc c() { f, _ := os.Open("x"); defer f.Close() }\n',
      'd.go': wrapFile('d'),
    });
    const { stderr } = await runGoprod(dir, 'fix', '--no-verify');
    expect(stderr).toBe(['goprod: a.go:1:1: does not parse; skipped', 'goprod: b.go:2:1: does not parse; skipped', 'goprod: c.go:5:1: does not parse; skipped', 'goprod: 1 fix in 1 file; run with --write to apply', ''].join('\n'));
  });

  test('a sibling file that does not parse adds nothing to the package index (it crashed it)', async () => {
    // Found by the fuzz test: a byte-order mark inside a result list.
    // d.go asks the index about Load, which only bad.go mentions; bad.go itself holds nothing to fix, so no codemod parses it.
    const d = 'package r\n\nimport "fmt"\n\nfunc d(err error) error { return fmt.Errorf("d: %v %v", err, Load("x")) }\n';
    write({ 'go.mod': GO_MOD, 'bad.go': 'func Load(path string) (\uFEFFackage app uses connections.\npackage app', 'd.go': d });
    const { stdout, stderr } = await runGoprod(dir, 'fix', '--no-verify');
    expect(stderr).toBe('goprod: 1 fix in 1 file; run with --write to apply\n');
    expect(stdout).toContain('+func d(err error) error { return fmt.Errorf("d: %w %v", err, Load("x")) }');
  });

  test('a file with carriage returns that do not end a line is left as it is, with the reason', async () => {
    // Found by the fuzz test: CRLF endings applied twice (\r\r\n) made gofmt's merge duplicate lines.
    write({ 'go.mod': GO_MOD, 'a.go': wrapFile('a').replace(/\n/g, '\r\r\n') });
    const { stdout, stderr } = await runGoprod(dir, 'fix', '--no-verify');
    expect(stdout).toBe('');
    expect(stderr).toBe('goprod: a.go: not changed: it has carriage returns that do not end a line, which gofmt would drop\ngoprod: no fixes to apply (1 Go file scanned)\n');
  });
});

