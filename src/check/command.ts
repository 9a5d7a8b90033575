// `goprod check`: the production-readiness score of each module, as text, JSON or Markdown.
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import type { CodemodOptions } from '../codemod.js';
import type { GoModule } from '../go/module.js';
import { displayPath, formatWarning } from '../report.js';
import type { FileOptions } from '../runner.js';
import { gatherEvidence, type ModuleEvidence } from './evidence.js';
import { band, scoreSignals, type Signal } from './signals.js';

export type CheckFormat = 'text' | 'json' | 'markdown';

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
}

export function scoreModule({ module, evidence }: ModuleEvidence, cwd: string): ModuleScore {
  const signals = scoreSignals(evidence);
  const total = signals.reduce((n, s) => n + s.score, 0);
  return { module: module.path, dir: displayPath(module.dir, cwd), goLines: evidence.goLines, total, max: MAX_SCORE, band: band(total), signals };
}

export interface CheckOptions extends FileOptions {
  format: CheckFormat;
  minScore?: number;
  /** Run each module's tests (`go test -race -cover ./...`) to measure coverage and races. */
  runTests?: boolean;
  /** With runTests: download the modules' dependencies first (go mod download). */
  download?: boolean;
  codemodOptions?: CodemodOptions;
}

/** Runs the check; exit code 1 when a module scores below `minScore`. */
export async function checkCommand(paths: readonly string[], opts: CheckOptions, io: Io): Promise<number> {
  const onTests = (m: GoModule) => io.stderr(`goprod: running the tests of ${m.path || displayPath(m.dir, io.cwd)} (go test -race -cover ./...)\n`);
  const { modules, warnings } = await gatherEvidence(paths, io.cwd, { ...opts, onTests });
  if (modules.length === 0) throw new UsageError('no Go module found (no go.mod above the Go files under the given paths)');
  const scores = modules.map((m) => scoreModule(m, io.cwd));
  const testsRun = opts.runTests ?? false;
  for (const w of warnings) io.stderr(`${formatWarning(w, io.cwd)}\n`);
  io.stdout(opts.format === 'json' ? `${JSON.stringify(checkJson(scores, testsRun), null, 2)}\n` : opts.format === 'markdown' ? markdown(scores) : text(scores, testsRun));
  io.stderr(`${summary(scores)}\n`);
  return opts.minScore !== undefined && scores.some((s) => s.total < opts.minScore!) ? 1 : 0;
}

export function checkJson(scores: readonly ModuleScore[], testsRun: boolean): unknown {
  const overall = overallScore(scores);
  return { version: CHECK_JSON_VERSION, measured: testsRun ? 'from the repository and its tests (go test -race -cover)' : 'from the repository (tests not run)', overall: { total: overall, max: MAX_SCORE, band: band(overall) }, modules: scores };
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
  return `goprod check: ${overall}/${MAX_SCORE} ${band(overall)} over ${scores.length} modules (weighted by lines of Go), lowest ${lowest.total}/${MAX_SCORE} ${lowest.band} (${lowest.module || lowest.dir})`;
}

function text(scores: readonly ModuleScore[], testsRun: boolean): string {
  const width = Math.max(...scores[0]!.signals.map((s) => s.name.length));
  return scores
    .map((m) => {
      const lines = [`${m.module || '(no module path)'} (${m.dir}): ${m.total}/${m.max} ${m.band}`];
      for (const s of m.signals) {
        lines.push(`  ${s.name.padEnd(width)}  ${s.score}/2  ${s.summary}`);
        if (s.score < 2) lines.push(`  ${''.padEnd(width)}       fix: ${s.fix}`);
      }
      return `${lines.join('\n')}\n`;
    })
    .join('\n') + (testsRun ? '' : '\nScored from what the repository shows: tests are not run (coverage and race cleanliness unmeasured; --run-tests measures them).\n');
}

function markdown(scores: readonly ModuleScore[]): string {
  return scores
    .map((m) => {
      const rows = m.signals.map((s) => `| ${s.name} | ${s.score}/2 | ${s.summary} | ${s.score < 2 ? fixCell(s.fix) : ''} |`);
      return [`### ${m.module || m.dir}: ${m.total}/${m.max} ${m.band}`, '', '| Signal | Score | Evidence | Fix |', '|---|---|---|---|', ...rows, ''].join('\n');
    })
    .join('\n');
}

/** The fix, its goprod command as code. */
function fixCell(fix: string): string {
  return fix.replace(/goprod fix --codemod=[\w,-]+/, (command) => `\`${command}\``);
}
