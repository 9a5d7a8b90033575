// Which repositories a bulk run works on: directories given on the command line and the lines
// of a --repos file (a path or a clone URL each, `#` comments), each with a stable identity,
// and the 1/N of them a shard takes.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export interface Repo {
  /** A clone URL as written, or the absolute real path of a local repository. */
  id: string;
  /** `org/repo` for a URL, the directory's name for a local repository. */
  name: string;
  /** For file names in the report directory: the name and a short hash of the identity. */
  slug: string;
  /** Where the repository is when it is local; a URL is cloned first. */
  local?: string;
}

/** `https://…`, `ssh://…`, `git://…`, `file://…` or scp-like `git@host:org/repo.git`. */
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|[\w.-]+@[\w.-]+:)/i;

/** The repositories named by `dirs` and the lines of the `--repos` file, in that order, each once. */
export function listRepos(dirs: readonly string[], reposFile: string | undefined, cwd: string): Repo[] {
  const entries = dirs.map((d) => ({ text: d, base: cwd, where: d }));
  if (reposFile !== undefined) {
    const path = resolve(cwd, reposFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --repos ${reposFile} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    text.split(/\r?\n/).forEach((line, i) => {
      const entry = line.replace(/(^|\s)#.*$/, '').trim();
      // Paths in the file are relative to the file, as .gitignore patterns are.
      if (entry) entries.push({ text: entry, base: dirname(path), where: `${reposFile}:${i + 1}` });
    });
  }
  const repos = new Map<string, Repo>();
  for (const { text, base, where } of entries) {
    const repo = URL_LIKE.test(text) ? fromUrl(text) : fromPath(resolve(base, text), where);
    if (!repos.has(repo.id)) repos.set(repo.id, repo);
  }
  if (repos.size === 0) throw new UsageError('no repositories: give directories, or --repos FILE with one path or clone URL per line');
  return [...repos.values()];
}

function fromUrl(url: string): Repo {
  const id = url.replace(/\/+$/, '');
  const name = id
    .replace(/\.git$/, '')
    .split(/[/:]/)
    .filter(Boolean)
    .slice(-2)
    .join('/');
  return { id, name, slug: slugOf(name, id) };
}

function fromPath(path: string, where: string): Repo {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new UsageError(`${where}: ${path}: no such directory`);
  }
  const name = basename(real);
  return { id: real, name, slug: slugOf(name, real), local: real };
}

/** A name for the repository's files: its name made safe, and a short hash of its identity. */
export function slugOf(name: string, id: string): string {
  return `${name.replace(/[^\w.-]+/g, '_')}-${hashOf(id).slice(0, 8)}`;
}

function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** A shard: the I-th (1-based) of N. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N (e.g. 2/8), not ${JSON.stringify(value)}`);
  return { index, count };
}

/**
 * Whether the repository belongs to the shard: by a hash of its identity, so every machine of
 * a CI matrix computes the same disjoint split with no coordinator, whatever the list's order.
 */
export function inShard(repo: Repo, shard: Shard): boolean {
  return Number.parseInt(hashOf(repo.id).slice(0, 12), 16) % shard.count === shard.index - 1;
}
