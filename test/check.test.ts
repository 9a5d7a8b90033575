import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Evidence } from '../src/check/evidence.js';
import { countGoroutines } from '../src/check/goroutines.js';
import { loadGoParser } from '../src/engine/parse.js';
import { band, scoreSignals, THRESHOLDS, type Signal } from '../src/check/signals.js';
import { runGoprod } from './run-goprod.js';
import { writeTree } from './tree.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-check-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (files: Record<string, string>) => writeTree(dir, files);

const GO_MOD = 'module example.com/svc\n\ngo 1.22\n';

/** A service: five packages, a main outside cmd/, env reads in four directories, errors not wrapped, a context dropped, an endless goroutine, no tests, README or CI. */
function bareModule(): void {
  const getenv = (pkg: string) => `package ${pkg}\n\nimport "os"\n\nfunc Get() string { return os.Getenv("${pkg.toUpperCase()}") }\n`;
  write({
    'go.mod': GO_MOD,
    'main.go':
      'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n\t"os"\n)\n\nfunc Load(p string) error {\n\t_, err := os.ReadFile(p)\n\tif err != nil {\n\t\treturn fmt.Errorf("load %s: %v", p, err)\n\t}\n\treturn fmt.Errorf("again: %s", err)\n}\n\n' +
      'func main() {\n\tgo Load("x")\n\tgo func() {\n\t\tfor {\n\t\t\tfmt.Println(os.Getenv("HOME"))\n\t\t}\n\t}()\n\t_ = http.ListenAndServe(":8080", nil)\n}\n',
    'a/worker/main.go': 'package main\n\nfunc main() {}\n',
    'a/a.go': getenv('a'),
    'b/b.go': getenv('b'),
    'c/c.go': getenv('c'),
    'a/ctx.go': 'package a\n\nimport "context"\n\nfunc detach(ctx context.Context) context.Context {\n\treturn context.TODO()\n}\n',
  });
}

/** Everything the guide asks for. */
function goodModule(): void {
  const table = (pkg: string) =>
    `package ${pkg}\n\nimport "testing"\n\nfunc TestIt(t *testing.T) {\n\tfor _, c := range []struct{ name string }{{"a"}} {\n\t\tt.Run(c.name, func(t *testing.T) {})\n\t}\n}\n`;
  write({
    'go.mod': GO_MOD,
    'README.md': '# svc\n',
    '.golangci.yml': 'linters:\n  enable: [errcheck]\n',
    '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: golangci-lint run\n      - run: go test -race ./...\n      - run: go build ./...\n',
    'docs/adr/0001-record.md': '# Record decisions\n',
    'cmd/svc/main.go':
      'package main\n\nimport (\n\t"context"\n\t"log/slog"\n\t"net/http"\n\n\t"github.com/prometheus/client_golang/prometheus"\n\n\t"example.com/svc/internal/store"\n)\n\nvar registry = prometheus.NewRegistry()\n\n' +
      'func main() {\n\tslog.Info("start", "err", store.Load(context.Background(), "x"))\n\tslog.Error("stop", "err", http.ListenAndServe(":8080", nil))\n}\n',
    'cmd/svc/main_test.go': table('main'),
    'internal/store/store.go':
      'package store\n\nimport (\n\t"context"\n\t"errors"\n\t"fmt"\n\t"os"\n)\n\n// ErrEmpty says the file is empty.\nvar ErrEmpty = errors.New("empty")\n\n// Load reads p.\nfunc Load(ctx context.Context, p string) error {\n\tdone := make(chan struct{})\n\tgo func() {\n\t\tdefer close(done)\n\t\t<-ctx.Done()\n\t}()\n\tb, err := os.ReadFile(p)\n\tif err != nil {\n\t\treturn fmt.Errorf("load %s: %w", p, err)\n\t}\n\tif len(b) == 0 {\n\t\treturn ErrEmpty\n\t}\n\treturn nil\n}\n',
    'internal/store/store_test.go': table('store'),
    'internal/config/config.go': 'package config\n\nimport "os"\n\n// Addr is where the service listens.\nfunc Addr() string { return os.Getenv("ADDR") }\n',
    'internal/config/config_test.go': table('config'),
  });
}

interface CheckJson {
  version: number;
  modules: Array<{ module: string; dir: string; total: number; max: number; band: string; signals: Signal[]; codemods: Record<string, { findings: number; fixes: number }> }>;
}

async function checkJson(...args: string[]): Promise<CheckJson> {
  const { code, stdout, stderr } = await runGoprod(dir, 'check', '--format=json', ...args);
  expect(stderr).toMatch(/^goprod check: .*\/16 /m);
  expect(code).toBe(0);
  return JSON.parse(stdout) as CheckJson;
}

const byId = (signals: readonly Signal[]) => Object.fromEntries(signals.map((s) => [s.id, s]));

describe('goprod check', () => {
  test('a bare module has critical gaps, each signal at 0 with the evidence that says why', async () => {
    bareModule();
    const [module] = (await checkJson()).modules;
    expect(module).toMatchObject({ module: 'example.com/svc', dir: '.', total: 0, max: 16, band: 'critical gaps' });
    const s = byId(module!.signals);
    expect(s.structure!.evidence).toEqual({ packages: 5, mainPackages: 2, mainPackagesAmongLibraries: 1, internal: false });
    expect(s.errors!.evidence).toMatchObject({ errorfWrapping: 0, errorfNotWrapping: 2, sentinelErrors: 0 });
    expect(s.concurrency!.evidence).toMatchObject({ goStatements: 2, goroutinesWithoutStopPath: 1, contextFunctions: 1, contextsDropped: 1, contextsPassedDown: 0 });
    expect(s.testing!.evidence).toMatchObject({ packages: 5, packagesWithTests: 0, testFiles: 0 });
    expect(s.observability!.evidence).toEqual({ kind: 'service', structuredLogging: [], metrics: [], tracing: [] });
    expect(s.configuration!.evidence).toEqual({ envReads: 4, envReadDirectories: 4, packages: 5 });
    expect(s.ci!.evidence).toMatchObject({ files: [], pipeline: false });
    expect(s.documentation!.evidence).toEqual({ readme: false, exportedNames: 4, undocumentedExportedNames: 4, adrDirectory: '' });
    for (const signal of module!.signals) expect([signal.id, signal.score]).toEqual([signal.id, 0]);
    expect(s.errors!.fix).toBe('goprod fix --codemod=wrap-errors,errors-is,errors-as,close-errors,check-errors');
    expect(s.configuration!.fix).toBe('goprod fix --codemod=env-config');
  });

  test('a module with CI, lint, README, slog, metrics, table-driven tests and wrapped errors is exemplary', async () => {
    goodModule();
    const [module] = (await checkJson()).modules;
    const s = byId(module!.signals);
    expect(s.structure!.evidence).toEqual({ packages: 3, mainPackages: 1, mainPackagesAmongLibraries: 0, internal: true });
    expect(s.errors!.evidence).toMatchObject({ errorfWrapping: 1, errorfNotWrapping: 0, sentinelErrors: 1 });
    expect(s.concurrency!.evidence).toMatchObject({ goStatements: 1, goroutinesWithoutStopPath: 0, contextFunctions: 1, contextsDropped: 0 }); // main's context.Background() is where contexts start
    expect(s.testing!.evidence).toEqual({ packages: 3, packagesWithTests: 3, testFiles: 3, tableDrivenTestFiles: 3, raceInCi: true });
    expect(s.observability!.evidence).toEqual({ kind: 'service', structuredLogging: ['log/slog'], metrics: ['github.com/prometheus/client_golang'], tracing: [] });
    expect(s.configuration!.evidence).toEqual({ envReads: 0, envReadDirectories: 0, packages: 3 }); // env-config leaves its own package's reads alone
    expect(s.ci!.evidence).toEqual({ files: ['.github/workflows/ci.yml'], pipeline: true, tests: true, race: true, lint: true, golangciConfig: true });
    expect(s.documentation!.evidence).toEqual({ readme: true, exportedNames: 2, undocumentedExportedNames: 0, adrDirectory: 'docs/adr' });
    expect(module!.signals.map((x) => x.score)).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(module).toMatchObject({ total: 16, band: 'exemplary' });
  });

  test('the text report gives each signal its score, evidence and fix, then the summary', async () => {
    bareModule();
    const { code, stdout, stderr } = await runGoprod(dir, 'check');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^example\.com\/svc \(\.\): 0\/16 critical gaps\n/);
    expect(stdout).toContain('  Error handling      0/2  2 of 2 fmt.Errorf calls formatting an error lack %w (0 % wrap)');
    expect(stdout).toContain('fix: goprod fix --codemod=env-config\n');
    expect(stdout).toContain('tests are not run');
    expect(stderr).toBe('goprod check: 0/16 critical gaps\n');
  });

  test('the Markdown report is a table with a row per signal', async () => {
    goodModule();
    const { stdout } = await runGoprod(dir, 'check', '--format=markdown');
    const lines = stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['### example.com/svc: 16/16 exemplary', '', '| Signal | Score | Evidence | Fix |', '|---|---|---|---|']);
    expect(lines.filter((l) => /^\| [A-Z].* \| [0-2]\/2 \|/.test(l))).toHaveLength(8);
  });

  test('taking practices away from the exemplary module walks it down the bands', async () => {
    goodModule();
    const total = async () => (await checkJson()).modules[0]!;
    expect(await total()).toMatchObject({ total: 16, band: 'exemplary' });
    for (const f of ['README.md', '.github/workflows/ci.yml', '.golangci.yml']) rmSync(join(dir, f));
    expect(await total()).toMatchObject({ total: 13, band: 'solid' }); // CI 0, documentation 1 (no README)
    write({ 'cmd/svc/main.go': 'package main\n\nimport (\n\t"context"\n\t"net/http"\n\n\t"example.com/svc/internal/store"\n)\n\nfunc main() {\n\t_ = store.Load(context.Background(), "x")\n\t_ = http.ListenAndServe(":8080", nil)\n}\n' });
    for (const f of ['internal/store/store_test.go', 'internal/config/config_test.go']) rmSync(join(dir, f));
    expect(await total()).toMatchObject({ total: 10, band: 'needs work' }); // observability 0, testing 1 (1 of 3 packages)
  });

  test('the bands split the total at 7, 11 and 15', () => {
    expect([0, 6, 7, 10, 11, 14, 15, 16].map(band)).toEqual(['critical gaps', 'critical gaps', 'needs work', 'needs work', 'solid', 'solid', 'exemplary', 'exemplary']);
  });

  test('--min-score exits 1 below the score, 0 at it; a bad value is a usage error', async () => {
    goodModule();
    expect((await runGoprod(dir, 'check', '--min-score', '16')).code).toBe(0);
    rmSync(join(dir, 'README.md'));
    expect((await runGoprod(dir, 'check', '--min-score', '16')).code).toBe(1);
    const bad = await runGoprod(dir, 'check', '--min-score', '17');
    expect(bad).toMatchObject({ code: 2, stderr: 'goprod: --min-score takes a whole number from 0 to 16, not "17"\n' });
  });

  test('a directory without a module is a usage error', async () => {
    write({ 'x.go': 'package x\n' });
    expect(await runGoprod(dir, 'check')).toMatchObject({ code: 2, stderr: expect.stringContaining('goprod: no Go module found') });
  });

  test('a library is not asked for metrics: its own log and print calls count against it', async () => {
    write({
      'go.mod': GO_MOD,
      'lib.go': 'package lib\n\nimport "log"\n\n// Do does it.\nfunc Do() {\n\tlog.Printf("doing")\n}\n',
      'cmd/tool/main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/svc"\n)\n\nfunc main() {\n\tlib.Do()\n\tfmt.Println("done")\n}\n',
    });
    const s = byId((await checkJson()).modules[0]!.signals);
    expect(s.observability).toMatchObject({ score: 0, evidence: { kind: 'library', libraryPrints: 1 } }); // one call in 8 lines; the CLI's Println is its output
    expect(s.observability!.summary).toMatch(/^a library \(no main package that listens\): 1 log\/fmt.Print calls outside main packages/);
  });

  test("--run-tests measures coverage and races with the module's own tests", async () => {
    write({
      'go.mod': GO_MOD,
      'p.go': 'package p\n\n// Covered is tested.\nfunc Covered() int { return 1 }\n\n// Uncovered is not.\nfunc Uncovered() int { return 2 }\n\n// Race writes n from two goroutines.\nfunc Race() int {\n\tn := 0\n\tdone := make(chan bool)\n\tgo func() {\n\t\tn++\n\t\tdone <- true\n\t}()\n\tn++\n\t<-done\n\treturn n\n}\n',
      'p_test.go': 'package p\n\nimport "testing"\n\nfunc TestCovered(t *testing.T) {\n\tif Covered() != 1 {\n\t\tt.Fail()\n\t}\n}\n',
    });
    let s = byId((await checkJson('--run-tests')).modules[0]!.signals);
    expect(s.testing!.evidence).toMatchObject({ coverage: 0.1, statements: 10, races: 0, raceDetector: true, failedPackages: [] });
    expect(s.testing!.score).toBe(0);
    write({ 'race_test.go': 'package p\n\nimport "testing"\n\nfunc TestRace(t *testing.T) { Race() }\n' });
    s = byId((await checkJson('--run-tests')).modules[0]!.signals);
    expect(s.testing!.evidence).toMatchObject({ races: 1, failedPackages: ['example.com/svc'] }); // the race detector fails the test
    expect(s.testing!.summary).toMatch(/coverage 90.0 % of 10 statements \(a failing package may be left out\); 1 data races; 1 packages failing \(example\.com\/svc\)$/);
    expect(s.testing!.score).toBe(1);
  });

  test("the config file's exclude keeps files out of the evidence, as it does for goprod fix", async () => {
    bareModule();
    write({ 'goprod.yaml': 'exclude: ["b/", "c/"]\n' });
    const s = byId((await checkJson()).modules[0]!.signals);
    expect(s.configuration!.evidence).toEqual({ envReads: 2, envReadDirectories: 2, packages: 3 });
    expect(byId((await checkJson('--no-config')).modules[0]!.signals).configuration!.evidence).toMatchObject({ envReads: 4 });
  });

  test('with several modules the summary weighs their scores by lines of Go and names the lowest', async () => {
    goodModule();
    write({ 'tools/go.mod': 'module example.com/tools\n\ngo 1.22\n', 'tools/t.go': 'package tools\n' });
    const { stderr } = await runGoprod(dir, 'check');
    expect(stderr).toMatch(/^goprod check: 1[5-6]\/16 exemplary over 2 modules \(weighted by lines of Go\), lowest \d+\/16 .* \(example\.com\/tools\)\n$/);
  });

  test('the JSON document has a version and the same keys for every module', async () => {
    goodModule();
    const doc = await checkJson();
    expect(Object.keys(doc)).toEqual(['version', 'measured', 'overall', 'modules']);
    expect(doc.version).toBe(2);
    expect(Object.keys(doc.modules[0]!)).toEqual(['module', 'dir', 'goLines', 'total', 'max', 'band', 'signals', 'codemods']);
    for (const signal of doc.modules[0]!.signals) expect(Object.keys(signal)).toEqual(['id', 'name', 'score', 'evidence', 'summary', 'fix']);
    expect(doc.modules[0]!.signals.map((s) => s.id)).toEqual(['structure', 'errors', 'concurrency', 'testing', 'observability', 'configuration', 'ci', 'documentation']);
  });

  test('loop variables shared before Go 1.22 count against concurrency; copies made redundant by Go 1.22 do not', async () => {
    const loop = (copy: string) => `package p\n\nimport "fmt"\n\nfunc Each(xs []int) {\n\tfor _, x := range xs {\n${copy}\t\tgo func() { fmt.Println(x) }()\n\t}\n}\n`;
    write({ 'old/go.mod': 'module example.com/old\n\ngo 1.21\n', 'old/p.go': loop(''), 'new/go.mod': 'module example.com/new\n\ngo 1.22\n', 'new/p.go': loop('\t\tx := x\n') });
    const fix = JSON.parse((await runGoprod(dir, 'fix', '--json', '--no-verify')).stdout) as { findings: Array<{ codemod: string; file: string }> };
    expect(fix.findings.map((f) => [f.codemod, f.file])).toEqual([['loopvar', 'new/p.go'], ['loopvar', 'old/p.go']]);
    const modules = (await checkJson()).modules;
    const shared = modules.map((m) => [m.module, byId(m.signals).concurrency!.evidence.sharedLoopVariables]);
    expect(shared).toEqual([['example.com/new', 0], ['example.com/old', 1]]);
  });

  test('the wrap-errors count is what goprod fix --json reports for the same tree', async () => {
    bareModule();
    write({ 'a/more.go': 'package a\n\nimport "fmt"\n\nfunc F(err error) error { return fmt.Errorf("f: %v", err) }\n' });
    const fix = JSON.parse((await runGoprod(dir, 'fix', '--json', '--no-verify')).stdout) as { findings: Array<{ codemod: string; fixes: unknown[] }> };
    const expected = fix.findings.filter((f) => f.codemod === 'wrap-errors').length;
    expect(expected).toBe(3);
    const [module] = (await checkJson()).modules;
    // The migration plan's counts: each codemod's findings and the fixes they carry, as goprod fix reports them.
    const perCodemod: Record<string, { findings: number; fixes: number }> = {};
    for (const f of fix.findings) {
      const c = (perCodemod[f.codemod] ??= { findings: 0, fixes: 0 });
      c.findings++;
      c.fixes += f.fixes.length;
    }
    expect(module!.codemods).toEqual(perCodemod);
    expect(Object.keys(perCodemod).sort()).toEqual(['env-config', 'http-timeouts', 'wrap-errors']);
    const s = byId(module!.signals);
    expect(s.errors!.evidence.errorfNotWrapping).toBe(expected);
    expect(s.configuration!.evidence.envReads).toBe(fix.findings.filter((f) => f.codemod === 'env-config').length - 1); // less the package it would generate
  });
});

describe('goroutines without a stop path', () => {
  const counts = async (body: string) => {
    const parsed = (await loadGoParser()).parse(`package p\n\n${body}\n`);
    try {
      return countGoroutines(parsed.root);
    } finally {
      parsed.dispose();
    }
  };

  test.each([
    ['an endless loop', 'func f(ch chan int) {\n\tgo func() {\n\t\tfor {\n\t\t\tch <- 1\n\t\t}\n\t}()\n}', 1],
    ['a loop over time.Tick', 'func f() {\n\tgo func() {\n\t\tfor range time.Tick(time.Second) {\n\t\t\tpoll()\n\t\t}\n\t}()\n}', 1],
    ['a break that leaves only the select', 'func f(ctx context.Context) {\n\tgo func() {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-ctx.Done():\n\t\t\t\tbreak\n\t\t\t}\n\t\t}\n\t}()\n}', 1],
    ['a method of this file with an endless loop', 'func (s *S) run() {\n\tfor {\n\t\ts.step()\n\t}\n}\n\nfunc (s *S) Start() {\n\tgo s.run()\n}', 1],
    ['a return on ctx.Done()', 'func f(ctx context.Context) {\n\tgo func() {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-ctx.Done():\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}()\n}', 0],
    ['a labelled break', 'func f(done chan int) {\n\tgo func() {\n\tloop:\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-done:\n\t\t\t\tbreak loop\n\t\t\t}\n\t\t}\n\t}()\n}', 0],
    ['a loop with a condition', 'func f(n int) {\n\tgo func() {\n\t\tfor i := 0; i < n; i++ {\n\t\t}\n\t}()\n}', 0],
    ['a range over a channel (ends when it is closed)', 'func f(ch chan int) {\n\tgo func() {\n\t\tfor v := range ch {\n\t\t\t_ = v\n\t\t}\n\t}()\n}', 0],
    ['a return inside a nested function literal does not count', 'func f() {\n\tgo func() {\n\t\tfor {\n\t\t\tfunc() { return }()\n\t\t}\n\t}()\n}', 1],
    ['a function of another file', 'func f() {\n\tgo serve()\n}', 0],
  ])('%s', async (_, body, withoutStopPath) => {
    expect(await counts(body)).toEqual({ goStatements: 1, withoutStopPath });
  });
});

describe('thresholds', () => {
  const solid: Evidence = {
    packages: 10, packagesWithTests: 7, testFiles: 7, tableDrivenTestFiles: 1, goLines: 10_000, mainPackages: ['cmd/a'], mainPackagesAmongLibraries: 0, kind: 'service', libraryPrints: 0, hasInternal: false,
    unwrappedErrorf: 1, wrappedErrorf: 9, sentinelErrors: 0, directErrorChecks: 0, droppedCloseErrors: 1, droppedCloseErrorsOnWrites: 1, droppedErrors: 0, contextsPassedDown: 0, goStatements: 50, goroutinesWithoutStopPath: 1, contextFunctions: 50, contextsDropped: 1,
    sharedLoopVariables: 0, structuredLogging: ['log/slog'], metrics: [], tracing: ['go.opentelemetry.io/otel'], envReads: 3, envReadDirectories: 1,
    ciFiles: ['.github/workflows/ci.yml', 'Makefile'], ciRunsTests: true, ciRunsRace: true, ciRunsLint: true, golangciConfig: false, readme: true, adrDirectory: undefined,
    exportedNames: 10, undocumentedExportedNames: 2,
  };
  const scores = (change: Partial<Evidence>) => Object.fromEntries(scoreSignals({ ...solid, ...change }).map((s) => [s.id, s.score]));

  test('each signal is 2 exactly at its solid threshold (structure needs internal/ past the small-module size)', () => {
    expect(scores({})).toEqual({ structure: 1, errors: 2, concurrency: 2, testing: 2, observability: 2, configuration: 2, ci: 2, documentation: 2 });
    expect(scores({ packages: THRESHOLDS.smallModulePackages }).structure).toBe(2);
    expect(scores({ hasInternal: true }).structure).toBe(2);
  });

  test('one step past each solid threshold is 1, past the partial one 0', () => {
    expect([scores({ wrappedErrorf: 8, unwrappedErrorf: 2 }).errors, scores({ wrappedErrorf: 4, unwrappedErrorf: 6 }).errors]).toEqual([1, 0]);
    expect(scores({ droppedCloseErrorsOnWrites: 2 }).errors).toBe(1);
    expect([scores({ packagesWithTests: 6 }).testing, scores({ packagesWithTests: 2 }).testing, scores({ tableDrivenTestFiles: 0 }).testing]).toEqual([1, 0, 1]);
    expect([scores({ contextsDropped: 2 }).concurrency, scores({ contextsDropped: 6 }).concurrency]).toEqual([1, 0]);
    expect([scores({ goroutinesWithoutStopPath: 2 }).concurrency, scores({ goroutinesWithoutStopPath: 6 }).concurrency]).toEqual([1, 0]);
    expect(scores({ sharedLoopVariables: 1 }).concurrency).toBe(1);
    expect([scores({ envReadDirectories: 2 }).configuration, scores({ envReadDirectories: 3 }).configuration, scores({ envReadDirectories: 4 }).configuration]).toEqual([2, 1, 0]);
    expect([scores({ envReadDirectories: 5, packages: 100 }).configuration, scores({ envReadDirectories: 6, packages: 100 }).configuration]).toEqual([2, 1]);
    expect([scores({ envReadDirectories: 15, packages: 100 }).configuration, scores({ envReadDirectories: 16, packages: 100 }).configuration]).toEqual([1, 0]);
    expect([scores({ tracing: [] }).observability, scores({ tracing: [], structuredLogging: [] }).observability]).toEqual([1, 0]);
    const library = (prints: number, structuredLogging: string[] = []) => scores({ kind: 'library', libraryPrints: prints, structuredLogging, metrics: [], tracing: [] }).observability;
    expect([library(1), library(2), library(10), library(11), library(11, ['log/slog'])]).toEqual([2, 1, 1, 0, 2]);
    expect([scores({ ciRunsRace: false }).ci, scores({ ciFiles: ['Makefile'] }).ci]).toEqual([1, 0]);
    expect([scores({ undocumentedExportedNames: 3 }).documentation, scores({ readme: false, undocumentedExportedNames: 6 }).documentation]).toEqual([1, 0]);
    const tested = (tests: Partial<NonNullable<Evidence['tests']>>) => scores({ tests: { coverage: 0.8, statements: 100, races: 0, raceDetector: true, failedPackages: [], ...tests } }).testing;
    expect([tested({}), tested({ coverage: 0.79 }), tested({ coverage: 0.4 }), tested({ coverage: 0.39 })]).toEqual([2, 1, 1, 0]);
    expect([tested({ races: 1 }), tested({ failedPackages: ['example.com/svc/a'] })]).toEqual([1, 1]);
    expect(scores({ packagesWithTests: 10, tests: { coverage: 0.3, statements: 100, races: 0, raceDetector: true, failedPackages: [] } }).testing).toBe(0); // measured coverage decides, not which packages have tests
    expect(scores({ mainPackagesAmongLibraries: 1 }).structure).toBe(0);
    const mains = ['cmd/a', 'cmd/b', 'cmd/c', 'gen', 'util/tool'];
    expect([scores({ mainPackages: mains, mainPackagesAmongLibraries: 1 }).structure, scores({ mainPackages: mains, mainPackagesAmongLibraries: 2 }).structure]).toEqual([1, 0]);
  });
});
