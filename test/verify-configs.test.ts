// Verification on trees like real ones: files for other platforms and tags, packages the host
// cannot build, files no build compiles, broken siblings, missing modules, workspaces.
// Each case is a module under fixtures/verify/, worked on in a copy.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { HOST, runGoprod } from './run-goprod.js';
import { FIXTURES } from './fixture-harness.js';
import { PLAUSIBLE, writeTree } from './tree.js';

let dir: string;
const saved = { ...process.env };
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

/** A copy of fixtures/verify/<name>, in a git repository with one commit. */
function fixture(name: string): string {
  dir = mkdtempSync(join(tmpdir(), `goprod-${name}-`));
  cpSync(join(FIXTURES, 'verify', name), dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixture');
  return dir;
}

const goprod = (...args: string[]) => runGoprod(dir, ...args);
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const original = (name: string) => execFileSync('git', ['show', `HEAD:${name}`], { cwd: dir, encoding: 'utf8' });

/** `go vet ./...` of the module in `sub` for a platform; throws with vet's output if it fails. */
function vet(goos: string, sub = '.'): void {
  execFileSync('go', ['vet', './...'], { cwd: join(dir, sub), stdio: 'pipe', env: { ...process.env, GOOS: goos, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '' } });
}

describe('every changed file is checked under a configuration that compiles it', () => {
  // These trees hold fixes proposed from syntax alone (--no-type-facts) that the toolchain
  // rejects; with type facts they are not proposed (see facts.test.ts).
  test('a fix that breaks only on windows is backed out; fixes that hold there are written', async () => {
    fixture('other-os');
    const { code, stderr } = await goprod('fix', '--no-type-facts', '--write');
    expect(code).toBe(0);
    expect(stderr).toContain('goprod: backed out: close-errors at app/app_windows.go:12: c.Close() (no value) used as value\n');
    expect(stderr).toContain(`goprod: applied 3 fixes in 3 files; 1 backed out (they break the build or vet, see above); checked under ${HOST}, windows/amd64\n`);
    expect(read('app/app_windows.go')).toBe(original('app/app_windows.go').replace('stat %s: %v', 'stat %s: %w'));
    expect(read('app/app.go')).toContain('load %s: %w');
    expect(read('itest/stat_windows_test.go')).toContain('stat: %w');
    for (const goos of ['linux', 'windows', 'darwin']) vet(goos);
  });

  test("the user's GOOS and GOARCH do not change what is checked", async () => {
    fixture('other-os');
    process.env.GOOS = 'windows';
    process.env.GOARCH = 'arm64';
    const { stderr } = await goprod('fix', '--no-type-facts');
    expect(stderr).toContain(`1 backed out (they break the build or vet, see above); checked under ${HOST}, windows/amd64;`);
  });

  test('packages the host cannot build are checked where they build, next to packages checked on the host', async () => {
    fixture('excluded-package');
    const { code, stderr } = await goprod('fix', '--write');
    expect(code).toBe(0);
    expect(stderr).toContain(`goprod: applied 3 fixes in 3 files; checked under ${HOST}, darwin/amd64, windows/amd64\n`);
    for (const f of ['lib/lib.go', 'winsvc/service.go', 'darwinsvc/service_darwin.go']) expect(read(f), f).toContain('open %s: %w');
    for (const goos of ['linux', 'windows', 'darwin']) vet(goos);
  });

  test('a file behind a tag is checked with the tag; a //go:build ignore program is checked by its name; a file nothing compiles is unverified and --check fails on it', async () => {
    fixture('tags');
    const write = await goprod('fix', '--write');
    expect(write.stderr).toContain(
      'goprod: unverified: gen/impossible.go: no build configuration compiles it (its build constraint excludes every platform and tag set goprod tries)\n',
    );
    expect(write.stderr).toContain(`goprod: applied 3 fixes in 3 files; 1 unverified and not applied (see above; --no-verify applies them unchecked); checked under ${HOST}, ${HOST} -tags=integration\n`);
    expect(read('store/store_integration_test.go')).toContain('open root: %w');
    // The type facts see the program too: its string operand is not wrapped.
    expect(read('gen/gen.go')).toBe(original('gen/gen.go').replace('stat: %v', 'stat: %w'));
    expect(read('gen/impossible.go')).toBe(original('gen/impossible.go'));
    const check = await goprod('fix', '--check');
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('');
    expect(check.stderr).toContain('1 unverified and not applied');
  });

  test('a fix that breaks a //go:build ignore program is backed out, by the type checker as by go vet, as go run would build it', async () => {
    fixture('tags');
    const backedOut = 'goprod: backed out: wrap-errors at gen/gen.go:17: fmt.Errorf format %w has arg errText of wrong type string\n';
    // go vet ./... does not compile a program's dependencies: go vet would compile them for goprod alone.
    const vetted = await goprod('fix', '--no-type-facts', '--vet-every-config', '--verbose', './gen');
    expect(vetted.stderr).toContain(backedOut);
    expect(vetted.stderr).toMatch(new RegExp(`goprod: verification: ${HOST} with go vet in [^,]*\n`));
    const { code, stderr } = await goprod('fix', '--no-type-facts', '--write', '--verbose', './gen');
    expect(code).toBe(0);
    expect(stderr).toContain(backedOut);
    expect(stderr).toMatch(new RegExp(`goprod: verification: ${HOST} type-checked in [^,]*\n`));
    expect(read('gen/gen.go')).toBe(original('gen/gen.go').replace('stat: %v', 'stat: %w'));
    execFileSync('go', ['vet', 'gen.go'], { cwd: join(dir, 'gen'), stdio: 'pipe', env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '' } });
  });
});

describe("configurations other than the host's are type-checked from source, as strict as vet for goprod's fixes", () => {
  /** A module in a fresh git repository, from files. */
  const tree = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'goprod-typecheck-'));
    writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', ...files });
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', '.'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'tree'], { cwd: dir });
  };

  test('a %w on a non-error in a windows file is backed out by the printf check, and go vet under windows agrees', async () => {
    tree({ 'm_windows.go': PLAUSIBLE, 'm.go': 'package m\n' });
    const { stderr } = await goprod('fix', '--no-type-facts', '--write', '--verbose');
    expect(stderr).toContain('goprod: backed out: wrap-errors at m_windows.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toMatch(/goprod: verification: windows\/amd64 type-checked in \d+\.\d s \(\d+ commands?\)\n/);
    expect(read('m_windows.go')).toBe(PLAUSIBLE.replace('read %s: %v', 'read %s: %w'));
    vet('windows');
  });

  test("where only a package's tests do not compile, its other files are still proven: a bad fix is backed out, a good one written", async () => {
    const brokenTest = 'package m\n\nimport (\n\t"fmt"\n\t"syscall"\n)\n\nfunc signal(err error) error {\n\t_ = syscall.SIGUSR1\n\treturn fmt.Errorf("signal: %v", err)\n}\n';
    // m_test.go compiles on the host, not under windows (no SIGUSR1 there); m_windows_test.go under neither.
    tree({ 'm_windows.go': PLAUSIBLE, 'm.go': 'package m\n', 'm_test.go': brokenTest, 'm_windows_test.go': brokenTest.replace('signal', 'windowsSignal') });
    const { stderr } = await goprod('fix', '--no-type-facts', '--write', '--verbose');
    expect(stderr).toContain('goprod: backed out: wrap-errors at m_windows.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(read('m_windows.go')).toBe(PLAUSIBLE.replace('read %s: %v', 'read %s: %w'));
    expect(stderr).toContain(
      "goprod: unverified: m_windows_test.go: its tests do not compile before goprod's fixes, so nothing proves them: m_test.go:9:14: undefined: syscall.SIGUSR1\n",
    );
    expect(read('m_windows_test.go')).toContain('signal: %v');
    expect(read('m_test.go')).toContain('signal: %w'); // proven on the host, where it compiles
  });

  test("a fix backed out under the host's configuration is out of the next configuration's check too", async () => {
    // m.go's bad fix is backed out on the host; checking -tags=debug must not blame it on m_debug.go's good fix.
    tree({ 'm.go': PLAUSIBLE, 'm_debug.go': `//go:build debug\n\n${PLAUSIBLE.replace('Read(', 'ReadDebug(').replace('errText := strings.TrimSpace(path)\n\treturn fmt.Errorf("bad input: %v", errText)', 'return fmt.Errorf("bad input: %s", strings.TrimSpace(path))')}` });
    const { stderr } = await goprod('fix', '--no-type-facts', '--write');
    expect(stderr).toContain('goprod: backed out: wrap-errors at m.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toContain(`goprod: applied 2 fixes in 2 files; 1 backed out (they break the build or vet, see above); checked under ${HOST}, ${HOST} -tags=debug\n`);
    expect(read('m_debug.go')).toContain('read %s: %w');
  });

  test('go run programs side by side in one directory are checked each on its own: one backed out, the other written', async () => {
    const program = (text: string) => `//go:build ignore\n\n${text.replace('package m', 'package main').replace('func Read(', 'func main() { _ = read("x") }\n\nfunc read(')}`;
    tree({ 'm.go': 'package m\n', 'tools/good.go': program(PLAUSIBLE.replace('errText := strings.TrimSpace(path)\n\treturn fmt.Errorf("bad input: %v", errText)', 'return fmt.Errorf("bad input: %s", strings.TrimSpace(path))')), 'tools/bad.go': program(PLAUSIBLE) });
    const { code, stderr } = await goprod('fix', '--no-type-facts', '--write', '--verbose');
    expect(code).toBe(0);
    expect(stderr).toContain('goprod: backed out: wrap-errors at tools/bad.go:19: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toMatch(new RegExp(`goprod: verification: ${HOST} type-checked in [\\d.]+ s \\(\\d+ commands\\)\n`));
    expect(stderr).toContain(`goprod: applied 2 fixes in 2 files; 1 backed out (they break the build or vet, see above); checked under ${HOST}\n`);
    for (const name of ['good.go', 'bad.go']) {
      expect(read(`tools/${name}`)).toContain('read %s: %w');
      execFileSync('go', ['vet', name], { cwd: join(dir, 'tools'), stdio: 'pipe', env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '' } });
    }
  });

  test('a generator beside its package (package main, //go:build none, as go generate runs it) is checked on its own', async () => {
    const generator = (text: string) => `//go:build none\n\n${text.replace('package m', 'package main').replace('func Read(', 'func main() { _ = read("x") }\n\nfunc read(')}`;
    const good = PLAUSIBLE.replace('errText := strings.TrimSpace(path)\n\treturn fmt.Errorf("bad input: %v", errText)', 'return fmt.Errorf("bad input: %s", strings.TrimSpace(path))');
    tree({ 'm.go': 'package m\n', 'gen_good.go': generator(good), 'gen_bad.go': generator(PLAUSIBLE) });
    const { code, stderr } = await goprod('fix', '--no-type-facts', '--write', '--verbose');
    expect(code).toBe(0);
    expect(stderr).toContain('goprod: backed out: wrap-errors at gen_bad.go:19: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toContain(`goprod: applied 2 fixes in 2 files; 1 backed out (they break the build or vet, see above); checked under ${HOST}\n`);
    expect(read('gen_good.go')).toContain('read %s: %w');
    // Its type facts come from the same check: the %v on a string is not proposed, and nothing is decided from syntax.
    const facts = await goprod('fix', '--verbose');
    expect(facts.stderr).not.toContain('decided without type facts');
    expect(facts.stderr).toContain('goprod: no fixes to apply');
  });

  test('a configuration with cgo is type-checked, unless a package it checks has cgo files: go vet checks that one', async () => {
    const tagged = (pkg: string) => `//go:build integration\n\n${PLAUSIBLE.replace('package m', `package ${pkg}`)}`;
    tree({ 'plain/plain_test.go': tagged('plain'), 'plain/plain.go': 'package plain\n', 'cgo/cgo_test.go': tagged('cgo'), 'cgo/cgo.go': 'package cgo\n\n// #include <stdlib.h>\nimport "C"\n\n// Free frees nothing.\nfunc Free() { C.free(nil) }\n' });
    const host = execFileSync('go', ['env', 'CGO_ENABLED'], { encoding: 'utf8' }).trim() === '1';
    const { stderr } = await goprod('fix', '--no-type-facts', '--verbose', './plain');
    expect(stderr).toMatch(new RegExp(`goprod: verification: ${HOST} -tags=integration type-checked in `));
    if (!host) return; // without cgo on the host, no configuration here has cgo
    const cgo = await goprod('fix', '--no-type-facts', '--verbose', './cgo');
    expect(cgo.stderr).toMatch(new RegExp(`goprod: verification: ${HOST} -tags=integration with go vet in `));
    expect(cgo.stderr).toContain('goprod: backed out: wrap-errors at cgo/cgo_test.go:17: fmt.Errorf format %w has arg errText of wrong type string\n');
  });

  test('when the type checker cannot be built, go vet checks every configuration, and the run says why', async () => {
    tree({ 'm_windows.go': PLAUSIBLE, 'm.go': 'package m\n' });
    // A cache directory that cannot be made: a file stands where it would be.
    process.env.GOPROD_CACHE = join(dir, 'go.mod', 'cache');
    const { stderr } = await goprod('fix', '--verbose');
    expect(stderr).toMatch(/goprod: go vet checked every build configuration: .*go\.mod\/cache/);
    expect(stderr).toContain('goprod: backed out: wrap-errors at m_windows.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toMatch(/goprod: verification: windows\/amd64 with go vet in /);
  });

  test('--vet-every-config checks the same files with go vet, to the same result', async () => {
    tree({ 'm_windows.go': PLAUSIBLE, 'm.go': 'package m\n' });
    const { stderr } = await goprod('fix', '--no-type-facts', '--vet-every-config', '--verbose');
    expect(stderr).toContain('goprod: backed out: wrap-errors at m_windows.go:15: fmt.Errorf format %w has arg errText of wrong type string\n');
    expect(stderr).toMatch(/goprod: verification: windows\/amd64 with go vet in \d+\.\d s \(\d+ commands?\)\n/);
  });

  test("findings that were there before are not blamed on a fix; a windows package that did not compile is unverified", async () => {
    tree({
      // A printf finding vet would report before the fixes, in the fixed package.
      'old/old_windows.go': PLAUSIBLE.replace('package m', 'package old').replace('errText := strings.TrimSpace(path)\n\treturn fmt.Errorf("bad input: %v", errText)', 'return fmt.Errorf("bad %s: %s", strings.TrimSpace(path))'),
      'old/old.go': 'package old\n',
      'broken/broken_windows.go': PLAUSIBLE.replace('package m', 'package broken').replace('errText := strings.TrimSpace(path)', 'var unused int\n\terrText := strings.TrimSpace(path)'),
      'broken/broken.go': 'package broken\n',
    });
    const { stderr } = await goprod('fix', '--write');
    expect(stderr).toContain("goprod: unverified: broken/broken_windows.go: does not compile before goprod's fixes, so nothing proves them: broken/broken_windows.go:14:6: declared and not used: unused\n");
    expect(read('old/old_windows.go')).toContain('read %s: %w');
    expect(stderr).toContain(`goprod: applied 1 fix in 1 file; 2 unverified and not applied (see above; --no-verify applies them unchecked); checked under windows/amd64\n`);
  });
});

describe('one package never blocks the rest', () => {
  test('a package with a file that does not parse is unverified; the other package is written', async () => {
    fixture('unparsable');
    const { stderr } = await goprod('fix', '--write');
    expect(stderr).toContain("goprod: unverified: half/good.go: does not compile before goprod's fixes, so nothing proves them: half/broken.go:3:14: expected ')', found '{'\n");
    expect(stderr).toMatch(/goprod: applied 1 fix in 1 file; 1 unverified/);
    expect(read('half/good.go')).toBe(original('half/good.go'));
    expect(read('whole/whole.go')).toContain('open %s: %w');
  });

  test('a directory the go command cannot name as a package is unverified; the other package is written', async () => {
    fixture('invalid-path');
    const { stderr } = await goprod('fix', '--write');
    expect(stderr).toContain('goprod: unverified: v@2/p.go: directory v@2 outside main module or its selected dependencies\n');
    expect(read('ok/p.go')).toContain('wrap: %w');
  });

  test('a package whose module is not in the cache is unverified with the command that fixes it; --check fails until it is verified', async () => {
    fixture('missing-module');
    const { stderr } = await goprod('fix', '--write');
    expect(stderr).toContain(`goprod: unverified: uses/uses.go: uses/uses.go:8:2: a module it needs is not in the module cache (goprod does not download modules: run \`go mod download\` in ${dir}, or goprod with --download)\n`);
    expect(read('plain/plain.go')).toContain('open %s: %w');
    expect(read('uses/uses.go')).toBe(original('uses/uses.go'));
    const check = await goprod('fix', '--check');
    expect(check).toMatchObject({ code: 1, stdout: '' });
  });

  test('--download fills the module cache from the GOPROXY, and leaves go.mod and go.sum as they were', async () => {
    fixture('missing-module');
    const proxy = mkdtempSync(join(tmpdir(), 'goprod-proxy-'));
    serveModule(proxy, 'example.com/notcached', 'v1.0.0', { 'dep/dep.go': 'package dep\n\n// Do does nothing.\nfunc Do() {}\n' });
    Object.assign(process.env, { GOMODCACHE: join(proxy, 'cache'), GOPROXY: `file://${proxy}`, GOSUMDB: 'off', GOFLAGS: '-modcacherw' });
    try {
      // The fixture's go.sum holds made-up sums: this module's real ones, from the proxy.
      writeFileSync(join(dir, 'go.sum'), '');
      execFileSync('go', ['mod', 'download', 'example.com/notcached'], { cwd: dir, stdio: 'pipe', env: { ...process.env, GOTOOLCHAIN: 'local' } });
      const sums = read('go.sum');
      rmSync(join(proxy, 'cache'), { recursive: true, force: true });

      const without = await goprod('fix');
      expect(without.stderr).toContain('1 unverified');
      const { stderr } = await goprod('fix', '--write', '--download', '--allow-dirty');
      expect(stderr).toMatch(/goprod: applied 2 fixes in 2 files; checked under /);
      expect(read('uses/uses.go')).toContain('open %s: %w');
      expect(read('go.sum')).toBe(sums);
      expect(read('go.mod')).toBe(original('go.mod'));
    } finally {
      rmSync(proxy, { recursive: true, force: true });
    }
  });
});

describe('workspaces and environments', () => {
  test('each module of a go.work workspace is checked in it, a module it does not use outside it, also with GOFLAGS=-mod=mod', async () => {
    fixture('workspace');
    process.env.GOFLAGS = '-mod=mod';
    const { stderr } = await goprod('fix', '--write');
    expect(stderr).toContain(`goprod: applied 3 fixes in 3 files; checked under ${HOST}\n`);
    expect(read('app/app.go')).toContain('run: %w');
    expect(read('lib/lib.go')).toContain('open %s: %w');
    expect(read('tools/tools.go')).toContain('open %s: %w');
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe(' M app/app.go\n M lib/lib.go\n M tools/tools.go\n');
  });
});

/** Puts a module into a GOPROXY directory (the layout `file://` proxies have). */
function serveModule(proxy: string, path: string, version: string, files: Record<string, string>): void {
  const at = join(proxy, path, '@v');
  mkdirSync(at, { recursive: true });
  const goMod = `module ${path}\n\ngo 1.21\n`;
  writeFileSync(join(at, 'list'), `${version}\n`);
  writeFileSync(join(at, `${version}.info`), JSON.stringify({ Version: version, Time: '2024-01-01T00:00:00Z' }));
  writeFileSync(join(at, `${version}.mod`), goMod);
  const entries = Object.entries({ 'go.mod': goMod, ...files }).map(([name, text]) => [`${path}@${version}/${name}`, text] as const);
  writeFileSync(join(at, `${version}.zip`), storedZip(entries));
}

/** A zip archive without compression: enough for the go command's module zips. */
function storedZip(entries: ReadonlyArray<readonly [string, string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
