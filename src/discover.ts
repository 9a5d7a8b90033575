// Finding the Go files to work on: walk the given paths as the go command would see them
// (no vendor/, testdata/, dot or underscore directories) and honour .gitignore files.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { UsageError } from './errors.js';

interface IgnoreRules {
  dir: string;
  rules: Ignore;
}

/** Absolute paths of the .go files under `paths`, sorted, each once. */
export function discoverGoFiles(paths: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (stat.isFile()) {
      // A file named on the command line is taken as asked, like gofmt does.
      if (!abs.endsWith('.go')) throw new UsageError(`${p}: not a .go file`);
      found.add(abs);
    } else walk(abs, inheritedIgnores(abs), found);
  }
  return [...found].sort();
}

function walk(dir: string, ignores: IgnoreRules[], found: Set<string>): void {
  const own = readIgnore(dir);
  const rules = own ? [...ignores, own] : ignores;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const isDir = entry.isDirectory();
    if (isIgnored(rules, path, isDir)) continue;
    if (isDir) {
      if (!skipDirectory(entry.name)) walk(path, rules, found);
    } else if (entry.isFile() && entry.name.endsWith('.go')) found.add(path);
  }
}

/** Directories the go command ignores, plus vendored code goprod must not touch. */
function skipDirectory(name: string): boolean {
  return name === 'vendor' || name === 'testdata' || name === 'node_modules' || name.startsWith('.') || name.startsWith('_');
}

function readIgnore(dir: string): IgnoreRules | undefined {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return undefined;
  return { dir, rules: ignore().add(readFileSync(file, 'utf8')) };
}

/** The .gitignore files of the directories above `dir` within its git work tree (none outside one). */
function inheritedIgnores(dir: string): IgnoreRules[] {
  const chain: IgnoreRules[] = [];
  for (let d = dir; !existsSync(join(d, '.git')); ) {
    const parent = dirname(d);
    if (parent === d) return [];
    d = parent;
    const own = readIgnore(d);
    if (own) chain.unshift(own);
  }
  return chain;
}

function isIgnored(rules: IgnoreRules[], path: string, isDir: boolean): boolean {
  return rules.some(({ dir, rules: r }) => {
    const rel = relative(dir, path).split(sep).join('/');
    return r.ignores(isDir ? `${rel}/` : rel);
  });
}
