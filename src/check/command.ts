// `goprod check`: the production-readiness score of each module, as text, JSON, Markdown or the
// report card (HTML), and as a badge.
import { basename, resolve } from 'node:path';
import { anyOf, arrayOf, boolean, type Check, number, object, oneOf, recordOf, string } from '../checked-json.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import type { OptionsByCodemod } from '../engine/codemod.js';
import type { GoModule } from '../go/module.js';
import { displayPath, formatWarning } from '../output/text.js';
import type { FileOptions } from '../engine/run.js';
import { NotWritable, writeSourceAtomic } from '../engine/source.js';
import { badgeSvg } from './badge.js';
import { gatherEvidence, type CodemodFindings, type ModuleEvidence } from './evidence.js';
import { fleetSummary, FLEET_JSON_VERSION, type CheckRecord, type FleetReport } from './fleet.js';
import { reportCard } from './page.js';
import { band, scoreSignals, type Signal } from './signals.js';

export const CHECK_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** The JSON document's shape; `version` changes when a field changes meaning or goes away. */
export const CHECK_JSON_VERSION = 2;
export const MAX_SCORE = 16;

export interface ModuleScore {
  /** The module path from go.mod. */
  module: string;
  /** Its directory, relative to the working directory. */
  dir: string;
  /** Lines of non-test, non-generated Go: the module's weight in the repository's score. */
  goLines: number;
  total: number;
  max: number;
  band: string;
  signals: Signal[];
  /** Per codemod with findings: findings and the fixes they carry, before verification (what `goprod fix` would propose). */
  codemods: Record<string, CodemodFindings>;
}

export function scoreModule({ module, evidence, codemods }: ModuleEvidence, cwd: string): ModuleScore {
  const signals = scoreSignals(evidence);
  const total = signals.reduce((n, s) => n + s.score, 0);
  return {
    module: module.path,
    dir: displayPath(module.dir, cwd),
    goLines: evidence.goLines,
    total,
    max: MAX_SCORE,
    band: band(total),
    signals,
    codemods,
  };
}

export interface CheckOptions extends FileOptions {
  format: CheckFormat;
  minScore?: number;
  /** Run each module's tests (`go test -race -cover ./...`) to measure coverage and races. */
  runTests?: boolean;
  /** With runTests: download the modules' dependencies first (go mod download). */
  download?: boolean;
  codemodOptions?: OptionsByCodemod;
  /** Worker threads for the codemods' scan (default: as goprod fix). */
  threads?: number;
  /** Also write the repository's score and band as an SVG badge to this file. */
  badge?: string;
}

/** Runs the check; exit code 1 when a module scores below `minScore`. */
export async function checkCommand(paths: readonly string[], opts: CheckOptions, io: Io): Promise<number> {
  const startedAt = new Date();
  const onTests = (m: GoModule) =>
    io.stderr(`goprod: running the tests of ${m.path || displayPath(m.dir, io.cwd)} (go test -race -cover ./...)\n`);
  const { modules, warnings } = await gatherEvidence(paths, io.cwd, { ...opts, onTests });
  if (modules.length === 0) throw new UsageError('no Go module found (no go.mod above the Go files under the given paths)');
  const scores = modules.map((m) => scoreModule(m, io.cwd));
  const testsRun = opts.runTests ?? false;
  for (const w of warnings) io.stderr(`${formatWarning(w, io.cwd)}\n`);
  const doc = checkJson(scores, testsRun);
  if (opts.badge !== undefined) writeBadge(opts.badge, doc, io);
  const root = modules[0]!.repositoryRoot;
  const record: CheckRecord = {
    kind: 'check',
    id: root,
    name: basename(root),
    status: 'checked',
    check: doc,
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
  };
  const outputs: Record<CheckFormat, () => string> = {
    json: () => `${JSON.stringify(doc, null, 2)}\n`,
    markdown: () => markdown(scores),
    text: () => text(scores, testsRun),
    html: () => reportCard(repositoryReport(record, new Date().toISOString()), { single: true }),
  };
  io.stdout(outputs[opts.format]());
  io.stderr(`${summary(scores)}\n`);
  return opts.minScore !== undefined && scores.some((s) => s.total < opts.minScore!) ? 1 : 0;
}

/** One repository's check as a report of one: what --format=html draws, the fleet's page. */
function repositoryReport(record: CheckRecord, finishedAt: string): FleetReport {
  const records = [record];
  return {
    kind: 'check',
    version: FLEET_JSON_VERSION,
    measured: record.check!.measured,
    startedAt: record.startedAt,
    finishedAt,
    summary: fleetSummary(records, { fleet: false }),
    repositories: records,
  };
}

/** --badge: the repository's score and band (the lines-weighted score with several modules). */
function writeBadge(path: string, doc: CheckDocument, io: Io): void {
  const target = resolve(io.cwd, path);
  try {
    writeSourceAtomic(target, badgeSvg(doc.overall.total, doc.overall.max, doc.overall.band));
  } catch (e) {
    throw new UsageError(
      `cannot write the badge ${displayPath(target, io.cwd)}: ` +
        `${e instanceof NotWritable ? 'it is read-only' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)}`,
    );
  }
}

/** The JSON document of `goprod check --format=json` (the README documents it). */
export interface CheckDocument {
  version: typeof CHECK_JSON_VERSION;
  measured: string;
  overall: { total: number; max: number; band: string };
  modules: ModuleScore[];
}

const signal: Check<Signal> = object({
  id: oneOf('structure', 'errors', 'concurrency', 'testing', 'observability', 'configuration', 'ci', 'documentation'),
  name: string,
  score: oneOf(0, 1, 2),
  evidence: recordOf(anyOf<number | boolean | string | string[]>(number, boolean, string, arrayOf(string))),
  summary: string,
  fix: string,
});

const moduleScore: Check<ModuleScore> = object({
  module: string,
  dir: string,
  goLines: number,
  total: number,
  max: number,
  band: string,
  signals: arrayOf(signal),
  codemods: recordOf(object({ findings: number, fixes: number })),
});

/** What a reader of the JSON document (a check over many repositories) checks it against. */
export const checkDocument: Check<CheckDocument> = object({
  version: oneOf(CHECK_JSON_VERSION),
  measured: string,
  overall: object({ total: number, max: number, band: string }),
  modules: arrayOf(moduleScore),
});

export function checkJson(scores: readonly ModuleScore[], testsRun: boolean): CheckDocument {
  const overall = overallScore(scores);
  return {
    version: CHECK_JSON_VERSION,
    measured: measuredBy(testsRun),
    overall: { total: overall, max: MAX_SCORE, band: band(overall) },
    modules: [...scores],
  };
}

/** How the scores were measured, in words. */
export function measuredBy(testsRun: boolean): string {
  return testsRun ? 'from the repository and its tests (go test -race -cover)' : 'from the repository (tests not run)';
}

/** The repository's score: the modules' totals weighted by their lines of Go, rounded. */
export function overallScore(scores: readonly ModuleScore[]): number {
  const lines = scores.reduce((n, s) => n + s.goLines, 0);
  if (lines === 0) return Math.min(...scores.map((s) => s.total));
  return Math.round(scores.reduce((n, s) => n + s.total * s.goLines, 0) / lines);
}

/** One line, usable as a badge: the score, or with several modules the weighted score and the lowest. */
export function summary(scores: readonly ModuleScore[]): string {
  if (scores.length === 1) return `goprod check: ${scores[0]!.total}/${MAX_SCORE} ${scores[0]!.band}`;
  const lowest = scores.reduce((a, b) => (b.total < a.total ? b : a));
  const overall = overallScore(scores);
  return (
    `goprod check: ${overall}/${MAX_SCORE} ${band(overall)} over ${scores.length} modules (weighted by lines of Go), lowest ` +
    `${lowest.total}/${MAX_SCORE} ${lowest.band} (${lowest.module || lowest.dir})`
  );
}

function text(scores: readonly ModuleScore[], testsRun: boolean): string {
  const width = Math.max(...scores[0]!.signals.map((s) => s.name.length));
  return (
    scores
      .map((m) => {
        const lines = [`${m.module || '(no module path)'} (${m.dir}): ${m.total}/${m.max} ${m.band}`];
        for (const s of m.signals) {
          lines.push(`  ${s.name.padEnd(width)}  ${s.score}/2  ${s.summary}`);
          if (s.score < 2) lines.push(`  ${''.padEnd(width)}       fix: ${s.fix}`);
        }
        return `${lines.join('\n')}\n`;
      })
      .join('\n') +
    (testsRun
      ? ''
      : '\nScored from what the repository shows: tests are not run (coverage and race cleanliness unmeasured; --run-tests measures ' +
        'them).\n')
  );
}

function markdown(scores: readonly ModuleScore[]): string {
  return scores
    .map((m) => {
      const rows = m.signals.map((s) => `| ${s.name} | ${s.score}/2 | ${s.summary} | ${s.score < 2 ? fixCell(s.fix) : ''} |`);
      return [
        `### ${m.module || m.dir}: ${m.total}/${m.max} ${m.band}`,
        '',
        '| Signal | Score | Evidence | Fix |',
        '|---|---|---|---|',
        ...rows,
        '',
      ].join('\n');
    })
    .join('\n');
}

/** The fix, its goprod command as code. */
function fixCell(fix: string): string {
  return fix.replace(/goprod fix --codemod=[\w,-]+/, (command) => `\`${command}\``);
}
