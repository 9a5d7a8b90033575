import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { codemods } from '../codemods/index.js';
import { findConfig, parseConfig, starterConfig } from '../src/cli/config.js';
import { runGoprod } from './run-goprod.js';

const DEMO = new URL('../fixtures/demo/', import.meta.url).pathname;

/** A loop variable a goroutine captures: loopvar copies it before Go 1.22, leaves it from 1.22. */
const CAPTURE = 'package p\n\nfunc Start(items []string) {\n\tfor _, it := range items {\n\t\tgo func() { println(it) }()\n\t}\n}\n';

/** A deferred Close of a file written to: close-mode explicit drops its error visibly, propagate returns it. */
const WRITE = 'package demo\n\nimport "os"\n\nfunc Write(path string, b []byte) error {\n\tf, err := os.Create(path)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\t_, err = f.Write(b)\n\treturn err\n}\n';

/** An environment read only a test makes: env-config sees it with include-tests. */
const TEST_READ = 'package demo\n\nimport (\n\t"os"\n\t"testing"\n)\n\nfunc TestToken(t *testing.T) {\n\t_ = os.Getenv("TEST_TOKEN")\n}\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goprod-config-'));
  cpSync(DEMO, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const goprod = (...args: string[]) => runGoprod(dir, ...args);

/** The files a dry run's diff changes. */
const changedFiles = (diff: string) => [...diff.matchAll(/^\+\+\+ b\/(.*)$/gm)].map((m) => m[1]);

describe('finding the config file', () => {
  test('from the working directory upward: the nearest one wins', async () => {
    write('goprod.yaml', 'codemods: [loopvar]\n');
    mkdirSync(join(dir, 'sub'));
    expect(findConfig(join(dir, 'sub'))).toBe(join(dir, 'goprod.yaml'));
    // The demo's findings are all wrap-errors ones: the parent's file turns them off.
    const fromSub = await runGoprod(join(dir, 'sub'), 'fix', '--no-verify', '..');
    expect(fromSub).toMatchObject({ code: 0, stdout: '', stderr: 'goprod: no fixes to apply (1 Go file scanned)\n' });

    write('sub/.goprod.yaml', 'codemods: [wrap-errors]\n');
    expect(findConfig(join(dir, 'sub'))).toBe(join(dir, 'sub', '.goprod.yaml'));
    expect(changedFiles((await runGoprod(join(dir, 'sub'), 'fix', '--no-verify', '..')).stdout)).toEqual(['store.go']);
  });

  test('goprod.yaml and .goprod.yaml side by side is an error naming both', async () => {
    write('goprod.yaml', 'codemods: [loopvar]\n');
    write('.goprod.yaml', 'codemods: [loopvar]\n');
    expect(await goprod('fix')).toEqual({ code: 2, stdout: '', stderr: `goprod: both goprod.yaml and .goprod.yaml in ${dir}: goprod reads one config file; merge them into one\n` });
  });

  test('--config names the file, --no-config reads none', async () => {
    write('goprod.yaml', 'codemods: [loopvar]\n');
    write('conf/strict.yaml', 'codemods: [wrap-errors]\n');
    expect((await goprod('fix', '--no-verify')).stdout).toBe('');
    expect(changedFiles((await goprod('fix', '--no-verify', '--no-config')).stdout)).toEqual(['store.go']);
    expect(changedFiles((await goprod('fix', '--no-verify', '--config', 'conf/strict.yaml')).stdout)).toEqual(['store.go']);
    expect(await goprod('fix', '--config', 'missing.yaml')).toEqual({ code: 2, stdout: '', stderr: 'goprod: cannot read the config file missing.yaml (no such file)\n' });
  });
});

describe('flags override the file', () => {
  test('--codemod over codemods', async () => {
    write('goprod.yaml', 'codemods: [loopvar]\n');
    expect(changedFiles((await goprod('fix', '--no-verify', '--codemod=wrap-errors')).stdout)).toEqual(['store.go']);
  });

  test("--close-mode over close-errors' close-mode; without the flag, the file's", async () => {
    write('write.go', WRITE);
    write('goprod.yaml', 'codemods: [close-errors]\noptions:\n  close-errors:\n    close-mode: explicit\n');
    const fromFile = await goprod('fix', '--no-verify');
    expect(fromFile.stdout).toContain('+\tdefer func() { _ = f.Close() }()');
    const fromFlag = await goprod('fix', '--no-verify', '--close-mode=propagate');
    expect(fromFlag.stdout).toContain('+\t\t\terr = errors.Join(err, cerr)');
    expect(fromFlag.stdout).not.toContain('_ = f.Close()');
  });
});

describe('errors name the file, the line and the column', () => {
  const cases: Array<[string, string, string]> = [
    ['YAML syntax', 'codemods: [wrap-errors\nexclude: []\n', 'goprod.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a key given twice', 'go: "1.21"\ngo: "1.22"\n', 'goprod.yaml:2:1: Map keys must be unique'],
    ['more than one document', 'go: "1.21"\n---\ngo: "1.22"\n', 'goprod.yaml:2:1: more than one YAML document (---); a config file holds one'],
    ['not a mapping', '- wrap-errors\n', 'goprod.yaml:1:1: expected keys with their values at the top level (known: codemods, options, exclude, go), not a list'],
    ['an unknown key', 'codemods: [loopvar]\n\nexlude: ["gen/**"]\n', 'goprod.yaml:3:1: unknown key "exlude" at the top level (known: codemods, options, exclude, go)'],
    ['an unknown codemod', 'codemods:\n  - wrap-errors\n  - lopvar\n', 'goprod.yaml:3:5: unknown codemod "lopvar" (known: wrap-errors, errors-is, errors-as, loopvar, close-errors, env-config, check-errors, ctx-propagate, http-timeouts)'],
    ['no codemod', 'codemods: []\n', 'goprod.yaml:1:11: "codemods" needs at least one name (leave it out to run every codemod)'],
    ['codemods not a list', 'codemods: wrap-errors\n', 'goprod.yaml:1:11: "codemods" takes a list of codemod names, such as [wrap-errors, loopvar], not "wrap-errors"'],
    ['options of an unknown codemod', 'options:\n  close-error:\n    close-mode: explicit\n', 'goprod.yaml:2:3: unknown codemod "close-error" under options (known: wrap-errors, errors-is, errors-as, loopvar, close-errors, env-config, check-errors, ctx-propagate, http-timeouts)'],
    ['options of a codemod that has none', 'options:\n  wrap-errors:\n    strict: true\n', 'goprod.yaml:3:5: wrap-errors has no options'],
    ['an unknown option', 'options:\n  env-config:\n    config-package: internal/cfg\n', 'goprod.yaml:3:5: unknown option "config-package" under options.env-config (known: config-pkg, include-tests)'],
    ['a value not among the choices', 'options:\n  close-errors:\n    close-mode: always\n', 'goprod.yaml:3:17: "close-mode" takes one of both, propagate, explicit, not "always"'],
    ['a switch that is not true or false', 'options:\n  env-config:\n    include-tests: yes\n', 'goprod.yaml:3:20: "include-tests" takes true or false, not "yes"'],
    ['a string option given a list', 'options:\n  env-config:\n    config-pkg: [a, b]\n', 'goprod.yaml:3:17: "config-pkg" takes a string, not a list'],
    ['exclude not a list', 'exclude: gen/**\n', 'goprod.yaml:1:10: "exclude" takes a list of gitignore-style patterns, such as ["gen/**", "**/*_mock.go"], not "gen/**"'],
    ['a pattern that is not a string', 'exclude:\n  - gen/**\n  - {a: 1}\n', 'goprod.yaml:3:5: "exclude" takes a list of gitignore-style patterns, such as ["gen/**", "**/*_mock.go"], not keys and values'],
    ['a Go version that is none', 'go: "1.x"\n', 'goprod.yaml:1:5: "go" takes a Go version such as "1.21", not "1.x"'],
  ];
  test.each(cases)('%s', async (_, text, message) => {
    write('goprod.yaml', text);
    expect(await goprod('fix')).toEqual({ code: 2, stdout: '', stderr: `goprod: ${message}\n` });
  });

  test('a file above the working directory is named by its path from there; goprod env checks it too', async () => {
    write('goprod.yaml', 'go: 1.21\nexclude: []\noptions:\n  env-config:\n    includetests: true\n');
    mkdirSync(join(dir, 'sub'));
    const message = 'goprod: ../goprod.yaml:5:5: unknown option "includetests" under options.env-config (known: config-pkg, include-tests)\n';
    expect(await runGoprod(join(dir, 'sub'), 'fix')).toEqual({ code: 2, stdout: '', stderr: message });
    expect(await runGoprod(join(dir, 'sub'), 'env')).toEqual({ code: 2, stdout: '', stderr: message });
  });

  test('an empty value counts as left out', () => {
    expect(parseConfig('codemods:\noptions:\n  close-errors:\ngo:\n', 'goprod.yaml', codemods, '.')).toEqual({ path: 'goprod.yaml', options: {} });
  });

  test('an unquoted version is read as written (1.20 is not 1.2)', () => {
    expect(parseConfig('go: 1.20\n', 'goprod.yaml', codemods, '.').goOutsideModule).toBe('1.20');
  });
});

describe('exclude', () => {
  beforeEach(() => {
    const store = readFileSync(join(DEMO, 'store.go'), 'utf8');
    write('gen/store.go', store.replace('package demo', 'package gen'));
    write('sub/store_mock.go', store);
    write('sub/store.go', store);
  });

  test('gitignore-style patterns relative to the config file keep files out, also from a subdirectory and when named', async () => {
    expect(changedFiles((await goprod('fix', '--no-verify')).stdout)).toEqual(['gen/store.go', 'store.go', 'sub/store.go', 'sub/store_mock.go']);
    write('goprod.yaml', 'exclude:\n  - gen/**\n  - "**/*_mock.go"\n');
    const all = await goprod('fix', '--no-verify');
    expect(changedFiles(all.stdout)).toEqual(['store.go', 'sub/store.go']);
    expect(all.stderr).toBe('goprod: 6 fixes in 2 files; run with --write to apply\n');

    const fromSub = await runGoprod(join(dir, 'sub'), 'fix', '--no-verify', '.', 'store_mock.go', '../gen');
    expect(changedFiles(fromSub.stdout)).toEqual(['store.go']);
    expect(fromSub.stderr).toBe('goprod: store_mock.go: excluded by ../goprod.yaml; skipped\ngoprod: 3 fixes in 1 file; run with --write to apply\n');
  });

  test('goprod env leaves excluded files out', async () => {
    write('gen/env.go', 'package gen\n\nimport "os"\n\nvar Region = os.Getenv("REGION")\n');
    expect(JSON.parse((await goprod('env', '--json')).stdout)[0].variables.map((v: { name: string }) => v.name)).toEqual(['REGION']);
    write('goprod.yaml', 'exclude: [gen/]\n');
    expect(JSON.parse((await goprod('env', '--json')).stdout)[0].variables).toEqual([]);
  });
});

test("goprod env takes env-config's options from the file, and its flags over them", async () => {
  write('token_test.go', TEST_READ);
  const names = async (...args: string[]) => JSON.parse((await goprod('env', '--json', ...args)).stdout)[0].variables.map((v: { name: string }) => v.name);
  expect(await names()).toEqual([]);
  write('goprod.yaml', 'options:\n  env-config:\n    include-tests: true\n    config-pkg: internal/settings\n');
  expect(await names()).toEqual(['TEST_TOKEN']);
  // The generated package (here where the file says it is) is left out of the reads.
  write('internal/settings/settings.go', 'package settings\n\nimport "os"\n\nvar Home = os.Getenv("HOME")\n');
  expect(await names()).toEqual(['TEST_TOKEN']);
  expect(await names('--config-pkg', 'internal/other')).toEqual(['HOME', 'TEST_TOKEN']);
});

describe('go: the version of files outside a module', () => {
  beforeEach(() => {
    rmSync(join(dir, 'go.mod'));
    rmSync(join(dir, 'store.go'));
    write('start.go', CAPTURE);
  });

  test('without it, Go 1.16 with a warning', async () => {
    const { stdout, stderr } = await goprod('fix', '--no-verify', '--codemod=loopvar');
    expect(stdout).toContain('+\t\tit := it\n');
    expect(stderr).toBe('goprod: .: no go.mod found; assuming Go 1.16\ngoprod: 1 fix in 1 file; run with --write to apply\n');
  });

  test('with it, that version and no warning', async () => {
    write('goprod.yaml', 'go: "1.22"\n');
    expect(await goprod('fix', '--no-verify', '--codemod=loopvar')).toEqual({ code: 0, stdout: '', stderr: 'goprod: no fixes to apply (1 Go file scanned)\n' });
    write('goprod.yaml', 'go: "1.21"\n');
    const older = await goprod('fix', '--no-verify', '--codemod=loopvar');
    expect(older.stdout).toContain('+\t\tit := it\n');
    expect(older.stderr).toBe('goprod: 1 fix in 1 file; run with --write to apply\n');
  });
});

describe('goprod init', () => {
  test('writes a commented goprod.yaml that loads, lists every codemod and option, and changes nothing', async () => {
    const plain = await goprod('fix', '--no-config');
    expect(await goprod('init')).toEqual({ code: 0, stdout: '', stderr: 'goprod: wrote goprod.yaml; uncomment a setting to change it\n' });
    const text = readFileSync(join(dir, 'goprod.yaml'), 'utf8');
    expect(text).toBe(starterConfig(codemods));
    for (const c of codemods) expect(text).toContain(`#   - ${c.name}`);
    expect(text).toContain('#     close-mode: both  # both, propagate, explicit\n');
    expect(text).toContain('#     config-pkg: internal/config\n');
    expect(text).toContain('#     include-tests: false\n');
    expect(await goprod('fix')).toEqual(plain);

    // Every setting uncommented: still valid, and the defaults it shows are goprod's.
    const uncommented = text.replace(/^# (?=\s*(?:- |#|[a-z-]+:(?:\s|$)))/gm, '');
    expect(parseConfig(uncommented, join(dir, 'goprod.yaml'), codemods, dir)).toEqual({
      path: join(dir, 'goprod.yaml'),
      codemods: [...codemods],
      options: { closeMode: 'both', configPkg: 'internal/config', includeTests: false, checkErrorsExclude: '', ctxDerived: 'report', readHeaderTimeout: '10s' },
      exclude: { file: join(dir, 'goprod.yaml'), patterns: ['gen/**', '**/*_mock.go'] },
      goOutsideModule: '1.16',
    });
    writeFileSync(join(dir, 'goprod.yaml'), uncommented);
    expect(await goprod('fix')).toEqual(plain);
  });

  test('keeps an existing config file unless --force', async () => {
    write('.goprod.yaml', 'codemods: [loopvar]\n');
    expect(await goprod('init')).toEqual({ code: 2, stdout: '', stderr: 'goprod: .goprod.yaml already exists; run with --force to replace it\n' });
    expect(readFileSync(join(dir, '.goprod.yaml'), 'utf8')).toBe('codemods: [loopvar]\n');
    expect((await goprod('init', '--force')).code).toBe(0);
    expect(readFileSync(join(dir, '.goprod.yaml'), 'utf8')).toBe(starterConfig(codemods));
  });
});
