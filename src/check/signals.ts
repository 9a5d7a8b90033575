// The eight signals of the production-readiness score, each 0 (missing), 1 (partial) or 2
// (solid) from a module's evidence. Every threshold is in THRESHOLDS (the README's table
// says the same), so a score can be recomputed by hand from the evidence it prints.
import type { Evidence } from './evidence.js';

export const THRESHOLDS = {
  /** Structure: a module with at most this many packages needs no internal/. */
  smallModulePackages: 3,
  /** Structure: share of main packages allowed among library packages (generators, one-off tools). */
  mainPackagesAmongLibrariesShare: 0.2,
  /** Errors: share of error-formatting fmt.Errorf calls that use %w, for 2 and for 1. */
  wrappedShareSolid: 0.9,
  wrappedSharePartial: 0.5,
  /** Errors: dropped Close errors on written files tolerated per 10,000 lines, for 2. */
  closeDropsPer10kLines: 1,
  /** Concurrency: context.Background()/TODO() per function that receives a context, for 2 and for 1. */
  droppedContextsSolid: 0.02,
  droppedContextsPartial: 0.1,
  /** Testing: share of packages with a _test.go file, for 2 and for 1. */
  testedShareSolid: 0.7,
  testedSharePartial: 0.3,
  /** Concurrency: share of go statements whose goroutine shows no stop path, for 2 and for 1. */
  unstoppableGoroutinesSolid: 0.02,
  unstoppableGoroutinesPartial: 0.1,
  /** Configuration: share of packages that read the environment, for 2 and for 1; a small module may read it in this many. */
  envPackagesSolid: 0.05,
  envPackagesPartial: 0.15,
  envPackagesSolidFloor: 2,
  envPackagesPartialFloor: 3,
  /** Observability of a library: log and print calls outside main packages per 10,000 lines, for 2 and for 1. */
  libraryPrintsSolid: 1,
  libraryPrintsPartial: 10,
  /** Testing with --run-tests: statement coverage, for 2 and for 1. */
  coverageSolid: 0.8,
  coveragePartial: 0.4,
  /** Documentation: share of exported names with a doc comment, for 2 and for 1. */
  documentedShareSolid: 0.8,
  documentedSharePartial: 0.5,
} as const;

export type Score = 0 | 1 | 2;

export interface Signal {
  id: 'structure' | 'errors' | 'concurrency' | 'testing' | 'observability' | 'configuration' | 'ci' | 'documentation';
  name: string;
  score: Score;
  /** The counts that decided the score. */
  evidence: Record<string, number | boolean | string | string[]>;
  /** The evidence in one line. */
  summary: string;
  /** What closes the gap: a goprod command where a codemod exists, else the guide's advice. */
  fix: string;
}

export const BANDS = [
  { min: 15, name: 'exemplary' },
  { min: 11, name: 'solid' },
  { min: 7, name: 'needs work' },
  { min: 0, name: 'critical gaps' },
] as const;

export function band(total: number): string {
  return BANDS.find((b) => total >= b.min)!.name;
}

const T = THRESHOLDS;

/** 2, 1 or 0 as `value` reaches the solid or partial threshold (at least, or with `atMost`, at most). */
function grade(value: number, solid: number, partial: number, atMost = false): Score {
  const reaches = (t: number) => (atMost ? value <= t : value >= t);
  return reaches(solid) ? 2 : reaches(partial) ? 1 : 0;
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

export function scoreSignals(e: Evidence): Signal[] {
  return [structure(e), errors(e), concurrency(e), testing(e), observability(e), configuration(e), ci(e), documentation(e)];
}

function structure(e: Evidence): Signal {
  const mainsPlaced = e.mainPackagesAmongLibraries <= T.mainPackagesAmongLibrariesShare * e.mainPackages.length;
  const bounded = e.hasInternal || e.packages <= T.smallModulePackages;
  return {
    id: 'structure',
    name: 'Project structure',
    score: ((mainsPlaced ? 1 : 0) + (bounded ? 1 : 0)) as Score,
    evidence: {
      packages: e.packages,
      mainPackages: e.mainPackages.length,
      mainPackagesAmongLibraries: e.mainPackagesAmongLibraries,
      internal: e.hasInternal,
    },
    summary:
      `${e.packages} packages; ${e.mainPackages.length} main packages, ${e.mainPackagesAmongLibraries} among library packages ` +
      `(not under cmd/); internal/ ${e.hasInternal ? 'used' : 'not used'}`,
    fix: 'put main packages under cmd/NAME and packages other modules must not import under internal/',
  };
}

function errors(e: Evidence): Signal {
  const formatting = e.wrappedErrorf + e.unwrappedErrorf;
  const share = formatting === 0 ? undefined : e.wrappedErrorf / formatting;
  const closeLimit = (T.closeDropsPer10kLines * e.goLines) / 10_000;
  let score: Score = share === undefined ? (e.sentinelErrors > 0 ? 2 : 1) : grade(share, T.wrappedShareSolid, T.wrappedSharePartial);
  if (score === 2 && e.droppedCloseErrorsOnWrites > closeLimit) score = 1;
  return {
    id: 'errors',
    name: 'Error handling',
    score,
    evidence: {
      errorfWrapping: e.wrappedErrorf,
      errorfNotWrapping: e.unwrappedErrorf,
      sentinelErrors: e.sentinelErrors,
      directErrorChecks: e.directErrorChecks,
      droppedCloseErrors: e.droppedCloseErrors,
      droppedCloseErrorsOnWrites: e.droppedCloseErrorsOnWrites,
      droppedErrors: e.droppedErrors,
    },
    summary:
      `${e.unwrappedErrorf} of ${formatting} fmt.Errorf calls formatting an error lack %w` +
      (share === undefined ? '' : ` (${percent(share)} wrap)`) +
      `; ${e.sentinelErrors} sentinel errors; ${e.directErrorChecks} == comparisons or type assertions a wrapped error defeats; ` +
      `${e.droppedCloseErrors} dropped Close errors, ${e.droppedCloseErrorsOnWrites} on written files; ` +
      `${e.droppedErrors} errors dropped by calls of the package's own functions`,
    fix: 'goprod fix --codemod=wrap-errors,errors-is,errors-as,close-errors,check-errors',
  };
}

/** `goprod fix --codemod=a,b; ` for the codemods named (none: nothing). */
function codemodsFor(names: ReadonlyArray<string | false>): string {
  const some = names.filter((n): n is string => n !== false);
  return some.length === 0 ? '' : `goprod fix --codemod=${some.join(',')}; `;
}

function concurrency(e: Evidence): Signal {
  const dropped = e.contextFunctions === 0 ? 0 : e.contextsDropped / e.contextFunctions;
  const unstoppable = e.goStatements === 0 ? 0 : e.goroutinesWithoutStopPath / e.goStatements;
  let score = Math.min(
    grade(dropped, T.droppedContextsSolid, T.droppedContextsPartial, true),
    grade(unstoppable, T.unstoppableGoroutinesSolid, T.unstoppableGoroutinesPartial, true),
  ) as Score;
  if (score === 2 && e.sharedLoopVariables > 0) score = 1;
  return {
    id: 'concurrency',
    name: 'Concurrency safety',
    score,
    evidence: {
      goStatements: e.goStatements,
      goroutinesWithoutStopPath: e.goroutinesWithoutStopPath,
      contextFunctions: e.contextFunctions,
      contextsDropped: e.contextsDropped,
      contextsPassedDown: e.contextsPassedDown,
      sharedLoopVariables: e.sharedLoopVariables,
    },
    summary:
      `${e.goroutinesWithoutStopPath} of ${e.goStatements} go statements run an endless loop with no way out ` +
      `(${percent(unstoppable)}); ${e.contextsDropped} context.Background/TODO in ${e.contextFunctions} functions that receive a ctx, ` +
      `${e.contextsPassedDown} passed down to a call; ` +
      `${e.sharedLoopVariables} loops sharing their variables with closures (before Go 1.22)`,
    fix:
      codemodsFor([e.sharedLoopVariables > 0 && 'loopvar', e.contextsPassedDown > 0 && 'ctx-propagate']) +
      `pass the ctx received down instead of context.Background(); give every goroutine a way to stop (ctx, errgroup)`,
  };
}

/**
 * With --run-tests, statement coverage decides, and a race or a failing package caps the
 * score at 1. Without, the share of packages that have tests stands in for coverage.
 */
function testing(e: Evidence): Signal {
  const share = e.packages === 0 ? 0 : e.packagesWithTests / e.packages;
  const t = e.tests?.problem === undefined ? e.tests : undefined;
  let score = t ? grade(t.coverage, T.coverageSolid, T.coveragePartial) : grade(share, T.testedShareSolid, T.testedSharePartial);
  if (score === 2 && (e.tableDrivenTestFiles === 0 || (t && (t.races > 0 || t.failedPackages.length > 0)))) score = 1;
  const measured = t
    ? `coverage ${(t.coverage * 100).toFixed(1)} % of ${t.statements} statements` +
      `${t.failedPackages.length > 0 ? ' (a failing package may be left out)' : ''}; ` +
      `${t.raceDetector ? `${t.races} data races` : 'race detector unavailable (needs cgo)'}; ${t.failedPackages.length} packages failing` +
      `${t.failedPackages.length > 0 ? ` (${t.failedPackages.slice(0, 3).join(', ')}${t.failedPackages.length > 3 ? ', …' : ''})` : ''}`
    : e.tests?.problem !== undefined
      ? `coverage and races not measured: the tests did not run (${e.tests.problem})`
      : 'coverage and races not measured (--run-tests measures them)';
  return {
    id: 'testing',
    name: 'Testing',
    score,
    evidence: {
      packages: e.packages,
      packagesWithTests: e.packagesWithTests,
      testFiles: e.testFiles,
      tableDrivenTestFiles: e.tableDrivenTestFiles,
      raceInCi: e.ciRunsRace,
      ...(t && {
        coverage: Math.round(t.coverage * 1000) / 1000,
        statements: t.statements,
        races: t.races,
        raceDetector: t.raceDetector,
        failedPackages: t.failedPackages,
      }),
      ...(e.tests?.problem !== undefined && { testsNotRun: e.tests.problem }),
    },
    summary:
      `${e.packagesWithTests} of ${e.packages} packages have tests (${percent(share)}); ${e.testFiles} test files, ` +
      `${e.tableDrivenTestFiles} table-driven; -race ${e.ciRunsRace ? '' : 'not '}in CI; ${measured}`,
    fix: 'add table-driven tests (a t.Run per case) to untested packages; run go test -race -cover in CI',
  };
}

/**
 * A service (it listens) must tell its operators what it does: structured logs, and metrics
 * or traces. A library (CLIs included) must leave that to its users: no log or print calls of
 * its own outside main packages, unless through a structured, pluggable logger.
 */
function observability(e: Evidence): Signal {
  const logging = e.structuredLogging.length > 0;
  const libraries = `structured logging: ${list(e.structuredLogging)}; metrics: ${list(e.metrics)}; tracing: ${list(e.tracing)}`;
  if (e.kind === 'library') {
    const per10k = e.goLines === 0 ? 0 : (e.libraryPrints * 10_000) / e.goLines;
    return {
      id: 'observability',
      name: 'Observability',
      score: logging ? 2 : grade(per10k, T.libraryPrintsSolid, T.libraryPrintsPartial, true),
      evidence: {
        kind: e.kind,
        libraryPrints: e.libraryPrints,
        goLines: e.goLines,
        structuredLogging: e.structuredLogging,
        metrics: e.metrics,
        tracing: e.tracing,
      },
      summary:
        `a library (no main package that listens): ${e.libraryPrints} log/fmt.Print calls outside main packages ` +
        `(${per10k.toFixed(1)} per 10k lines); ${libraries}`,
      fix: 'return errors instead of logging them; where a library must log, take a *slog.Logger (or logr.Logger) from the caller',
    };
  }
  const telemetry = e.metrics.length + e.tracing.length > 0;
  return {
    id: 'observability',
    name: 'Observability',
    score: ((logging ? 1 : 0) + (telemetry ? 1 : 0)) as Score,
    evidence: { kind: e.kind, structuredLogging: e.structuredLogging, metrics: e.metrics, tracing: e.tracing },
    summary: `a service (a main package, and the module listens); ${libraries}`,
    fix: 'log with log/slog (or zap, zerolog); expose metrics and traces (Prometheus client, OpenTelemetry)',
  };
}

function configuration(e: Evidence): Signal {
  const share = e.packages === 0 ? 0 : e.envReadDirectories / e.packages;
  return {
    id: 'configuration',
    name: 'Configuration',
    score: grade(
      e.envReadDirectories,
      Math.max(T.envPackagesSolidFloor, T.envPackagesSolid * e.packages),
      Math.max(T.envPackagesPartialFloor, T.envPackagesPartial * e.packages),
      true,
    ),
    evidence: { envReads: e.envReads, envReadDirectories: e.envReadDirectories, packages: e.packages },
    summary: `${e.envReads} os.Getenv/LookupEnv reads in ${e.envReadDirectories} of ${e.packages} packages (${percent(share)})`,
    fix: 'goprod fix --codemod=env-config',
  };
}

function ci(e: Evidence): Signal {
  const pipeline = e.ciFiles.some((f) => !/^(Makefile|GNUmakefile|.*\.mk|Taskfile\.ya?ml|magefile\.go|scripts\/.*|hack\/.*)$/.test(f));
  const score: Score = !pipeline ? 0 : e.ciRunsTests && e.ciRunsRace && e.ciRunsLint ? 2 : 1;
  return {
    id: 'ci',
    name: 'CI/CD',
    score,
    evidence: {
      files: e.ciFiles,
      pipeline,
      tests: e.ciRunsTests,
      race: e.ciRunsRace,
      lint: e.ciRunsLint,
      golangciConfig: e.golangciConfig,
    },
    summary:
      `${pipeline ? `pipeline (${e.ciFiles.length} CI and build files)` : 'no pipeline'}; ` +
      `tests ${yes(e.ciRunsTests)}, -race ${yes(e.ciRunsRace)}, lint ${yes(e.ciRunsLint)}${e.golangciConfig ? ' (golangci config)' : ''}`,
    fix: 'a pipeline (.github/workflows) that runs golangci-lint, go test -race ./... and go build',
  };
}

function documentation(e: Evidence): Signal {
  const documented = e.exportedNames === 0 ? 1 : 1 - e.undocumentedExportedNames / e.exportedNames;
  const score: Score =
    e.readme && documented >= T.documentedShareSolid
      ? 2
      : e.readme || (e.exportedNames > 0 && documented >= T.documentedSharePartial)
        ? 1
        : 0;
  return {
    id: 'documentation',
    name: 'Documentation',
    score,
    evidence: {
      readme: e.readme,
      exportedNames: e.exportedNames,
      undocumentedExportedNames: e.undocumentedExportedNames,
      adrDirectory: e.adrDirectory ?? '',
    },
    summary:
      `README ${yes(e.readme)}; ${e.undocumentedExportedNames} of ${e.exportedNames} exported funcs and types lack a doc comment ` +
      `(${percent(documented)} documented, by text); ADRs: ${e.adrDirectory ?? 'none'}`,
    fix: 'a README, a // doc comment on every exported name, decisions in docs/adr',
  };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function yes(b: boolean): string {
  return b ? 'yes' : 'no';
}
