// The eight signals of the production-readiness score, each 0 (missing), 1 (partial) or 2
// (solid) from a module's evidence. Every threshold is in THRESHOLDS (the README's table
// says the same), so a score can be recomputed by hand from the evidence it prints.
import type { Evidence } from './evidence.js';

export const THRESHOLDS = {
  /** Structure: a module with at most this many packages needs no internal/. */
  smallModulePackages: 3,
  /** Structure: share of main packages allowed outside cmd/ (generators, one-off tools). */
  mainPackagesOutsideCmdShare: 0.2,
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
  /** Configuration: directories with os.Getenv reads, for 2 and for 1. */
  envDirectoriesSolid: 1,
  envDirectoriesPartial: 3,
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
  const mainsPlaced = e.mainPackagesOutsideCmd <= T.mainPackagesOutsideCmdShare * e.mainPackages.length;
  const bounded = e.hasInternal || e.packages <= T.smallModulePackages;
  return {
    id: 'structure',
    name: 'Project structure',
    score: ((mainsPlaced ? 1 : 0) + (bounded ? 1 : 0)) as Score,
    evidence: { packages: e.packages, mainPackages: e.mainPackages.length, mainPackagesOutsideCmd: e.mainPackagesOutsideCmd, internal: e.hasInternal },
    summary: `${e.packages} packages; ${e.mainPackages.length} main packages, ${e.mainPackagesOutsideCmd} outside cmd/; internal/ ${e.hasInternal ? 'used' : 'not used'}`,
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
    evidence: { errorfWrapping: e.wrappedErrorf, errorfNotWrapping: e.unwrappedErrorf, sentinelErrors: e.sentinelErrors, droppedCloseErrors: e.droppedCloseErrors, droppedCloseErrorsOnWrites: e.droppedCloseErrorsOnWrites },
    summary:
      `${e.unwrappedErrorf} of ${formatting} fmt.Errorf calls formatting an error lack %w` +
      (share === undefined ? '' : ` (${percent(share)} wrap)`) +
      `; ${e.sentinelErrors} sentinel errors; ${e.droppedCloseErrors} dropped Close errors, ${e.droppedCloseErrorsOnWrites} on written files`,
    fix: 'goprod fix --codemod=wrap-errors,close-errors',
  };
}

function concurrency(e: Evidence): Signal {
  const dropped = e.contextFunctions === 0 ? 0 : e.contextsDropped / e.contextFunctions;
  // Goroutines with no context anywhere in the module have no visible way to be stopped.
  let score: Score = e.goStatements > 0 && e.contextFunctions === 0 ? 0 : grade(dropped, T.droppedContextsSolid, T.droppedContextsPartial, true);
  if (score === 2 && e.sharedLoopVariables > 0) score = 1;
  return {
    id: 'concurrency',
    name: 'Concurrency safety',
    score,
    evidence: { goStatements: e.goStatements, contextFunctions: e.contextFunctions, contextsDropped: e.contextsDropped, sharedLoopVariables: e.sharedLoopVariables },
    summary: `${e.goStatements} go statements; ${e.contextsDropped} context.Background/TODO in ${e.contextFunctions} functions that receive a ctx; ${e.sharedLoopVariables} loops sharing their variables with closures (before Go 1.22)`,
    fix: `${e.sharedLoopVariables > 0 ? 'goprod fix --codemod=loopvar; ' : ''}pass the ctx received down instead of context.Background(); give every goroutine a way to stop (ctx, errgroup)`,
  };
}

function testing(e: Evidence): Signal {
  const share = e.packages === 0 ? 0 : e.packagesWithTests / e.packages;
  let score = grade(share, T.testedShareSolid, T.testedSharePartial);
  if (score === 2 && e.tableDrivenTestFiles === 0) score = 1;
  return {
    id: 'testing',
    name: 'Testing',
    score,
    evidence: { packages: e.packages, packagesWithTests: e.packagesWithTests, testFiles: e.testFiles, tableDrivenTestFiles: e.tableDrivenTestFiles, raceInCi: e.ciRunsRace },
    summary: `${e.packagesWithTests} of ${e.packages} packages have tests (${percent(share)}); ${e.testFiles} test files, ${e.tableDrivenTestFiles} table-driven; -race ${e.ciRunsRace ? '' : 'not '}in CI; coverage not measured`,
    fix: 'add table-driven tests (a t.Run per case) to untested packages; run go test -race -cover in CI',
  };
}

function observability(e: Evidence): Signal {
  const logging = e.structuredLogging.length > 0;
  const telemetry = e.metrics.length + e.tracing.length > 0;
  return {
    id: 'observability',
    name: 'Observability',
    score: ((logging ? 1 : 0) + (telemetry ? 1 : 0)) as Score,
    evidence: { structuredLogging: e.structuredLogging, metrics: e.metrics, tracing: e.tracing },
    summary: `structured logging: ${list(e.structuredLogging)}; metrics: ${list(e.metrics)}; tracing: ${list(e.tracing)}`,
    fix: 'log with log/slog (or zap, zerolog); expose metrics and traces (Prometheus client, OpenTelemetry)',
  };
}

function configuration(e: Evidence): Signal {
  return {
    id: 'configuration',
    name: 'Configuration',
    score: grade(e.envReadDirectories, T.envDirectoriesSolid, T.envDirectoriesPartial, true),
    evidence: { envReads: e.envReads, envReadDirectories: e.envReadDirectories },
    summary: `${e.envReads} os.Getenv/LookupEnv reads in ${e.envReadDirectories} directories`,
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
    evidence: { files: e.ciFiles, pipeline, tests: e.ciRunsTests, race: e.ciRunsRace, lint: e.ciRunsLint, golangciConfig: e.golangciConfig },
    summary: `${pipeline ? `pipeline (${e.ciFiles.length} CI and build files)` : 'no pipeline'}; tests ${yes(e.ciRunsTests)}, -race ${yes(e.ciRunsRace)}, lint ${yes(e.ciRunsLint)}${e.golangciConfig ? ' (golangci config)' : ''}`,
    fix: 'a pipeline (.github/workflows) that runs golangci-lint, go test -race ./... and go build',
  };
}

function documentation(e: Evidence): Signal {
  const documented = e.exportedNames === 0 ? 1 : 1 - e.undocumentedExportedNames / e.exportedNames;
  const score: Score = e.readme && documented >= T.documentedShareSolid ? 2 : e.readme || (e.exportedNames > 0 && documented >= T.documentedSharePartial) ? 1 : 0;
  return {
    id: 'documentation',
    name: 'Documentation',
    score,
    evidence: { readme: e.readme, exportedNames: e.exportedNames, undocumentedExportedNames: e.undocumentedExportedNames, adrDirectory: e.adrDirectory ?? '' },
    summary: `README ${yes(e.readme)}; ${e.undocumentedExportedNames} of ${e.exportedNames} exported funcs and types lack a doc comment (${percent(documented)} documented, by text); ADRs: ${e.adrDirectory ?? 'none'}`,
    fix: 'a README, a // doc comment on every exported name, decisions in docs/adr',
  };
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function yes(b: boolean): string {
  return b ? 'yes' : 'no';
}
