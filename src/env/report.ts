// `goprod env`: the inventory of environment variables a module reads, changing nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, REASONS, type ReadOutcome } from '../env-config/classify.js';
import { describe } from '../env-config/generate.js';
import { withPrevious } from '../env-config/inventory.js';
import type { EnvVariable } from '../env-config/reads.js';
import type { GoModule } from '../go/module.js';
import { displayPath, plural } from '../output/text.js';
import type { Warning } from '../engine/model.js';
import { inspectModules, type FileOptions } from '../engine/run.js';
import { writeSourceAtomic } from '../engine/source.js';

export interface ModuleEnv {
  module: GoModule;
  variables: EnvVariable[];
  /** Reads whose variable name the code computes: file:line. */
  computed: string[];
  /** Where each variable is read: file:line. */
  readAt: Map<string, string[]>;
  /** What env-config does with the reads: how many it moves, and how many it keeps live or leaves, by reason. */
  envConfig: { configDir: string; reads: number; moved: number; live: ReasonCount[]; left: ReasonCount[] };
}

export interface ReasonCount {
  reason: string;
  count: number;
}

export async function envInventory(
  paths: readonly string[],
  cwd: string,
  options: { configPkg: string; includeTests?: boolean },
  files: FileOptions = {},
): Promise<{ modules: ModuleEnv[]; warnings: Warning[] }> {
  const modules: ModuleEnv[] = [];
  const warnings = await inspectModules(
    paths,
    cwd,
    (module, files, moduleFiles) => {
      const { configDir, variables, outcomes } = classify(module, files, options, moduleFiles);
      const where = (r: ReadOutcome['read']) => `${displayPath(r.file.path, cwd)}:${r.file.line(r.call.startIndex)}`;
      const readAt = new Map(variables.map((v) => [v.name, v.reads.map(where)]));
      const computed = outcomes.filter((o) => o.outcome === 'left' && o.reason === REASONS.computed).map((o) => where(o.read));
      const envConfig = {
        configDir,
        reads: outcomes.length,
        moved: outcomes.filter((o) => o.outcome === 'moved').length,
        live: byReason(outcomes, 'live'),
        left: byReason(outcomes, 'left'),
      };
      modules.push({ module, variables: withPrevious(variables, module, configDir, moduleFiles), computed, readAt, envConfig });
    },
    files,
  );
  return { modules, warnings };
}

function byReason(outcomes: readonly ReadOutcome[], outcome: 'live' | 'left'): ReasonCount[] {
  const counts = new Map<string, number>();
  for (const o of outcomes) if (o.outcome === outcome) counts.set(o.reason, (counts.get(o.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

/** What env-config does with the module's reads, in a few lines: moved, kept live (why), left (why). */
function envConfigLines({ envConfig: e }: ModuleEnv): string[] {
  if (e.reads === 0) return [];
  const lines = [`env-config: ${e.moved} of ${e.reads} ${plural(e.reads, 'read', 'reads')} move to ${e.configDir}`];
  for (const [what, counts] of [
    ['kept live', e.live],
    ['left as they are', e.left],
  ] as const) {
    for (const { reason, count } of counts) lines.push(`  ${count} ${what}: ${reason}`);
  }
  return lines;
}

export function envTable(env: ModuleEnv, format: 'table' | 'markdown'): string {
  const rows = env.variables.map((v) => [
    v.name,
    v.type,
    v.default ?? '',
    v.required ? 'yes' : 'no',
    (env.readAt.get(v.name) ?? ['(in the generated config)']).join(', '),
  ]);
  const head = ['VARIABLE', 'TYPE', 'DEFAULT', 'REQUIRED', 'READ AT'];
  const title =
    `${env.module.path || env.module.dir}: ${env.variables.length} environment ` +
    `${env.variables.length === 1 ? 'variable' : 'variables'}`;
  const computed = env.computed.length > 0 ? `\nread with computed names (not listed): ${env.computed.join(', ')}\n` : '';
  const outcome = envConfigLines(env);
  if (format === 'markdown') {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    const list = outcome.map((l, i) => (i === 0 ? `\n${l}\n` : `- ${l.trim()}`)).join('\n');
    const table = [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
    return `## ${title}\n\n${table}\n${computed}${list}${list ? '\n' : ''}`;
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${title}\n${[line(head), ...rows.map(line)].join('\n')}\n${computed}${outcome.map((l) => `${l}\n`).join('')}`;
}

export function envJson(modules: readonly ModuleEnv[]): unknown {
  return modules.map((m) => ({
    module: m.module.path,
    variables: m.variables.map((v) => ({
      name: v.name,
      type: v.type,
      default: v.default ?? null,
      required: v.required,
      readAt: m.readAt.get(v.name) ?? [],
    })),
    computed: m.computed,
    envConfig: m.envConfig,
  }));
}

export type ExampleOutcome = 'written' | 'unchanged' | 'differs';

/**
 * Writes `.env.example` at the module's root: every variable, documented, with its default.
 * An existing file that says something else (hand-edited, or an older inventory) is replaced
 * only when `force` is set.
 */
export function writeEnvExample(env: ModuleEnv, force: boolean): { path: string; outcome: ExampleOutcome } {
  const lines = [`# Environment variables read by ${env.module.path || 'this module'} (written by goprod env --example).`, ''];
  for (const v of env.variables) lines.push(`# ${describe(v)}`, `${v.name}=${v.default ?? ''}`);
  const text = `${lines.join('\n')}\n`;
  const path = join(env.module.dir, '.env.example');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (existing === text) return { path, outcome: 'unchanged' };
  if (existing !== undefined && !force) return { path, outcome: 'differs' };
  writeSourceAtomic(path, text);
  return { path, outcome: 'written' };
}
