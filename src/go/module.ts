// Finding a file's module: the nearest go.mod above it, its module path and go directive.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GO_MOD_DEFAULT, parseGoVersion, type GoVersion } from './version.js';

export interface GoModule {
  dir: string;
  path: string;
  goVersion: GoVersion;
}

export function parseGoMod(text: string): { path: string | undefined; goVersion: GoVersion | undefined } {
  const path = /^\s*module\s+"?([^\s"]+)"?/m.exec(text)?.[1];
  const go = /^\s*go\s+(\S+)/m.exec(text)?.[1];
  return { path, goVersion: go === undefined ? undefined : parseGoVersion(go) };
}

/** Looks up modules by directory, remembering every answer (also the absent ones). */
export class ModuleFinder {
  private readonly byDir = new Map<string, GoModule | undefined>();

  find(dir: string): GoModule | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    let mod: GoModule | undefined;
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'go.mod'), 'utf8');
    } catch {
      const parent = dirname(dir);
      mod = parent === dir ? undefined : this.find(parent);
    }
    if (text !== undefined) {
      const parsed = parseGoMod(text);
      mod = { dir, path: parsed.path ?? '', goVersion: parsed.goVersion ?? GO_MOD_DEFAULT };
    }
    this.byDir.set(dir, mod);
    return mod;
  }
}

/**
 * The workspace a module builds in: the go.work file above it that uses it, or `off` when
 * none does (the go command refuses to run in a module a go.work above it does not list).
 * A GOWORK the user set is theirs to decide.
 */
export function workspaceOf(moduleDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOWORK) return env.GOWORK;
  for (let dir = moduleDir; ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'go.work'), 'utf8');
    } catch {
      // no workspace here
    }
    if (text !== undefined) return workspaceUses(text).some((use) => resolve(dir, use) === moduleDir) ? join(dir, 'go.work') : 'off';
    if (dirname(dir) === dir) return 'off';
  }
}

/** The directories a go.work file's `use` directives name (single and block forms). */
export function workspaceUses(text: string): string[] {
  const uses: string[] = [];
  const noComments = text.replace(/\/\/.*$/gm, '');
  for (const m of noComments.matchAll(/^\s*use\s+(?:\(([^)]*)\)|(\S+))/gm)) {
    const dirs = m[1] !== undefined ? m[1].split('\n') : [m[2]!];
    for (const d of dirs.map((x) => x.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean)) uses.push(d);
  }
  return uses;
}
