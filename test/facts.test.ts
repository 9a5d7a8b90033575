// Type facts: what goprod's Go helper says of a module's files (helper/facts.go), how the
// spans it reports in bytes become string indices, and which files go without facts and why.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FIXTURES } from './fixture-harness.js';
import { HOST, runGoprod } from './run-goprod.js';
import { FACT, TypeFacts, type Fact, type FileTypes } from '../src/go/facts.js';
import { ModuleFinder } from '../src/go/module.js';
import { typeFactsFor } from '../src/engine/type-facts.js';
import { writeTree } from './tree.js';

describe('spans: UTF-8 bytes from Go become string indices', () => {
  const text = 'package p\n\n// é, 日本, 𝄞\nvar x = y\n';
  const at = (s: string) => text.indexOf(s);
  const bytes = (s: string) => Buffer.byteLength(text.slice(0, at(s)));

  test('after multi-byte characters (two, three and four bytes) the offsets still name the same text', () => {
    const facts = TypeFacts.of([[bytes('y'), bytes('y') + 1, FACT.error]], text, false);
    expect(facts.at({ startIndex: at('y'), endIndex: at('y') + 1 })).toEqual({ flags: FACT.error });
  });

  test("a BOM counts in Go's offsets, not in goprod's text", () => {
    const facts = TypeFacts.of([[3 + bytes('x'), 3 + bytes('x') + 1, FACT.interface, 'name']], text, true);
    expect(facts.at({ startIndex: at('x'), endIndex: at('x') + 1 })).toEqual({ flags: FACT.interface, name: 'name' });
  });

  test('a place of the roles without a fact has no flag', () => {
    expect(TypeFacts.of([], text, false).at({ startIndex: 0, endIndex: 7 })).toEqual({ flags: 0 });
  });

  test('on the text of a later pass: positions move back past what the fixes wrote; inside it there is no answer', () => {
    const original = 'a == b; c == d; e == f';
    const facts = TypeFacts.of(
      [
        [0, 1, FACT.error],
        [8, 9, FACT.error],
        [21, 22, FACT.nil],
      ],
      original,
      false,
    );
    // c == d becomes errors.Is(c, d): `a` keeps its place, `f` moves, the new call's text has no facts.
    const after = facts.after(original, [{ start: 8, end: 14, text: 'errors.Is(c, d)' }]);
    const fixed = 'a == b; errors.Is(c, d); e == f';
    expect(after.at({ startIndex: 0, endIndex: 1 })).toEqual({ flags: FACT.error });
    expect(after.at({ startIndex: fixed.indexOf('f'), endIndex: fixed.indexOf('f') + 1 })).toEqual({ flags: FACT.nil });
    expect(after.at({ startIndex: fixed.indexOf('c'), endIndex: fixed.indexOf('c') + 1 })).toBeUndefined();
    // A deletion inside a span changes its text: no answer there either.
    const deleted = facts.after(original, [{ start: 9, end: 10, text: '' }]);
    expect(deleted.at({ startIndex: 8, endIndex: 13 })).toBeUndefined();
  });
});

describe("goprod's Go helper: the facts of a module, under the configuration that compiles each file", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const module = {
    'go.mod': 'module example.com/m\n\ngo 1.22\n',
    'm.go': `package m

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"syscall"
)

var ErrGone = errors.New("gone")

const Prefix = "APP_"

type APIError struct{ Code string }

func (e *APIError) Error() string { return e.Code }

type hub struct{}

func (hub) Close() {}

type reader struct{}

func (reader) Read(p []byte) (int, error) { return 0, io.EOF }

type point struct{ x int }

func g[T any](w io.Writer) (T, point, *point, string, bool, int, error) {
	fmt.Fprintf(w, "x")
	w.Write(nil)
	return *new(T), point{}, nil, "", false, 0, nil
}

func f(err error, apiErr *APIError, c net.Conn, h hub, r reader, b *bufio.Reader) error {
	gotErr := apiErr.Code
	_ = gotErr == "x"
	_ = err == ErrGone
	_ = err == syscall.ENOENT
	_ = err == nil
	if e, ok := err.(*APIError); ok {
		_ = e
	}
	c.Close()
	h.Close()
	_, rerr := r.Read(nil)
	_, berr := b.ReadString('\\n')
	_ = rerr == io.EOF || berr == io.EOF
	_ = Prefix + io.EOF.Error() + runtime.Compiler
	return fmt.Errorf("f: %v, %v", err, apiErr.Error())
}
`,
    'win_windows.go': 'package m\n\nfunc w(err error) bool { return err == ErrGone }\n',
    'never.go': '//go:build linux && windows\n\npackage m\n\nfunc i(err error) bool { return err == ErrGone }\n',
    'gen/gen.go': '//go:build ignore\n\npackage main\n\nimport "io"\n\nfunc main() { println(g(nil)) }\n\nfunc g(err error) bool { return err == io.EOF }\n',
    'broken/b.go': 'package broken\n\nfunc b(err error) bool { return err == undefinedName }\n',
  };

  async function factsOf(): Promise<Map<string, FileTypes>> {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-'));
    writeTree(dir, module);
    const finder = new ModuleFinder();
    const files = Object.keys(module)
      .filter((n) => n.endsWith('.go'))
      .map((n) => join(dir, n));
    const run = await typeFactsFor(files.map((path) => ({ path, module: finder.find(join(path, '..')) })));
    expect(run.warnings).toEqual([]);
    return run.files;
  }

  /** The fact of `expr` where it occurs in `context` (a unique piece of `file`); an error when the file has none. */
  function factOf(types: Map<string, FileTypes>, file: string, context: string, expr = context): Fact {
    const known = types.get(join(dir, file));
    if (!known || !('facts' in known)) throw new Error(`${file} has no facts: ${JSON.stringify(known)}`);
    const text = module[file as keyof typeof module];
    expect(text.split(context)).toHaveLength(2);
    const at = text.indexOf(context) + context.indexOf(expr);
    return TypeFacts.of(known.facts, text, false).at({ startIndex: at, endIndex: at + expr.length })!;
  }

  test('what codemods ask: errors and their kind, what Close returns, callees, io.Reader contracts, constants', async () => {
    const types = await factsOf();
    const flags = (context: string, expr?: string) => factOf(types, 'm.go', context, expr).flags;
    const errorInterface = FACT.error | FACT.interface | FACT.errorType;
    // err == ErrGone compares errors; gotErr == "x" compares strings.
    expect(flags('err == ErrGone', 'err')).toBe(errorInterface);
    expect(flags('err == ErrGone', 'ErrGone')).toBe(errorInterface);
    expect(flags('gotErr == "x"', 'gotErr')).toBe(0);
    // syscall.ENOENT is a syscall.Errno, which implements error; nil is nil.
    expect(flags('syscall.ENOENT')).toBe(FACT.error);
    expect(flags('err == nil', 'nil')).toBe(FACT.nil);
    // The asserted type is a type, implementing error.
    expect(flags('err.(*APIError)', '*APIError')).toBe(FACT.type | FACT.error);
    expect(flags('err.(*APIError)', 'err')).toBe(errorInterface);
    // net.Conn's Close returns an error; hub's nothing.
    expect(flags('c.Close()')).toBe(FACT.errorResult | FACT.lastError | FACT.dropped);
    expect(flags('h.Close()')).toBe(FACT.noResult);
    // Callees as errorlint names them; reader's Read is bound by io.Reader's contract.
    expect(factOf(types, 'm.go', 'r.Read(nil)')).toEqual({ flags: FACT.lastError | FACT.reader, name: '(example.com/m.reader).Read' });
    expect(factOf(types, 'm.go', "b.ReadString('\\n')")).toEqual({ flags: FACT.lastError, name: '(*bufio.Reader).ReadString' });
    // fmt.Errorf's arguments, and the receiver of apiErr.Error().
    expect(flags('%v", err,', 'err')).toBe(errorInterface);
    expect(flags(', apiErr.Error())', 'apiErr')).toBe(FACT.error);
    expect(flags(', apiErr.Error())', 'apiErr.Error()')).toBe(0);
    // A qualified string constant holds its value; a package's own constant is not recorded.
    expect(flags('Prefix + io.EOF', 'Prefix')).toBe(0);
    expect(factOf(types, 'm.go', 'runtime.Compiler')).toEqual({ flags: FACT.constant, name: 'gc' });
    // Call statements dropping an error: the callee as errcheck names it (fmt's Fprint functions with their writer's type), its result types.
    expect(factOf(types, 'm.go', 'fmt.Fprintf(w, "x")')).toEqual({ flags: FACT.dropped | FACT.lastError, name: 'fmt.Fprintf(io.Writer)', list: ['int', 'error'] });
    expect(factOf(types, 'm.go', 'w.Write(nil)')).toEqual({ flags: FACT.dropped | FACT.lastError, name: '(io.Writer).Write', list: ['int', 'error'] });
    // The results of a function returning an error last: their zero values.
    expect(factOf(types, 'm.go', '(T, point, *point, string, bool, int, error)')).toEqual({ flags: FACT.zeros, name: '', list: ['*new', '{}', 'nil', '""', 'false', '0', 'nil'] });
  });

  test('a generic type alias (Go 1.24) type-checks: the helper asks go/types for aliases whatever Go built it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-'));
    const text = 'package a\n\nimport "errors"\n\ntype List[T any] = []T\n\nvar errs List[error]\n\nfunc First() bool { return errs[0] == errors.ErrUnsupported }\n';
    writeTree(dir, { 'go.mod': 'module example.com/a\n\ngo 1.24\n', 'a.go': text });
    const run = await typeFactsFor([{ path: join(dir, 'a.go'), module: new ModuleFinder().find(dir)! }]);
    const known = run.files.get(join(dir, 'a.go'))!;
    expect(known).toHaveProperty('facts');
    const at = text.indexOf('errs[0]');
    expect('facts' in known && TypeFacts.of(known.facts, text, false).at({ startIndex: at, endIndex: at + 7 })).toEqual({ flags: FACT.error | FACT.interface | FACT.errorType });
  });

  test('a package that imports one asked about is checked from source, not read from export data', async () => {
    // plug (another module) uses app/api, as containerd's imgcrypt uses containerd: read from its
    // export data, plug would name a second copy of api (checked from source), and api.Opt would not be api.Opt.
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-'));
    const text = 'package app\n\nimport (\n\t"errors"\n\n\t"example.com/app/api"\n\t"example.com/plug"\n)\n\nvar ErrGone = errors.New("gone")\n\nvar Opts = []api.Opt{plug.Opt()}\n\nfunc Gone(err error) bool { return err == ErrGone }\n';
    writeTree(dir, {
      'go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire example.com/plug v0.0.0\n\nreplace example.com/plug => ./plug\n',
      'app.go': text,
      'api/api.go': 'package api\n\ntype Opt func()\n',
      'plug/go.mod': 'module example.com/plug\n\ngo 1.22\n\nrequire example.com/app v0.0.0\n\nreplace example.com/app => ../\n',
      'plug/plug.go': 'package plug\n\nimport "example.com/app/api"\n\nfunc Opt() api.Opt { return func() {} }\n',
    });
    const module = new ModuleFinder().find(dir)!;
    const run = await typeFactsFor(['app.go', 'api/api.go'].map((n) => ({ path: join(dir, n), module })));
    expect(run.files.get(join(dir, 'app.go'))).toHaveProperty('facts');
  });

  test("only the wanted files' bodies are checked: an import only another file's bodies use is no error", async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-'));
    const files = {
      'go.mod': 'module example.com/w\n\ngo 1.22\n',
      'w.go': 'package w\n\nimport "errors"\n\nvar ErrGone = errors.New("gone")\n\nfunc W(err error) bool { return err == ErrGone }\n',
      'other.go': 'package w\n\nimport "strings"\n\nfunc Other(s string) string { return strings.ToUpper(s) }\n',
    };
    writeTree(dir, files);
    const module = new ModuleFinder().find(dir)!;
    const run = await typeFactsFor(['w.go', 'other.go'].map((n) => ({ path: join(dir, n), module })), (text) => text.includes('=='));
    expect([...run.files.keys()]).toEqual([join(dir, 'w.go')]);
    const known = run.files.get(join(dir, 'w.go'))!;
    expect('facts' in known && TypeFacts.of(known.facts, files['w.go'], false).at({ startIndex: files['w.go'].indexOf('err =='), endIndex: files['w.go'].indexOf('err ==') + 3 })).toEqual({ flags: FACT.error | FACT.interface | FACT.errorType });
  });

  test('a file the host does not compile gets the facts of a configuration that does, a go run program its own; others say why they have none', async () => {
    const types = await factsOf();
    expect(factOf(types, 'win_windows.go', 'err == ErrGone', 'err').flags).toBe(FACT.error | FACT.interface | FACT.errorType);
    expect(factOf(types, 'gen/gen.go', 'err == io.EOF', 'err').flags).toBe(FACT.error | FACT.interface | FACT.errorType);
    expect(types.get(join(dir, 'never.go'))).toEqual({ untyped: 'no build configuration compiles it' });
    expect(types.get(join(dir, 'broken/b.go'))).toEqual({ untyped: expect.stringMatching(/^its package does not type-check under .*: broken\/b\.go:3:\d+: undefined: undefinedName$/) });
  });
});

describe('goprod fix with type facts', () => {
  let dir: string;
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });
  const goprod = (...args: string[]) => runGoprod(dir, ...args);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const original = (name: string) => execFileSync('git', ['show', `HEAD:${name}`], { cwd: dir, encoding: 'utf8' });
  const commit = () => {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', '.'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'tree'], { cwd: dir });
  };

  test("a Close that returns nothing on windows is never proposed there: nothing to back out (from syntax alone it is, see verify-configs.test.ts)", async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-os-'));
    cpSync(join(FIXTURES, 'verify', 'other-os'), dir, { recursive: true });
    commit();
    const { code, stderr } = await goprod('fix', '--write');
    expect(code).toBe(0);
    expect(stderr).not.toContain('backed out');
    expect(stderr).toContain(`goprod: applied 3 fixes in 3 files; checked under ${HOST}, windows/amd64\n`);
    expect(read('app/app_windows.go')).toBe(original('app/app_windows.go').replace('stat %s: %v', 'stat %s: %w'));
  });

  test('a file of another platform in which syntax proposes no fix costs no type check of that platform, but joins one checked anyway', async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-elsewhere-'));
    const wraps = (name: string) => `package m\n\nimport "fmt"\n\nfunc ${name}(err error) error {\n\treturn fmt.Errorf("${name}: %v", err)\n}\n`;
    writeTree(dir, {
      'go.mod': 'module example.com/m\n\ngo 1.21\n',
      'm.go': wraps('Host'),
      'm_windows.go': wraps('Windows'),
      'm_darwin.go': 'package m\n\nimport "fmt"\n\nfunc Darwin(code int) error {\n\treturn fmt.Errorf("code: %v", code)\n}\n',
      // Only the type checker knows that e is an error.
      'n_windows.go': 'package m\n\nimport (\n\t"fmt"\n\t"io"\n)\n\nfunc N(r io.Reader) error {\n\t_, e := r.Read(nil)\n\treturn fmt.Errorf("n: %v", e)\n}\n',
    });
    commit();
    const { code, stdout, stderr } = await goprod('fix', '--codemod=wrap-errors', '--verbose');
    expect(code).toBe(0);
    expect(stdout).toContain('+\treturn fmt.Errorf("n: %w", e)');
    expect(stderr).toMatch(new RegExp(`^goprod: type facts: ${HOST} in [\\d.]+ s, windows/amd64 in [\\d.]+ s; [\\d.]+ s in all$`, 'm'));
    expect(stderr).not.toContain('decided without type facts');
  });

  test('check-errors asks for a platform only where, by syntax, it could fix a dropped error there', async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-check-errors-'));
    const drops = (name: string, result: string) =>
      `package m\n\nimport "os"\n\nfunc ${name}(p string)${result} {\n\tos.Chdir(p)\n${result ? '\treturn nil\n' : ''}}\n`;
    writeTree(dir, {
      'go.mod': 'module example.com/m\n\ngo 1.21\n',
      'm.go': 'package m\n',
      // A function that cannot return the error: a finding at most, no fix, so no darwin check for it.
      'm_darwin.go': drops('Darwin', ''),
      // One that can: windows is checked, and the fix is made there.
      'm_windows.go': drops('Windows', ' error'),
    });
    commit();
    const { code, stdout, stderr } = await goprod('fix', '--codemod=check-errors', '--verbose');
    expect(code).toBe(0);
    expect(stderr).toMatch(new RegExp(`^goprod: type facts: ${HOST} in [\\d.]+ s, windows/amd64 in [\\d.]+ s; [\\d.]+ s in all$`, 'm'));
    expect(stdout).toContain('+\tif err := os.Chdir(p); err != nil {\n+\t\treturn fmt.Errorf("chdir: %w", err)');
    expect(stdout).not.toContain('m_darwin.go');
  });

  // codeErr's name says error, but it is a string: from syntax, %w; with the type checker, nothing.
  const plausible = `package m

import "fmt"

func Describe(err error) error {
	return fmt.Errorf("describe: %v", err)
}

func Code(code int) error {
	codeErr := fmt.Sprint(code)
	return fmt.Errorf("code: %v", codeErr)
}
`;

  test('a string named like an error is not wrapped: the only fix is the right one; --json names the files decided without facts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-json-'));
    writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'm.go': plausible, 'gen/gen.go': '//go:build linux && windows\n\npackage main\n\nimport "fmt"\n\nfunc f(err error) error { return fmt.Errorf("gen: %v", err) }\n' });
    commit();
    const { stdout } = await goprod('fix', '--codemod=wrap-errors', '--json');
    const doc = JSON.parse(stdout) as { findings: Array<{ file: string; line: number; fixes: Array<{ status: string }> }>; typeFacts: unknown };
    expect(doc.findings.map((f) => [f.file, f.line, f.fixes.map((x) => x.status)])).toEqual([
      ['gen/gen.go', 7, [expect.stringMatching(/^unverified: no build configuration compiles it/)]],
      ['m.go', 6, ['applied']],
    ]);
    expect(doc.typeFacts).toEqual({ configurations: [HOST], withoutTypes: [{ file: 'gen/gen.go', reason: 'no build configuration compiles it' }] });

    const text = await goprod('fix', '--codemod=wrap-errors', '--verbose');
    expect(text.stderr).toContain('goprod: decided without type facts (no build configuration compiles it): gen/gen.go\n');
    expect(text.stderr).toMatch(new RegExp(`goprod: type facts: ${HOST} in \\d+\\.\\d s; \\d+\\.\\d s in all\\n`));
    // Without verification there are no facts unless asked for.
    expect(JSON.parse((await goprod('fix', '--codemod=wrap-errors', '--json', '--no-verify')).stdout).typeFacts).toBeNull();
    expect(JSON.parse((await goprod('fix', '--codemod=wrap-errors', '--json', '--no-verify', '--type-facts')).stdout).findings).toHaveLength(2);
  });

  test("a package that does not type-check is decided from syntax, and the output says so", async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-broken-'));
    writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'm.go': plausible, 'broken.go': 'package m\n\nvar x int = "text"\n' });
    commit();
    const { stderr } = await goprod('fix', '--codemod=wrap-errors', '--no-verify', '--type-facts');
    expect(stderr).toContain('goprod: decided without type facts (its package does not type-check under ');
    expect(stderr).toMatch(/broken\.go:3:13: cannot use "text" \(untyped string constant\) as int value in variable declaration\): m\.go\n/);
    // From syntax, codeErr's %w is proposed again.
    expect(stderr).toContain('goprod: 2 fixes in 1 file');
  });

  test("when goprod's Go helper cannot be built, codemods decide from syntax with one warning, and verification still runs", async () => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-facts-nohelper-'));
    writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'm.go': plausible, 'cache': 'a file where the cache directory should be\n' });
    commit();
    vi.stubEnv('GOPROD_CACHE', join(dir, 'cache'));
    const { code, stderr } = await goprod('fix', '--codemod=wrap-errors', '--write');
    expect(code).toBe(0);
    expect(stderr.match(/no type facts: /g)).toHaveLength(1);
    expect(stderr).toMatch(/goprod: \.: no type facts: .*; codemods decide from syntax alone\n/);
    expect(stderr).toContain('goprod: applied 1 fix in 1 file; 1 backed out');
  });
});
