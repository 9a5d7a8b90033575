// The scan cache: each directory's scan (scan.ts) kept in goprod's result cache (cache.ts), so
// that a rerun over an unchanged tree parses nothing. A scan is a function of its job (the files
// to fix, their order within the directory, the module's language version, the type facts), of
// the bytes of every Go file of the directory (the package index reads the siblings: see
// directory-files.ts), of the codemods and their options, and of goprod's own code and grammar:
// the key is a digest of all of these, so an entry found is what a fresh scan would give. Each
// scan is also kept with the stamps of the files it read (see unchangedDigest), so that a rerun
// takes a directory that stat alone shows unchanged without reading (or hashing) it. The
// module-wide codemods' findings are kept per module, with what they read through their view of
// other files (ModuleFiles), which must read the same for the entry to count; and whether a
// fixed text parses, by the text.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { cacheKey, ResultCache } from './cache.js';
import type { Codemod, ModuleFiles, OptionsByCodemod } from './codemod.js';
import { readDirectoryFiles, readUnchanged, unchangedDigest, type DirectoryFiles, type StampedDigest } from './directory-files.js';
import type { Finding, SyntaxCheck } from './analyze.js';
import type { FileTypes } from '../go/facts.js';
import type { GoModule } from '../go/module.js';
import type { GoVersion } from '../go/version.js';
import type { GoParser } from './parse.js';
import { scanDirectory, type DirectoryJob, type DirectoryScan, type ScannedFile } from './scan.js';
import { decodeSource } from './source.js';

/** Bumped when what an entry holds changes shape. */
const FORMAT = 'goprod-scan-2';

/** In place of the digest of a directory's bytes, the key of its entry kept with their stamps (see ScanCache.getUnchanged). */
const STAMPED = 'stamped';

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

  /** The cache as plain data, for a worker thread (see at). */
  get where(): ScanCacheAt {
    return { dir: this.cache.dir, salt: this.salt };
  }

  /** The scan cache `where` describes (in a worker thread). */
  static at(where: ScanCacheAt): ScanCache {
    return new ScanCache(new ResultCache(where.dir), where.salt);
  }

  /**
   * The job's scan as kept, if stat alone shows its directory unchanged since a run read it
   * (see unchangedDigest): nothing is read but the fixed files, whose texts the scan carries
   * (and which must read as they were).
   */
  getUnchanged(job: DirectoryJob): DirectoryScan | undefined {
    const bytes = this.cache.get(this.keyOf(job, STAMPED));
    const kept = bytes && unpackStamped(bytes);
    if (!kept || unchangedDigest(job.dir, pathsOf(job), kept.stamped, job.listing) === undefined) return undefined;
    const { stamped, entry } = kept;
    return restore(job, entry, (path) => {
      const bytes = readUnchanged(path, stamped);
      return bytes && decodeSource(bytes);
    });
  }

  /**
   * The job's scan: the one kept for the bytes of its directory's files, else `fresh()` (then
   * kept, unless it cannot stand for a fresh scan: see normalized). It is kept with the files'
   * stamps too, for a later run's getUnchanged.
   */
  scan(job: DirectoryJob, files: DirectoryFiles, fresh: () => DirectoryScan): DirectoryScan {
    const bytes = this.cache.get(this.keyOf(job, files.digest));
    const entry = bytes && unpack(bytes);
    const kept =
      entry &&
      restore(job, entry, (path) => {
        const read = files.read.get(path);
        return read && !('error' in read) ? decodeSource(read) : undefined;
      });
    const scan = kept ?? fresh();
    const normal = kept ? entry : normalized(job, scan);
    if (!normal) return scan;
    if (!kept) this.cache.put(this.keyOf(job, files.digest), serialize(normal));
    if (files.stamped) this.cache.put(this.keyOf(job, STAMPED), serialize({ stamped: files.stamped, entry: normal } satisfies Stamped));
    return scan;
  }

  /**
   * The module-wide codemods' findings for a module, kept under its needs (the files each codemod
   * is given), their type facts and `digest` (that of those files' bytes), if every other file the
   * codemods read through their view (ModuleFiles) still reads as it did.
   */
  getModule(run: ModuleRun, digest: string, files: ModuleFiles): ModuleFindings | undefined {
    const kept = this.cache.get(this.moduleKeyOf(run, digest));
    const entry = kept && (deserialized(kept) as Partial<ModuleEntry> | null | undefined);
    if (!(entry?.findings instanceof Map && entry.goVersions instanceof Map && Array.isArray(entry.reads))) return undefined;
    const now = (kind: ModuleRead[0], path: string) => answerDigest(kind === 'dir' ? files.goFilesIn(path) : files.text(path));
    const same = entry.reads.every(([kind, path, answer]) => now(kind, path) === answer);
    return same ? { findings: entry.findings, goVersions: entry.goVersions } : undefined;
  }

  /** Keeps what the module-wide codemods found, with what they read through their view (see recordReads). */
  putModule(run: ModuleRun, digest: string, reads: readonly ModuleRead[], found: ModuleFindings): void {
    const entry: ModuleEntry = { reads: [...reads], findings: found.findings, goVersions: found.goVersions };
    this.cache.put(this.moduleKeyOf(run, digest), serialize(entry));
  }

  /** A check of whole texts (one that depends on the text alone) whose answers are kept. */
  syntaxCheck(check: SyntaxCheck): SyntaxCheck {
    return (text, edits) => {
      const kept = this.keptSyntax(text);
      if (kept) return kept.at;
      const at = check(text, edits);
      this.cache.put(this.syntaxKey(text), Buffer.from(at === undefined ? '' : String(at), 'utf8'));
      return at;
    };
  }

  /** What a syntax check said of the text (where it does not parse, if it does not), if a run kept it. */
  keptSyntax(text: string): { at: number | undefined } | undefined {
    const kept = this.cache.get(this.syntaxKey(text))?.toString('utf8');
    if (kept === undefined || !/^(|\d+)$/.test(kept)) return undefined;
    return { at: kept === '' ? undefined : Number(kept) };
  }

  private syntaxKey(text: string): string {
    return cacheKey(this.salt, 'syntax', text);
  }

  private moduleKeyOf({ module, needs, types }: ModuleRun, digest: string): string {
    const needed = [...needs].map(([name, paths]) => [name, [...paths].sort()] as const).sort(([a], [b]) => a.localeCompare(b));
    const facts = [...new Set(needed.flatMap(([, paths]) => paths))].sort().map((p) => [p, types?.get(p) ?? null]);
    return cacheKey(this.salt, 'module', digest, JSON.stringify([module, needed, facts]));
  }

  /** `digest`: that of the bytes of the directory's files, or STAMPED for the entry getUnchanged finds by stat. */
  private keyOf(job: DirectoryJob, digest: string): string {
    return cacheKey(this.salt, digest, JSON.stringify([job.dir, pathsOf(job), job.moduleVersion, job.versionAssumed, job.types ?? null]));
  }
}

/** The entry kept with the stamps of its directory's files (see StampedDigest). */
interface Stamped {
  stamped: StampedDigest;
  entry: Entry;
}

/** Where a scan cache is, and its salt: what a worker thread needs to use it. */
export interface ScanCacheAt {
  dir: string;
  salt: string;
}

/**
 * The job's scan, read from its directory, or with a cache taken from it (kept for the files'
 * bytes) or kept there (see ScanCache.scan).
 */
export function scanCached(
  parser: GoParser,
  job: DirectoryJob,
  codemods: readonly Codemod[],
  options: OptionsByCodemod,
  cache: ScanCache | undefined,
): DirectoryScan {
  const files = readDirectoryFiles(job.dir, pathsOf(job), job.listing);
  const fresh = () => scanDirectory(parser, job, codemods, options, files);
  return cache ? cache.scan(job, files, fresh) : fresh();
}

function pathsOf(job: DirectoryJob): string[] {
  return job.files.map((f) => f.path);
}

/** A module's run of the module-wide codemods: the files each needs, and their type facts. */
export interface ModuleRun {
  module: GoModule;
  needs: ReadonlyMap<string, ReadonlySet<string>>;
  types?: ReadonlyMap<string, FileTypes>;
}

/** What the module-wide codemods found: findings by path, and the language version of each file they saw. */
export interface ModuleFindings {
  findings: Map<string, Finding[]>;
  goVersions: Map<string, GoVersion>;
}

/** A read through a module-wide codemod's view of other files: a directory's Go files or a file's text, and a digest of the answer. */
export type ModuleRead = readonly ['dir' | 'text', string, string];

interface ModuleEntry extends ModuleFindings {
  reads: ModuleRead[];
}

/**
 * The view `files` as its first answer to each question found it, keeping a record of each
 * read and its answer (for putModule). A question asked again is not read again: env-config
 * asks for a directory's files once per file of it that reads the environment (tailscale's
 * rerun checked 1,955 reads of 53 paths).
 */
export function recordReads(files: ModuleFiles): { files: ModuleFiles; reads: ModuleRead[] } {
  const reads: ModuleRead[] = [];
  const answers = new Map<string, string[] | string | undefined>();
  const recorded = <T extends string[] | string | undefined>(kind: ModuleRead[0], path: string, read: () => T): T => {
    const question = `${kind}\0${path}`;
    if (!answers.has(question)) {
      const answer = read();
      answers.set(question, answer);
      reads.push([kind, path, answerDigest(answer)]);
    }
    return answers.get(question) as T;
  };
  return {
    files: {
      goFilesIn: (dir) => [...recorded('dir', dir, () => files.goFilesIn(dir))],
      text: (path) => recorded('text', path, () => files.text(path)),
    },
    reads,
  };
}

function answerDigest(answer: string[] | string | undefined): string {
  return answer === undefined ? 'absent' : cacheKey(JSON.stringify(answer));
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
): DirectoryScan | undefined {
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

/** The entry and stamps of a payload (see Stamped); undefined when it is not one. */
function unpackStamped(payload: Buffer): Stamped | undefined {
  const kept = deserialized(payload) as Partial<Record<keyof Stamped, unknown>> | undefined;
  const stamped = kept?.stamped as Partial<StampedDigest> | undefined;
  const whole =
    typeof stamped?.digest === 'string' &&
    typeof stamped.listing === 'string' &&
    typeof stamped.at === 'number' &&
    Array.isArray(stamped.stamps);
  const entry = whole ? wholeEntry(kept?.entry) : undefined;
  return entry && { stamped: stamped as StampedDigest, entry };
}

/** The entry of a payload; undefined when it is not one. */
function unpack(payload: Buffer): Entry | undefined {
  return wholeEntry(deserialized(payload));
}

/**
 * A payload in V8's serialization (which, as the worker threads' messages, keeps shared objects
 * shared: a finding's fixes are the very fixes listed as applied); undefined when it is not one.
 */
function deserialized(payload: Buffer): unknown {
  try {
    return deserialize(payload) as unknown;
  } catch {
    return undefined;
  }
}

function wholeEntry(value: unknown): Entry | undefined {
  const entry = value as Partial<Entry> | null | undefined;
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
