// The scan cache: each directory's scan (scan.ts) kept in goprod's result cache (cache.ts), so
// that a rerun over an unchanged tree parses nothing. A scan is a function of its job (the files
// to fix, their order within the directory, the module's language version, the type facts), of
// the bytes of every Go file of the directory (the package index reads the siblings: see
// directory-files.ts), of the codemods and their options, and of goprod's own code and grammar:
// the key is a digest of all of these, so an entry found is what a fresh scan would give.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { cacheKey, type ResultCache } from './cache.js';
import type { Codemod, OptionsByCodemod } from './codemod.js';
import { readDirectoryFiles } from './directory-files.js';
import type { DirectoryJob, DirectoryScan, ScannedFile } from './scan.js';
import { decodeSource } from './source.js';

/** Bumped when what an entry holds changes shape. */
const FORMAT = 'goprod-scan-1';

/** A scan as kept: each file's place is its index in the job's files, and fixed files carry no source (it is read anew). */
interface Entry {
  scanned: number;
  fixed: Array<Omit<ScannedFile, 'source' | 'order'> & { index: number }>;
  warnings: Array<Omit<DirectoryScan['warnings'][number], 'order'> & { index: number }>;
  moduleNeeds: DirectoryScan['moduleNeeds'];
  untyped: Array<Omit<DirectoryScan['untyped'][number], 'order'> & { index: number }>;
}

export class ScanCache {
  private constructor(
    private readonly cache: ResultCache,
    /** The digest of what every entry of this run depends on besides its job and directory. */
    private readonly salt: string,
  ) {}

  /** The scans of a run of these codemods with these options, in the cache. */
  static of(cache: ResultCache, codemods: readonly Codemod[], options: OptionsByCodemod): ScanCache {
    const run = JSON.stringify({ codemods: codemods.map((c) => c.name), options });
    return new ScanCache(cache, cacheKey(FORMAT, process.version, codeDigest(), run));
  }

  /** The job's scan as kept for its directory as it is now, if there is one. */
  get(job: DirectoryJob): DirectoryScan | undefined {
    const files = readDirectoryFiles(job.dir, job.files.map((f) => f.path));
    const kept = this.cache.get(this.keyOf(job, files.digest));
    const entry = kept && unpack(kept);
    const scan =
      entry &&
      restore(job, entry, (path) => {
        const bytes = files.read.get(path);
        return bytes && !('error' in bytes) ? decodeSource(bytes) : undefined;
      });
    return scan && { ...scan, digest: files.digest };
  }

  /** Keeps a fresh scan of the job, unless it cannot stand for a fresh scan (see normalized). */
  put(job: DirectoryJob, scan: DirectoryScan): void {
    const entry = scan.digest ? normalized(job, scan) : undefined;
    if (entry) this.cache.put(this.keyOf(job, scan.digest), serialize(entry));
  }

  private keyOf(job: DirectoryJob, digest: string): string {
    const paths = job.files.map((f) => f.path);
    return cacheKey(this.salt, digest, JSON.stringify([job.dir, paths, job.moduleVersion, job.versionAssumed, job.types ?? null]));
  }
}

/** The scan as kept, or undefined when it should not be: it caught a goprod bug (which may depend on the thread, a stack's size). */
function normalized(job: DirectoryJob, scan: DirectoryScan): Entry | undefined {
  if (scan.warnings.some((w) => w.message.startsWith('bug:'))) return undefined;
  const index = new Map(job.files.map((f, i) => [f.order, i]));
  const at = (order: number) => {
    const i = index.get(order);
    if (i === undefined) throw new RangeError(`order ${order} is not the job's`);
    return i;
  };
  try {
    return {
      scanned: scan.scanned,
      fixed: scan.fixed.map(({ order, source: _, ...f }) => ({ ...f, index: at(order) })),
      warnings: scan.warnings.map(({ order, ...w }) => ({ ...w, index: at(order) })),
      moduleNeeds: scan.moduleNeeds,
      untyped: scan.untyped.map(({ order, ...u }) => ({ ...u, index: at(order) })),
    };
  } catch {
    return undefined;
  }
}

/** A kept scan for the job, its fixed files' sources read anew; undefined if one cannot be (the entry does not fit the job). */
function restore(
  job: DirectoryJob,
  entry: Entry,
  source: (path: string) => ScannedFile['source'] | undefined,
): Omit<DirectoryScan, 'digest'> | undefined {
  const order = (index: number) => {
    const file = job.files[index];
    if (!file) throw new RangeError(`no file ${index} in the job`);
    return file.order;
  };
  try {
    const fixed = entry.fixed.map(({ index, ...f }) => {
      const text = source(f.path);
      if (!text) throw new RangeError(`${f.path} cannot be read`);
      return { ...f, order: order(index), source: text };
    });
    return {
      scanned: entry.scanned,
      fixed,
      warnings: entry.warnings.map(({ index, ...w }) => ({ ...w, order: order(index) })),
      moduleNeeds: entry.moduleNeeds,
      untyped: entry.untyped.map(({ index, ...u }) => ({ ...u, order: order(index) })),
    };
  } catch {
    return undefined;
  }
}

/**
 * The entry of a payload in V8's serialization (which, as the worker threads' messages, keeps
 * shared objects shared: a finding's fixes are the very fixes listed as applied); undefined
 * when it is not one.
 */
function unpack(payload: Buffer): Entry | undefined {
  let entry: Partial<Entry> | null;
  try {
    entry = deserialize(payload) as Partial<Entry> | null;
  } catch {
    return undefined;
  }
  const lists = [entry?.fixed, entry?.warnings, entry?.untyped];
  const whole = typeof entry?.scanned === 'number' && lists.every(Array.isArray) && typeof entry.moduleNeeds === 'object';
  return whole ? (entry as Entry) : undefined;
}

let code: string | undefined;

/**
 * A digest of the code a scan runs: goprod's own compiled modules (or, under the tests, its
 * sources), its package.json, the parser's JavaScript and wasm, and the Go grammar.
 */
function codeDigest(): string {
  if (code !== undefined) return code;
  const here = fileURLToPath(import.meta.url);
  let root = dirname(here);
  while (!existsFile(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const compiled = here.endsWith('.js');
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('web-tree-sitter/web-tree-sitter.wasm');
  const files = [
    join(root, 'package.json'),
    ...['src', 'codemods'].flatMap((d) => sourceFiles(join(root, ...(compiled ? ['dist', d] : [d])), compiled ? '.js' : '.ts')),
    wasm,
    join(dirname(wasm), 'web-tree-sitter.js'),
    require.resolve('tree-sitter-go/tree-sitter-go.wasm'),
  ];
  code = cacheKey(...files.flatMap((file) => [relative(root, file), readFileSync(file)]));
  return code;
}

function sourceFiles(dir: string, ext: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((n) => join(dir, n));
}

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
