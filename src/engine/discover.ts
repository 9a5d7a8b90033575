// Finding the Go files to work on: walk the given paths as the go command would see them
// (no vendor/, testdata/, dot or underscore directories) and honour .gitignore files (for the
// files git does not track, as git does) and the config file's exclude patterns.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { UsageError } from '../errors.js';
import { isDead } from './interrupt.js';
import { TEMPORARY_FILE } from './source.js';

interface IgnoreRules {
  dir: string;
  rules: Ignore;
}

/**
 * Told about what the walk could not read (a directory that vanished meanwhile is passed over
 * in silence) and about temporary files of killed goprod runs it removed.
 */
export type Notify = (path: string, message: string) => void;

/**
 * Paths to leave alone besides those always skipped: gitignore-style patterns, relative to the
 * directory of `file` (the config file naming them).
 */
export interface Exclude {
  file: string;
  patterns: readonly string[];
}

/**
 * Absolute paths of the .go files under `paths`, sorted, each once. The exclude patterns keep
 * out files named on the command line too (a notice says so); .gitignore files do not.
 */
export function discoverGoFiles(paths: readonly string[], cwd: string, notify: Notify = () => {}, exclude?: Exclude): string[] {
  return discover(paths, cwd, notify, exclude).files;
}

export interface Discovered {
  /** What discoverGoFiles finds. */
  files: string[];
  /** By directory walked, the names it lists that end in .go (see readDirectoryFiles), as it lists them. */
  listings: Map<string, string[]>;
}

/** The .go files under `paths` (see discoverGoFiles), and the listings of the directories walked. */
export function discover(paths: readonly string[], cwd: string, notify: Notify = () => {}, exclude?: Exclude): Discovered {
  const found = new Map<string, string>();
  const listings = new Map<string, string[]>();
  const excluded: IgnoreRules[] = exclude ? [{ dir: dirname(resolve(exclude.file)), rules: ignore().add(exclude.patterns) }] : [];
  for (const p of paths) {
    // `./...` and `dir/...`, as Go users write packages: the directory, recursively (as always).
    const abs = resolve(cwd, p.replace(/(^|[/\\])\.\.\.$/, '$1') || '.');
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (stat.isFile()) {
      // A file named on the command line is taken as asked, like gofmt does, unless the team's config excludes it.
      if (!abs.endsWith('.go')) throw new UsageError(`${p}: not a .go file`);
      if (isIgnored(excluded, abs, false)) notify(abs, `excluded by ${relative(cwd, exclude!.file)}; skipped`);
      else add(found, abs, realpathSync(abs));
    } else {
      let git: { tracked: Tracked | undefined } | undefined;
      // git is asked only when a .gitignore rule ignores something: most walks never need it.
      const tracked = () => (git ??= { tracked: trackedGoFiles(abs) }).tracked;
      walk({ path: abs, real: realpathSync(abs) }, inheritedIgnores(abs), { excluded, tracked, found, listings, notify });
    }
  }
  return { files: [...found.values()].sort(), listings };
}

interface Walk {
  /** The config file's patterns: they apply to every file. */
  excluded: IgnoreRules[];
  /** The .go files git tracks under the walk's root (see trackedGoFiles), asked for when needed. */
  tracked: () => Tracked | undefined;
  found: Map<string, string>;
  listings: Discovered['listings'];
  notify: Notify;
}

/** `ignores`: the .gitignore rules in force at `dir`; `real`: its real path (a walk enters no symbolic link). */
function walk({ path: dir, real }: { path: string; real: string }, ignores: IgnoreRules[], w: Walk): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') w.notify(dir, `cannot read this directory (${code ?? String(e)}); skipped`);
    return;
  }
  w.listings.set(dir, entries.filter((e) => e.name.endsWith('.go')).map((e) => e.name));
  // Read only when listed: a failed read costs an exception, in every directory of a large tree.
  const own = entries.some((e) => e.name === '.gitignore') ? readIgnore(dir) : undefined;
  const rules = own ? [...ignores, own] : ignores;
  for (const entry of entries) {
    const isDir = entry.isDirectory();
    // Only directories, .go files and goprod's temporary files are acted on: the rules are not asked about the others.
    if (!isDir && !entry.name.endsWith('.go') && !TEMPORARY_FILE.test(entry.name)) continue;
    const path = join(dir, entry.name);
    const tracked = () => (isDir ? w.tracked()?.dirs : w.tracked()?.files)?.has(path);
    if (isIgnored(w.excluded, path, isDir) || (isIgnored(rules, path, isDir) && !tracked())) continue;
    if (isDir) {
      if (!skipDirectory(entry.name)) walk({ path, real: join(real, entry.name) }, rules, w);
    } else if (isStale(entry.name)) {
      rmSync(path, { force: true });
      w.notify(path, 'removed a temporary file that an interrupted goprod run left');
    } else if (entry.name.endsWith('.go')) {
      if (entry.isFile()) add(w.found, path, join(real, entry.name));
      else if (entry.isSymbolicLink() && isFile(path)) add(w.found, path, realpathSync(path));
    }
  }
}

function isStale(name: string): boolean {
  const pid = TEMPORARY_FILE.exec(name)?.[1];
  return pid !== undefined && isDead(Number(pid));
}

/** Whether a symbolic link leads to a regular file (Go compiles linked files; linked directories are not walked, as by the go command). */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // a dangling link
  }
}

/** A file reached twice (through a symbolic link, or `dir` and `dir/sub/..`) is fixed once, under its real path when that is reached. */
function add(found: Map<string, string>, path: string, real: string): void {
  if (!found.has(real) || path === real) found.set(real, path);
}

/** Directories the go command ignores, plus vendored code goprod must not touch. */
function skipDirectory(name: string): boolean {
  return name === 'vendor' || name === 'testdata' || name === 'node_modules' || name.startsWith('.') || name.startsWith('_');
}

function readIgnore(dir: string): IgnoreRules | undefined {
  const file = join(dir, '.gitignore');
  try {
    return { dir, rules: ignore().add(readFileSync(file, 'utf8')) };
  } catch {
    return undefined; // none, or unreadable: nothing to honour
  }
}

/** The .go files git tracks under a directory, and the directories that hold them, as absolute paths. */
interface Tracked {
  files: Set<string>;
  dirs: Set<string>;
}

/**
 * The .go files git tracks under `dir`: .gitignore patterns do not apply to them (minio ignores
 * `inspect` for a binary's name and tracks the Go tool in docs/debugging/inspect). Undefined
 * outside a git work tree or without git: then .gitignore rules apply to every file.
 */
function trackedGoFiles(dir: string): Tracked | undefined {
  const listed = spawnSync('git', ['-C', dir, 'ls-files', '-z', '--', '*.go'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (listed.status !== 0 || typeof listed.stdout !== 'string') return undefined;
  const tracked: Tracked = { files: new Set(), dirs: new Set() };
  for (const rel of listed.stdout.split('\0').filter(Boolean)) {
    const file = join(dir, ...rel.split('/'));
    tracked.files.add(file);
    for (let d = dirname(file); d.length > dir.length && !tracked.dirs.has(d); d = dirname(d)) tracked.dirs.add(d);
  }
  return tracked;
}

/** The .gitignore files of the directories above `dir` within its git work tree (none outside one). */
function inheritedIgnores(dir: string): IgnoreRules[] {
  const chain: IgnoreRules[] = [];
  for (let d = dir; !existsSync(join(d, '.git'));) {
    const parent = dirname(d);
    if (parent === d) return [];
    d = parent;
    const own = readIgnore(d);
    if (own) chain.unshift(own);
  }
  return chain;
}

/** Whether rules ignore the path; rules apply below their own directory only. */
function isIgnored(rules: IgnoreRules[], path: string, isDir: boolean): boolean {
  return rules.some(({ dir, rules: r }) => {
    // Both paths are absolute and normalized (the walk joins them), so the path is below the
    // rules' directory where it starts with it (path.relative costs a tenth of a large walk).
    const below = dir.endsWith(sep) ? dir : dir + sep;
    if (!path.startsWith(below)) return false;
    const rel = path.slice(below.length);
    const slashed = sep === '/' ? rel : rel.split(sep).join('/');
    return r.ignores(isDir ? `${slashed}/` : slashed);
  });
}
