// What `goprod check` counts in a module: goprod's own codemods' findings, the Go files read
// as text (imports, declarations, tests), and the repository's files (CI, README, ADRs).
// Counts by text are approximations a user can reproduce with grep; each is named so.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { WRITTEN } from '../../codemods/close-errors.js';
import { codemods } from '../../codemods/index.js';
import { SHARED } from '../../codemods/loopvar.js';
import { GENERATED, type Finding } from '../engine/analyze.js';
import type { OptionsByCodemod } from '../engine/codemod.js';
import { discoverGoFiles } from '../engine/discover.js';
import { ModuleFinder, type GoModule } from '../go/module.js';
import type { RunResult, Warning } from '../engine/model.js';
import { loadGoParser, type GoParser } from '../engine/parse.js';
import { runCodemods, type FileOptions } from '../engine/run.js';
import { countGoroutines } from './goroutines.js';
import { runModuleTests, type TestRun } from './tests.js';

export interface Evidence {
  /** Packages: directories with non-test Go files (generated files included). */
  packages: number;
  packagesWithTests: number;
  testFiles: number;
  /** Test files with a `[]struct{` table and a `t.Run(` subtest. */
  tableDrivenTestFiles: number;
  /** Lines of non-test, non-generated Go. */
  goLines: number;
  /** Directories (relative to the module, `.` for its root) of main packages. */
  mainPackages: string[];
  /**
   * `service` when the module listens (net.Listen, ListenAndServe, Serve, grpc.NewServer, or a
   * main package importing a server framework: gin, echo, fiber, chi, gorilla/mux, grpc) and
   * has a main package outside examples, tools and tests; else `library` (CLIs included):
   * it decides what Observability asks for.
   */
  kind: 'service' | 'library';
  /** Calls of log.Print*, log.Fatal*, log.Panic* and fmt.Print* outside main packages (by text). */
  libraryPrints: number;
  /**
   * Main packages mixed in with library code: in a directory whose parent holds a non-main
   * package, and not under cmd/ (or examples/, tools/…). `api/services/sales` with nothing but
   * directories in `api/services` is kept apart as cmd/ would keep it.
   */
  mainPackagesAmongLibraries: number;
  hasInternal: boolean;
  /** fmt.Errorf calls that format an error without %w (wrap-errors' findings). */
  unwrappedErrorf: number;
  /** fmt.Errorf calls with %w (by text). */
  wrappedErrorf: number;
  /** `ErrX = errors.New(…)` declarations (by text). */
  sentinelErrors: number;
  /** `==` comparisons and type assertions that a wrapped error defeats (errors-is' and errors-as' findings). */
  directErrorChecks: number;
  /** Dropped Close errors (close-errors' findings), and those of them on written files. */
  droppedCloseErrors: number;
  droppedCloseErrorsOnWrites: number;
  /**
   * Errors call statements drop (check-errors' findings: without type facts, as goprod check runs, calls of the
   * package's own functions only).
   */
  droppedErrors: number;
  /** `go` statements, and those whose function shows an endless loop with no way out (goroutines.ts). */
  goStatements: number;
  goroutinesWithoutStopPath: number;
  /** Functions with a context.Context parameter (by text: on their `func` line). */
  contextFunctions: number;
  /** context.Background()/TODO() inside those functions: a new context where the caller's should pass down. */
  contextsDropped: number;
  /** context.Background()/TODO() passed to a call where the function's ctx could be (ctx-propagate's findings). */
  contextsPassedDown: number;
  /**
   * Loops whose variables closures or pointers outlive before Go 1.22: loopvar's findings (less its
   * redundant copies, harmless since 1.22).
   */
  sharedLoopVariables: number;
  /** Structured logging, metrics and tracing libraries imported, by import path prefix. */
  structuredLogging: string[];
  metrics: string[];
  tracing: string[];
  /** os.Getenv/LookupEnv reads (env-config's findings) and the directories they are in. */
  envReads: number;
  envReadDirectories: number;
  /** CI and build files found (relative to the repository root). */
  ciFiles: string[];
  ciRunsTests: boolean;
  ciRunsRace: boolean;
  ciRunsLint: boolean;
  golangciConfig: boolean;
  readme: boolean;
  /** The ADR directory, relative to the repository root. */
  adrDirectory: string | undefined;
  /** Exported funcs, methods and types, and those without a `//` line right above (by text). */
  exportedNames: number;
  undocumentedExportedNames: number;
  /** The module's tests as run by `--run-tests`; absent when they were not run. */
  tests?: TestRun;
}

export interface ModuleEvidence {
  module: GoModule;
  /** Where the repository's files are looked for: the nearest directory with .git at or above the module, else the path checked. */
  repositoryRoot: string;
  evidence: Evidence;
  /** Per codemod with findings in the module: what `goprod fix` would do there (a migration plan's counts). */
  codemods: Record<string, CodemodFindings>;
}

/** A codemod's findings in a module and the fixes they carry (not verified: verification may back some out). */
export interface CodemodFindings {
  findings: number;
  fixes: number;
}

const LOGGING = [
  'log/slog',
  'github.com/rs/zerolog',
  'go.uber.org/zap',
  'github.com/sirupsen/logrus',
  'github.com/go-kit/log',
  'github.com/go-logr/logr',
];
const METRICS = ['github.com/prometheus/client_golang', 'go.opentelemetry.io/otel/metric', 'github.com/VictoriaMetrics/metrics', 'expvar'];
const TRACING = ['go.opentelemetry.io/otel', 'github.com/opentracing/opentracing-go', 'go.opencensus.io/trace'];
/** Directories (at any depth) of main packages that are not the product: examples, tooling and tests. */
const AUXILIARY_HOMES = new Set(['example', 'examples', 'tools', 'hack', 'scripts', 'test', 'tests', 'e2e', 'testutil']);
/** Directories (at any depth) where main packages belong: cmd/, and the auxiliary ones. */
const MAIN_PACKAGE_HOMES = new Set(['cmd', ...AUXILIARY_HOMES]);
const LISTENS = /\b(net\.Listen\w*|\w+\.ListenAndServe\w*|\w+\.Serve|grpc\.NewServer)\(/;
/** Server frameworks whose import by a main package says it serves (`r.Run()` shows nothing by itself). */
const SERVER_FRAMEWORKS = [
  'github.com/gin-gonic/gin',
  'github.com/labstack/echo',
  'github.com/gofiber/fiber',
  'github.com/go-chi/chi',
  'github.com/gorilla/mux',
  'google.golang.org/grpc',
];
const LIBRARY_PRINTS = /\b(log\.(Print|Fatal|Panic)\w*|fmt\.Print\w*)\(/g;
const CI_FILES = [
  '.gitlab-ci.yml',
  '.circleci/config.yml',
  '.travis.yml',
  'Jenkinsfile',
  'azure-pipelines.yml',
  'cloudbuild.yaml',
  'bitbucket-pipelines.yml',
  '.drone.yml',
  '.buildkite/pipeline.yml',
];
const ADR_DIRECTORIES = ['docs/adr', 'doc/adr', 'docs/decisions', 'docs/architecture/decisions', 'adr'];
/**
 * Gathers the evidence of every module under `paths` (one codemod run for all, not verified),
 * seeing the files and codemod options a `goprod fix` with the same config would.
 */
export async function gatherEvidence(
  paths: readonly string[],
  cwd: string,
  options: FileOptions & {
    codemodOptions?: OptionsByCodemod;
    threads?: number;
    runTests?: boolean;
    download?: boolean;
    onTests?: (module: GoModule) => void;
  } = {},
): Promise<{ modules: ModuleEvidence[]; warnings: Warning[] }> {
  const files = new Map<GoModule, string[]>();
  const finder = new ModuleFinder();
  for (const path of discoverGoFiles(paths, cwd, undefined, options.exclude)) {
    const module = finder.find(dirname(path));
    if (module) files.set(module, [...(files.get(module) ?? []), path]);
  }
  const run = await runCodemods(paths, codemods, {
    exclude: options.exclude,
    goOutsideModule: options.goOutsideModule,
    codemodOptions: options.codemodOptions,
    threads: options.threads,
    verify: false,
    cwd,
  });
  const parser = await loadGoParser();
  const roots = paths.map((p) => resolve(cwd, p.replace(/(^|[/\\])\.\.\.$/, '$1') || '.'));
  const modules: ModuleEvidence[] = [];
  for (const [module, paths] of [...files].sort(([a], [b]) => a.dir.localeCompare(b.dir))) {
    const repositoryRoot = repositoryRootOf(module.dir, roots);
    const found = findingsOf(run, module);
    const evidence: Evidence = {
      ...fromCodemods(found),
      ...fromGoFiles(module, paths, parser),
      ...fromRepository(repositoryRoot, module.dir),
    };
    if (options.runTests) {
      options.onTests?.(module);
      evidence.tests = await runModuleTests(module.dir, options.download ?? false);
    }
    modules.push({ module, repositoryRoot, evidence, codemods: codemodCounts(found) });
  }
  return { modules, warnings: run.warnings };
}

type CodemodEvidence = Pick<
  Evidence,
  | 'unwrappedErrorf'
  | 'directErrorChecks'
  | 'droppedCloseErrors'
  | 'droppedCloseErrorsOnWrites'
  | 'droppedErrors'
  | 'contextsPassedDown'
  | 'sharedLoopVariables'
  | 'envReads'
  | 'envReadDirectories'
>;

type ModuleFinding = { path: string; finding: Finding };

function findingsOf(run: RunResult, module: GoModule): ModuleFinding[] {
  return run.files.filter((f) => f.module?.dir === module.dir).flatMap((f) => f.findings.map((finding) => ({ path: f.path, finding })));
}

/** Findings and fixes per codemod, codemods in the registry's order. */
function codemodCounts(findings: readonly ModuleFinding[]): Record<string, CodemodFindings> {
  const counts: Record<string, CodemodFindings> = {};
  for (const { name } of codemods) {
    const of = findings.filter((f) => f.finding.codemod === name);
    if (of.length > 0) counts[name] = { findings: of.length, fixes: of.reduce((n, f) => n + f.finding.fixes.length, 0) };
  }
  return counts;
}

function fromCodemods(findings: readonly ModuleFinding[]): CodemodEvidence {
  const of = (codemod: string) => findings.filter((f) => f.finding.codemod === codemod);
  const closes = of('close-errors');
  // env-config adds one finding for the package it would generate; the rest are reads.
  const reads = of('env-config').filter((f) => f.finding.end > 0);
  return {
    unwrappedErrorf: of('wrap-errors').length,
    directErrorChecks: of('errors-is').length + of('errors-as').length,
    droppedCloseErrors: closes.length,
    droppedCloseErrorsOnWrites: closes.filter((c) => c.finding.category === WRITTEN).length,
    droppedErrors: of('check-errors').length,
    contextsPassedDown: of('ctx-propagate').length,
    sharedLoopVariables: of('loopvar').filter((f) => f.finding.category === SHARED).length,
    envReads: reads.length,
    envReadDirectories: new Set(reads.map((r) => dirname(r.path))).size,
  };
}

type GoFileEvidence = Omit<Evidence, keyof CodemodEvidence | keyof RepositoryEvidence | 'tests'>;

function fromGoFiles(module: GoModule, paths: readonly string[], parser: GoParser): GoFileEvidence {
  const e: GoFileEvidence = {
    packages: 0,
    packagesWithTests: 0,
    testFiles: 0,
    tableDrivenTestFiles: 0,
    goLines: 0,
    mainPackages: [],
    mainPackagesAmongLibraries: 0,
    kind: 'library',
    libraryPrints: 0,
    hasInternal: false,
    wrappedErrorf: 0,
    sentinelErrors: 0,
    goStatements: 0,
    goroutinesWithoutStopPath: 0,
    contextFunctions: 0,
    contextsDropped: 0,
    structuredLogging: [],
    metrics: [],
    tracing: [],
    exportedNames: 0,
    undocumentedExportedNames: 0,
  };
  const packages = new Map<string, PackageFacts>();
  const imported = new Set<string>();
  for (const path of paths) {
    const text = readFileSync(path, 'utf8');
    const dir = relative(module.dir, dirname(path)).split(sep).join('/') || '.';
    const pkg = packages.get(dir) ?? { tested: false, main: false, code: false, listens: false, prints: 0 };
    packages.set(dir, pkg);
    if (dir === 'internal' || dir.startsWith('internal/') || dir.includes('/internal/') || dir.endsWith('/internal')) e.hasInternal = true;
    if (path.endsWith('_test.go')) {
      pkg.tested = true;
      e.testFiles++;
      if (/\[\]struct\s*\{/.test(text) && /\bt\.Run\(/.test(text)) e.tableDrivenTestFiles++;
      continue;
    }
    pkg.code = true;
    const main = /^package main\b/m.test(text);
    if (main) pkg.main = true;
    const imports = importPaths(text);
    for (const path of imports) imported.add(path);
    if (GENERATED.test(text)) continue;
    if (LISTENS.test(text) || (main && imports.some((i) => SERVER_FRAMEWORKS.some((f) => i === f || i.startsWith(`${f}/`)))))
      pkg.listens = true;
    pkg.prints += count(text, LIBRARY_PRINTS);
    countCode(text, parser, e);
  }
  countPackages(packages, e);
  const using = (prefixes: readonly string[]) => prefixes.filter((p) => [...imported].some((i) => i === p || i.startsWith(`${p}/`)));
  e.structuredLogging = using(LOGGING);
  e.metrics = using(METRICS);
  e.tracing = using(TRACING);
  return e;
}

/** What the files of one package directory show. */
interface PackageFacts {
  tested: boolean;
  main: boolean;
  code: boolean;
  listens: boolean;
  prints: number;
}

/** The counts of one (non-test, non-generated) file's code: lines, errors, goroutines, contexts, exported names. */
function countCode(text: string, parser: GoParser, e: GoFileEvidence): void {
  const lines = text.split('\n');
  e.goLines += lines.length;
  e.wrappedErrorf += count(text, /fmt\.Errorf\([^\n]*%w/g);
  e.sentinelErrors += count(text, /^\s*(var\s+)?Err\w*\s*=\s*errors\.New\(/gm);
  if (/^\s*go\s/m.test(text)) {
    const parsed = parser.parse(text);
    const goroutines = countGoroutines(parsed.root);
    parsed.dispose();
    e.goStatements += goroutines.goStatements;
    e.goroutinesWithoutStopPath += goroutines.withoutStopPath;
  }
  let takesContext = false; // the function being read has a context.Context parameter
  lines.forEach((line, i) => {
    if (line.startsWith('func ')) {
      takesContext = /context\.Context\b/.test(line);
      if (takesContext) e.contextFunctions++;
    } else if (line.startsWith('}')) takesContext = false;
    if (takesContext) e.contextsDropped += count(line, /\bcontext\.(Background|TODO)\(\)/g);
    if (!/^(func (\([^)]*\) )?|type )[A-Z]/.test(line)) return;
    e.exportedNames++;
    if (!lines[i - 1]?.startsWith('//')) e.undocumentedExportedNames++;
  });
}

/** Packages, tested ones, main packages (where they stand) and whether the module is a service. */
function countPackages(packages: ReadonlyMap<string, PackageFacts>, e: GoFileEvidence): void {
  const listens = [...packages.values()].some((p) => p.listens);
  for (const [dir, pkg] of packages) {
    if (!pkg.code) continue;
    e.packages++;
    if (pkg.tested) e.packagesWithTests++;
    if (!pkg.main) {
      e.libraryPrints += pkg.prints;
      continue;
    }
    e.mainPackages.push(dir);
    const segments = dir.split('/');
    const parent = packages.get(segments.slice(0, -1).join('/') || '.');
    if (dir !== '.' && parent?.code && !parent.main && !segments.some((segment) => MAIN_PACKAGE_HOMES.has(segment)))
      e.mainPackagesAmongLibraries++;
    if (listens && !segments.some((segment) => AUXILIARY_HOMES.has(segment))) e.kind = 'service';
  }
  e.mainPackages.sort();
}

type RepositoryEvidence = Pick<
  Evidence,
  'ciFiles' | 'ciRunsTests' | 'ciRunsRace' | 'ciRunsLint' | 'golangciConfig' | 'readme' | 'adrDirectory'
>;

/** The CI and documentation files of the repository (and of the module directory, when it is not the root). */
function fromRepository(root: string, moduleDir: string): RepositoryEvidence {
  const ci = [...filesIn(root, '.github/workflows', /\.ya?ml$/), ...CI_FILES.filter((f) => existsSync(join(root, f)))];
  // Build files a pipeline calls: where `go test -race` and the linter are often spelled out.
  const build = [
    ...filesIn(root, '.', /^(Makefile|GNUmakefile|.*\.mk|Taskfile\.ya?ml|magefile\.go)$/),
    ...filesIn(root, 'scripts', /\.sh$/),
    ...filesIn(root, 'hack', /\.sh$/),
  ];
  const text = [...ci, ...build].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
  const golangci = [root, moduleDir].some((d) =>
    ['.golangci.yml', '.golangci.yaml', '.golangci.toml', '.golangci.json'].some((f) => existsSync(join(d, f))),
  );
  return {
    ciFiles: [...ci, ...build],
    ciRunsTests: ci.length > 0 && /go test|gotestsum|go-test|make test|test:/.test(text),
    ciRunsRace: /(^|\s|["'])--?race\b(?!=false)/m.test(text),
    ciRunsLint: golangci || /golangci-lint|staticcheck|go vet/.test(text),
    golangciConfig: golangci,
    readme: [root, moduleDir].some((d) => filesIn(d, '.', /^readme(\.\w+)?$/i).length > 0),
    adrDirectory: ADR_DIRECTORIES.find((d) => existsSync(join(root, d))),
  };
}

/** Files directly in `root/dir` whose names match, as paths relative to root. */
function filesIn(root: string, dir: string, name: RegExp): string[] {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((e) => e.isFile() && name.test(e.name))
      .map((e) => (dir === '.' ? e.name : `${dir}/${e.name}`))
      .sort();
  } catch {
    return [];
  }
}

/** The nearest directory at or above `dir` with a .git; without one, the widest checked path that holds the module. */
function repositoryRootOf(dir: string, checked: readonly string[]): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) break;
  }
  return checked.filter((c) => dir === c || dir.startsWith(c + sep)).sort((a, b) => a.length - b.length)[0] ?? dir;
}

/** The paths a file imports, from its `import "x"` lines and `import ( … )` blocks. */
function importPaths(text: string): string[] {
  const paths: string[] = [];
  for (const m of text.matchAll(/^import\s*(?:\(([^)]*)\)|[\w.]*\s*("[^"]+"))/gm)) {
    for (const p of (m[1] ?? m[2]!).matchAll(/"([^"]+)"/g)) paths.push(p[1]!);
  }
  return paths;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
