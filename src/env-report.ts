// `goprod env`: the inventory of environment variables a module reads, changing nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, inventory, withPrevious } from '../codemods/env-config.js';
import type { EnvVariable } from './go/env.js';
import type { GoModule } from './go/module.js';
import { displayPath } from './report.js';
import type { Warning } from './model.js';
import { inspectModules, type FileOptions } from './runner.js';
import { writeSourceAtomic } from './source.js';

export interface ModuleEnv {
  module: GoModule;
  variables: EnvVariable[];
  /** Reads whose variable name the code computes: file:line. */
  computed: string[];
  /** Where each variable is read: file:line. */
  readAt: Map<string, string[]>;
}

export async function envInventory(paths: readonly string[], cwd: string, options: { configPkg: string; includeTests?: boolean }, files: FileOptions = {}): Promise<{ modules: ModuleEnv[]; warnings: Warning[] }> {
  const modules: ModuleEnv[] = [];
  const warnings = await inspectModules(paths, cwd, (module, files) => {
    const { configDir, reads, wrappers, variables } = inventory(module, files, options);
    const where = (r: (typeof reads)[number]) => `${displayPath(r.file.path, cwd)}:${r.file.line(r.call.startIndex)}`;
    const readAt = new Map(variables.map((v) => [v.name, v.reads.map(where)]));
    modules.push({ module, variables: withPrevious(variables, module, configDir), computed: reads.filter((r) => r.name === undefined && !wrappers.some((w) => w.read === r)).map(where), readAt });
  }, files);
  return { modules, warnings };
}

export function envTable(env: ModuleEnv, format: 'table' | 'markdown'): string {
  const rows = env.variables.map((v) => [v.name, v.type, v.default ?? '', v.required ? 'yes' : 'no', (env.readAt.get(v.name) ?? ['(in the generated config)']).join(', ')]);
  const head = ['VARIABLE', 'TYPE', 'DEFAULT', 'REQUIRED', 'READ AT'];
  const title = `${env.module.path || env.module.dir}: ${env.variables.length} environment ${env.variables.length === 1 ? 'variable' : 'variables'}`;
  const computed = env.computed.length > 0 ? `\nread with computed names (not listed): ${env.computed.join(', ')}\n` : '';
  if (format === 'markdown') {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return `## ${title}\n\n${[line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')}\n${computed}`;
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${title}\n${[line(head), ...rows.map(line)].join('\n')}\n${computed}`;
}

export function envJson(modules: readonly ModuleEnv[]): unknown {
  return modules.map((m) => ({
    module: m.module.path,
    variables: m.variables.map((v) => ({ name: v.name, type: v.type, default: v.default ?? null, required: v.required, readAt: m.readAt.get(v.name) ?? [] })),
    computed: m.computed,
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
