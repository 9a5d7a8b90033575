// `goprod check`: the production-readiness score of each module, as text, JSON or Markdown.
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { displayPath, formatWarning } from '../report.js';
import { gatherEvidence, type ModuleEvidence } from './evidence.js';
import { band, scoreSignals, type Signal } from './signals.js';

export type CheckFormat = 'text' | 'json' | 'markdown';

/** The JSON document's shape; `version` changes when a field changes meaning or goes away. */
export const CHECK_JSON_VERSION = 1;
export const MAX_SCORE = 16;

export interface ModuleScore {
  /** The module path from go.mod. */
  module: string;
  /** Its directory, relative to the working directory. */
  dir: string;
  total: number;
  max: number;
  band: string;
  signals: Signal[];
}

export function scoreModule({ module, evidence }: ModuleEvidence, cwd: string): ModuleScore {
  const signals = scoreSignals(evidence);
  const total = signals.reduce((n, s) => n + s.score, 0);
  return { module: module.path, dir: displayPath(module.dir, cwd), total, max: MAX_SCORE, band: band(total), signals };
}

/** Runs the check; exit code 1 when a module scores below `minScore`. */
export async function checkCommand(paths: readonly string[], opts: { format: CheckFormat; minScore?: number }, io: Io): Promise<number> {
  const { modules, warnings } = await gatherEvidence(paths, io.cwd);
  if (modules.length === 0) throw new UsageError('no Go module found (no go.mod above the Go files under the given paths)');
  const scores = modules.map((m) => scoreModule(m, io.cwd));
  for (const w of warnings) io.stderr(`${formatWarning(w, io.cwd)}\n`);
  io.stdout(opts.format === 'json' ? `${JSON.stringify(checkJson(scores), null, 2)}\n` : opts.format === 'markdown' ? markdown(scores) : text(scores));
  io.stderr(`${summary(scores)}\n`);
  return opts.minScore !== undefined && scores.some((s) => s.total < opts.minScore!) ? 1 : 0;
}

export function checkJson(scores: readonly ModuleScore[]): unknown {
  return { version: CHECK_JSON_VERSION, measured: 'from the repository (tests not run)', modules: scores };
}

/** One line, usable as a badge: the score, or with several modules the lowest. */
export function summary(scores: readonly ModuleScore[]): string {
  if (scores.length === 1) return `goprod check: ${scores[0]!.total}/${MAX_SCORE} ${scores[0]!.band}`;
  const lowest = scores.reduce((a, b) => (b.total < a.total ? b : a));
  return `goprod check: ${scores.length} modules, lowest ${lowest.total}/${MAX_SCORE} ${lowest.band} (${lowest.module || lowest.dir})`;
}

function text(scores: readonly ModuleScore[]): string {
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
    .join('\n') + '\nScored from what the repository shows: tests are not run (coverage and race cleanliness unmeasured).\n';
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
