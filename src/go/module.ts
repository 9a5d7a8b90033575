// Finding a file's module: the nearest go.mod above it, its module path and go directive.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
