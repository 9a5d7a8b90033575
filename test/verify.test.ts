import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runGoprod } from './run-goprod.js';
import { defineCodemod } from '../src/engine/codemod.js';
import { formatFixed } from '../src/engine/format.js';
import { runCodemods } from '../src/engine/run.js';
import { newMessages } from '../src/proof/baseline.js';
import { PLAUSIBLE, writeTree } from './tree.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-verify-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const module = (files: Record<string, string>, goMod = 'module example.com/m\n\ngo 1.21\n') => writeTree(dir, { 'go.mod': goMod, ...files });

const goprod = (...args: string[]) => runGoprod(dir, ...args);

const read = (name: string) => readFileSync(join(dir, name), 'utf8');

// Codemods for tests: one renames every package-level `var old` to `renamed`, which breaks
// the code using it (on lines no fix wrote); the other only touches comments.
const rename = defineCodemod({
  name: 'rename',
  summary: 'test',
  description: 'test',
  goVersions: {},
  run: (file) =>
    file.root.descendantsOfType('var_spec').flatMap((d) => {
      const id = d.childForFieldName('name')!;
      return id.text === 'old' ? [{ start: id.startIndex, end: id.endIndex, message: 'rename', fixes: [{ message: 'rename', edits: [{ start: id.startIndex, end: id.endIndex, text: 'renamed' }] }] }] : [];
    }),
});
const comment = defineCodemod({
  name: 'comment',
  summary: 'test',
  description: 'test',
  goVersions: {},
  run: (file) =>
    file.root.descendantsOfType('comment').map((c) => ({ start: c.startIndex, end: c.endIndex, message: 'comment', fixes: [{ message: 'comment', edits: [{ start: c.endIndex, end: c.endIndex, text: '!' }] }] })),
});

describe('verification', () => {
  test('a message the fixes only reword is not new: positions in it move, and a package is named by its path once two share a name', () => {
    const at = (message: string) => ({ path: '/m/test/f_test.go', line: 29, column: 6, message, compileError: true });
    const before = [at('cfg.SetFolder undefined (type config.Wrapper has no field or method SetFolder)'), at('x redeclared in this block (see f.go:3:2)')];
    const after = [
      // env-config's new config package is in sight after the fixes, beside lib/config.
      at('cfg.SetFolder undefined (type "example.com/m/lib/config".Wrapper has no field or method SetFolder)'),
      at('x redeclared in this block (see f.go:5:2)'),
      at('y redeclared in this block (see f.go:7:2)'),
    ];
    expect(newMessages(after, before).map((m) => m.message)).toEqual(['y redeclared in this block (see f.go:7:2)']);
  });

  test('a fix that vet rejects is backed out with its reason; the good fix in the same file is kept', async () => {
    module({ 'm.go': PLAUSIBLE });
    // From syntax alone: with type facts the bad fix would not be proposed (see facts.test.ts).
    const { code, stderr } = await goprod('fix', '--write', '--allow-dirty', '--no-type-facts');
    expect(code).toBe(0);
    expect(stderr).toContain('goprod: backed out: wrap-errors at m.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toContain('goprod: applied 1 fix in 1 file; 1 backed out');
    expect(read('m.go')).toBe(PLAUSIBLE.replace('read %s: %v', 'read %s: %w'));
    execFileSync('go', ['vet', './...'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off' } });
  });

  test("what go vet's cache replays from a run before, under that run's copy of a file, is still that file's: the bad fix is backed out again", async () => {
    // go vet (1.26) keeps its findings and prints them again for the same content, with the
    // paths of the overlay copies of the run that found them; a.go's finding was there before
    // and names a copy of a file that is not in the second run's overlay.
    const good =
      'package m\n\nimport (\n\t"fmt"\n\t"os"\n)\n\n// Open opens.\nfunc Open(p string) error {\n\tif _, err := os.Open(p); err != nil {\n\t\treturn fmt.Errorf("open: %v", err)\n\t}\n\treturn nil\n}\n\n' +
      '// Log logs.\nfunc Log() { fmt.Printf("%d\\n", "x") }\n';
    module({ 'a.go': good, 'b.go': PLAUSIBLE });
    const backedOut = 'goprod: backed out: wrap-errors at b.go:15: fmt.Errorf format %w has arg errText of wrong type string\n';
    expect((await goprod('fix', '--no-type-facts')).stderr).toContain(backedOut);
    // a.go's fix written by hand: the next run's overlay holds b.go alone, with the same content as before.
    writeFileSync(join(dir, 'a.go'), good.replace('open: %v', 'open: %w'));
    const again = await goprod('fix', '--no-type-facts', '--write', '--allow-dirty');
    expect(again.stderr).toContain(backedOut);
    expect(again.stderr).toContain('goprod: applied 1 fix in 1 file; 1 backed out');
    expect(read('b.go')).toBe(PLAUSIBLE.replace('read %s: %v', 'read %s: %w'));
  });

  test("a finding vet's cache keeps under an older goprod's copy is found anew: the bad fix is backed out, not its package unverified", async () => {
    module({ 'm.go': PLAUSIBLE });
    // What a goprod before this one left in vet's cache: the fixed file's copy named by its place in the overlay.
    const old = mkdtempSync(join(tmpdir(), 'goprod-verify-1-'));
    try {
      mkdirSync(join(old, 'goprod-0'));
      writeFileSync(join(old, 'goprod-0', 'm.go'), PLAUSIBLE.replaceAll(': %v', ': %w'));
      writeFileSync(join(old, 'overlay.json'), JSON.stringify({ Replace: { [join(dir, 'm.go')]: join(old, 'goprod-0', 'm.go') } }));
      const vet = spawnSync('go', ['vet', `-overlay=${join(old, 'overlay.json')}`, './.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off' } });
      expect(vet.stderr).toContain('goprod-0/m.go:15:');
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
    const { stderr } = await goprod('fix', '--no-type-facts');
    expect(stderr).toContain('goprod: backed out: wrap-errors at m.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toContain('goprod: 1 fix in 1 file; 1 backed out');
  });

  test('an error on a line no fix wrote is traced to its fix by bisection', async () => {
    module({
      'a.go': 'package m\n\nvar old = 1\n\n// A does things\nfunc A() int {\n\treturn old\n}\n',
      'b.go': 'package m\n\n// B does things\nfunc B() {}\n\n// C does things\nfunc C() {}\n',
    });
    const result = await runCodemods(['.'], [rename, comment], { cwd: dir });
    const a = result.files.find((f) => f.path.endsWith('a.go'))!;
    expect(a.backedOut).toMatchObject([{ codemod: 'rename', line: 3, reason: 'undefined: old', at: { line: 7 } }]);
    expect(a.output).toBe('package m\n\nvar old = 1\n\n// A does things!\nfunc A() int {\n\treturn old\n}\n');
    expect(result.files.find((f) => f.path.endsWith('b.go'))!.applied).toHaveLength(2);
  });

  test('bisection blames no innocent fix when two fixes each bring the same error', async () => {
    // Either named result alone makes its function's `err := g()` (a line no fix wrote) declare
    // nothing new: the same message from two fixes, with an innocent comment fix after each.
    const nameResult = defineCodemod({
      name: 'name-result',
      summary: 'test',
      description: 'test',
      goVersions: {},
      run: (file) =>
        file.root.descendantsOfType('function_declaration').flatMap((fn) => {
          const result = fn.childForFieldName('result');
          return result?.text === 'error' ? [{ start: result.startIndex, end: result.endIndex, message: 'name', fixes: [{ message: 'name', edits: [{ start: result.startIndex, end: result.endIndex, text: '(err error)' }] }] }] : [];
        }),
    });
    const source = (c: string, d: string) => `package m\n\nfunc g() (e error) { return nil }\n\nfunc C() error {\n\t// ${c}\n\terr := g()\n\treturn err\n}\n\nfunc D() error {\n\t// ${d}\n\terr := g()\n\treturn err\n}\n`;
    module({ 'c.go': source('C does.', 'D does.') });
    const result = await runCodemods(['.'], [nameResult, comment], { cwd: dir });
    const [file] = result.files;
    expect(file!.backedOut.map((b) => `${b.codemod}:${b.line}`).sort()).toEqual(['name-result:11', 'name-result:5']);
    expect(file!.output).toBe(source('C does.!', 'D does.!'));
  });

  test('when go vet finds fixes that do not compile, one type check finds them all, not a round of go vet each', async () => {
    // A codemod whose fix breaks its own line, in three packages, next to a good comment fix in each.
    const retype = defineCodemod({
      name: 'retype',
      summary: 'test',
      description: 'test',
      goVersions: {},
      run: (file) =>
        file.root.descendantsOfType('int_literal').map((n) => ({ start: n.startIndex, end: n.endIndex, message: 'retype', fixes: [{ message: 'retype', edits: [{ start: n.startIndex, end: n.endIndex, text: '"one"' }] }] })),
    });
    const pkg = (name: string) => `package ${name}\n\n// N is one.\nvar N int = 1\n`;
    module({ 'a/a.go': pkg('a'), 'b/b.go': pkg('b'), 'c/c.go': pkg('c') });
    const result = await runCodemods(['.'], [retype, comment], { cwd: dir });
    for (const f of result.files) {
      expect(f.backedOut.map((b) => `${b.codemod}:${b.line}: ${b.reason}`)).toEqual(['retype:4: cannot use "one" (untyped string constant) as int value in variable declaration']);
      expect(f.output).toContain('// N is one.!');
    }
    // The host's listing, go vet, the type check and its baseline, then go vet once more.
    expect(result.verification!.checks).toMatchObject([{ tool: 'go vet', commands: 5 }]);
  });

  test('packages left unchecked behind a broken dependency are checked before the end', async () => {
    // b imports a; while a's fix breaks a, the go command does not compile b at all.
    module({
      'a/a.go': 'package a\n\nvar old = 1\n\n// A is one.\nfunc A() int { return old }\n',
      'b/b.go': 'package b\n\nimport "example.com/m/a"\n\nvar old = a.A()\n\n// B is one too.\nfunc B() int { return old }\n',
    });
    const result = await runCodemods(['.'], [rename, comment], { cwd: dir });
    for (const name of ['a/a.go', 'b/b.go']) {
      expect(result.files.find((f) => f.path.endsWith(name))!.backedOut, name).toMatchObject([{ codemod: 'rename', reason: 'undefined: old' }]);
    }
  });

  test("vet findings that were there before do not back out good fixes; a package that did not compile is unverified, alone", async () => {
    module({
      'm.go': PLAUSIBLE.replace('errText := strings.TrimSpace(path)\n\treturn fmt.Errorf("bad input: %v", errText)', 'fmt.Printf("%d\\n", strings.TrimSpace(path))\n\treturn nil'),
      'sub/broken.go': 'package sub\n\nimport "fmt"\n\nfunc F(err error) error {\n\tvar unused int\n\treturn fmt.Errorf("f: %v", err)\n}\n',
      'user/user.go': 'package user\n\nimport (\n\t"fmt"\n\n\t"example.com/m/sub"\n)\n\nfunc G(err error) error {\n\t_ = sub.F\n\treturn fmt.Errorf("g: %v", err)\n}\n',
    });
    const { stderr } = await goprod('fix', '--write', '--allow-dirty');
    expect(stderr).toContain("goprod: unverified: sub/broken.go: does not compile before goprod's fixes, so nothing proves them: sub/broken.go:6:6: declared and not used: unused\n");
    expect(stderr).toContain("goprod: unverified: user/user.go: imports example.com/m/sub, which does not compile before goprod's fixes: sub/broken.go:6:6: declared and not used: unused\n");
    expect(stderr).toMatch(/^goprod: applied 1 fix in 1 file; 2 unverified/m);
    expect(stderr).not.toMatch(/backed out/);
    expect(read('m.go')).toContain('read %s: %w');
    expect(read('sub/broken.go')).toContain('f: %v');
  });

  test("a vet finding the go command's cache hid from the baseline does not back out a good fix", async () => {
    // `go vet ./b` vets a only for the facts b needs; a later `go vet ./a` reuses that and prints
    // none of a's findings (Go 1.26), so the baseline of a lacks the printf finding it has.
    module({
      'a/a.go': 'package a\n\nimport (\n\t"fmt"\n\t"log"\n\t"os"\n)\n\nfunc Debug(v ...interface{}) {\n\tlog.Println(v)\n}\n\nfunc Load(p string) error {\n\t_, err := os.ReadFile(p)\n\tif err != nil {\n\t\treturn fmt.Errorf("load %s: %v", p, err)\n\t}\n\treturn nil\n}\n',
      'b/b.go': 'package b\n\nimport "example.com/m/a"\n\nfunc Run() error {\n\ta.Debug("x")\n\treturn a.Load("x")\n}\n',
    });
    // Content of a no earlier test cached, so the facts-only entry is the only one.
    writeFileSync(join(dir, 'a/a.go'), `${read('a/a.go')}// ${dir}\n`);
    execFileSync('go', ['vet', './b'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' } });
    const { stderr } = await goprod('fix', '--codemod=wrap-errors', '--write', '--allow-dirty', 'a');
    expect(stderr).not.toMatch(/backed out/);
    expect(stderr).toMatch(/^goprod: applied 1 fix in 1 file/m);
    expect(read('a/a.go')).toContain('load %s: %w');
  });

  test('a package whose dependencies are missing is unverified and not written unless --no-verify', async () => {
    const text = 'package m\n\nimport (\n\t"fmt"\n\n\t"example.com/missing/dep"\n)\n\nfunc F(err error) error {\n\tdep.X()\n\treturn fmt.Errorf("f: %v", err)\n}\n';
    module({ 'm.go': text }, 'module example.com/m\n\ngo 1.21\n\nrequire example.com/missing v1.0.0\n');
    const checked = await goprod('fix', '--write', '--allow-dirty');
    expect(checked.stderr).toMatch(/^goprod: unverified: m\.go: .*example\.com\/missing/m);
    expect(checked.stderr).toContain('no fixes to apply (1 Go file scanned); 1 unverified and not applied');
    expect(read('m.go')).toBe(text);
    await goprod('fix', '--write', '--allow-dirty', '--no-verify');
    expect(read('m.go')).toContain('f: %w');
  });

  test('a module that needs a newer Go is unverified, and nothing is downloaded; files unverified for one reason are told once', async () => {
    const file = (pkg: string) => `package ${pkg}\n\nimport "fmt"\n\nfunc F(err error) error { return fmt.Errorf("f: %v", err) }\n`;
    module({ 'm.go': file('m') }, 'module example.com/m\n\ngo 1.999\n');
    const { stderr } = await goprod('fix');
    expect(stderr).toMatch(/^goprod: unverified: m\.go: .*requires go >= 1\.999/m);
    module({ 'a/a.go': file('a'), 'b/b.go': file('b'), 'c/c.go': file('c'), 'd/d.go': file('d') }, 'module example.com/m\n\ngo 1.999\n');
    const many = await goprod('fix');
    expect(many.stderr).toMatch(/^goprod: unverified: 5 files: .*requires go >= 1\.999.*\ngoprod: {3}a\/a\.go, b\/b\.go, c\/c\.go and 2 more \(--verbose lists them\)\n/m);
    const verbose = await goprod('fix', '--verbose');
    expect(verbose.stderr.match(/^goprod: unverified: [a-z/]+\.go: .*requires go >= 1\.999/gm)).toHaveLength(5);
  });
});

describe('--write and git', () => {
  beforeEach(() => {
    module({ 'm.go': PLAUSIBLE });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init');
  });

  test('refuses files with uncommitted changes, naming them and --allow-dirty', async () => {
    writeFileSync(join(dir, 'm.go'), `${PLAUSIBLE}// edited\n`);
    const { code, stderr } = await goprod('fix', '--write');
    expect(code).toBe(2);
    expect(stderr).toContain('  m.go\n');
    expect(stderr).toContain('--allow-dirty');
    expect(read('m.go')).toBe(`${PLAUSIBLE}// edited\n`);
    expect((await goprod('fix', '--write', '--allow-dirty')).code).toBe(0);
    expect(read('m.go')).toContain('read %s: %w');
  });

  test('writes committed files', async () => {
    expect((await goprod('fix', '--write')).code).toBe(0);
    expect(read('m.go')).toContain('read %s: %w');
  });
});

describe('formatting', () => {
  test('a file that was not gofmt-clean keeps its untouched lines byte-identical', async () => {
    const original = 'package m\n\nfunc a( ) {  }\n\nfunc b() error {\n\treturn  fmt.Errorf("x: %v",err)\n}\n';
    const fixed = original.replace('%v', '%w');
    const start = original.indexOf('%v') + 1;
    const [formatted] = await formatFixed([{ original, fixed, edits: [{ start, end: start + 1, text: 'w' }] }]);
    expect(formatted).toEqual({ ok: true, text: original.replace('return  fmt.Errorf("x: %v",err)', 'return fmt.Errorf("x: %w", err)') });
  });

  test('a gofmt-clean file is formatted whole, CRLF kept', async () => {
    const original = 'package m\r\n\r\nfunc b() {\r\n}\r\n';
    const fixed = 'package m\r\n\r\nfunc b() {\r\nx  :=  1\r\n}\r\n';
    const [formatted] = await formatFixed([{ original, fixed, edits: [{ start: 24, end: 24, text: 'x  :=  1\n' }] }]);
    expect(formatted).toEqual({ ok: true, text: 'package m\r\n\r\nfunc b() {\r\n\tx := 1\r\n}\r\n' });
  });
});
