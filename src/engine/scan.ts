// The per-directory step of a run: read the directory's files, keep those a codemod may
// match (a text test, see Codemod.mayMatch), parse each of them once, answer questions about
// the package from a lazy index, run the per-file codemods and apply their fixes. It reads
// the directory and nothing else, takes plain inputs and gives a plain result: it runs on the
// main thread or in a worker (see pool.ts) with the same outcome.
import {
  analyzeFile,
  findingsIn,
  laterPasses,
  openGoFile,
  type BrokenFix,
  type FileInput,
  type Finding,
  type FixedFile,
} from './analyze.js';
import { mayMatch, type Codemod, type OptionsByCodemod } from './codemod.js';
import { mergeFixes } from './edits.js';
import { TypeFacts, type FileTypes } from '../go/facts.js';
import { declarations, LazyPackageIndex, type PackageFile } from '../go/package.js';
import { fileGoVersion, type GoVersion } from '../go/version.js';
import type { GoParser, ParsedGo } from './parse.js';
import { LineIndex } from './position.js';
import { decodeSource, type SourceText } from './source.js';
import { readDirectoryFiles, type DirectoryFiles } from './directory-files.js';

export interface DirectoryJob {
  dir: string;
  /** The directory's files to fix, in the run's order, with their place in it. */
  files: ReadonlyArray<{ path: string; order: number }>;
  /** The names ending in .go the directory listed when the run walked it (see discover); undefined: it is listed anew. */
  listing?: readonly string[];
  /** The language version of the directory's module (outside one: the configured version, or the default). */
  moduleVersion: GoVersion;
  /** Outside a module with no version configured: a warning says which version is assumed. */
  versionAssumed: boolean;
  /** The type checker's facts of the files, by path (see go/facts.ts); none: every file is decided from syntax. */
  types?: Record<string, FileTypes>;
}

/** A warning about one file, placed by the file's order and the stage that made it (reading comes first). */
export interface FileWarning {
  order: number;
  stage: 'read' | 'analysis';
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface ScannedFile {
  order: number;
  path: string;
  source: SourceText;
  /** The file's findings and fixes, without its fixed text: rendering makes that anew from the applied fixes (see render.ts). */
  analysis: ScanFixes;
}

export type ScanFixes = Omit<FixedFile, 'output'>;

export interface DirectoryScan {
  /** Files read. */
  scanned: number;
  /** Files the per-file codemods have findings in. */
  fixed: ScannedFile[];
  warnings: FileWarning[];
  /** For each module-wide codemod, the files (paths, in order) it needs to see. */
  moduleNeeds: Record<string, string[]>;
  /** Files the per-file codemods looked at without the type checker's facts, and why (only when the job had facts). */
  untyped: Array<{ order: number; path: string; reason: string }>;
}

/** At most this much text of a directory's files parsed ahead of their scan keeps its trees (see scanDirectory). */
const EARLY_TREES_CHARS = 1 << 20;

/** Scans the job's directory, whose files are `files` (see readDirectoryFiles). */
export function scanDirectory(
  parser: GoParser,
  job: DirectoryJob,
  codemods: readonly Codemod[],
  options: OptionsByCodemod,
  files: DirectoryFiles,
): DirectoryScan {
  const { texts, warnings } = readDirectory(job, files);
  const scan: DirectoryScan = { scanned: texts.size, fixed: [], warnings, moduleNeeds: {}, untyped: [] };
  const wanted = wantedFiles(job, texts, codemods, scan.moduleNeeds);
  if (wanted.length === 0) return scan;

  // A file still to be scanned that the index parses first keeps its tree for its scan, so that it is not parsed
  // twice, as long as the trees kept hold less than EARLY_TREES_CHARS of text: a tree takes tens of times its text's
  // size in the parser's wasm memory, which never shrinks (minio/cmd's 385 trees kept at once grew it by 180 MB).
  const pending = new Set(wanted.map((w) => w.path));
  const early = new Map<string, ParsedGo>();
  let earlyChars = 0;
  const index = new LazyPackageIndex(packageFiles(files, texts), (file, text) => {
    const parsed = parser.parse(text);
    if (pending.has(file.path) && earlyChars + text.length <= EARLY_TREES_CHARS) {
      early.set(file.path, parsed);
      earlyChars += text.length;
    }
    try {
      // A file that does not parse tells nothing reliable (and its package does not compile).
      return parsed.firstError
        ? undefined
        : guarded(scan, { order: orderOf(job, file.path), stage: 'analysis', path: file.path }, () => declarations(parsed.root));
    } finally {
      if (!early.has(file.path)) parsed.dispose();
    }
  });
  try {
    for (const file of wanted) {
      pending.delete(file.path);
      const source = texts.get(file.path)!;
      const parsed = early.get(file.path);
      if (early.delete(file.path)) earlyChars -= source.text.length;
      scanFile(parser, job, { ...file, source, parsed }, { index, options, scan });
    }
  } finally {
    for (const parsed of early.values()) parsed.dispose();
  }
  return scan;
}

/** A file the per-file codemods want, and those codemods. */
interface Wanted {
  order: number;
  path: string;
  codemods: Codemod[];
}

/**
 * The files whose text the per-file codemods may match (mayMatch), and in `moduleNeeds` those a
 * module-wide codemod needs (every file of the directory when one asks for it).
 */
function wantedFiles(
  job: DirectoryJob,
  texts: ReadonlyMap<string, SourceText>,
  codemods: readonly Codemod[],
  moduleNeeds: DirectoryScan['moduleNeeds'],
): Wanted[] {
  const wanted: Wanted[] = [];
  const perFile = codemods.filter((c) => c.run);
  const moduleWide = codemods.filter((c) => c.runModule);
  const wholeDirectoryFor = new Set<Codemod>();
  for (const { path, order } of job.files) {
    const source = texts.get(path);
    if (!source) continue;
    const versions = possibleVersions(source.text, job.moduleVersion);
    const mine = perFile.filter((c) => mayMatch(c, source.text, versions));
    if (mine.length > 0) wanted.push({ order, path, codemods: mine });
    for (const c of moduleWide) {
      if (!mayMatch(c, source.text, versions)) continue;
      (moduleNeeds[c.name] ??= []).push(path);
      if (c.needsDirectoryOf?.test(source.text)) wholeDirectoryFor.add(c);
    }
  }
  for (const c of wholeDirectoryFor) moduleNeeds[c.name] = [...texts.keys()];
  return wanted;
}

/** Opens one wanted file, adds its declarations to the package index, and runs its codemods (passes included). */
function scanFile(
  parser: GoParser,
  job: DirectoryJob,
  { order, path, codemods: mine, source, parsed }: Wanted & { source: SourceText; parsed?: ParsedGo },
  { index, options, scan }: { index: LazyPackageIndex; options: OptionsByCodemod; scan: DirectoryScan },
): void {
  const at = { order, stage: 'analysis' as const, path };
  const facts = job.types?.[path];
  const types = facts && 'facts' in facts ? guarded(scan, at, () => TypeFacts.of(facts.facts, source.text, source.bom)) : undefined;
  const opened = openGoFile(parser, { path, text: source.text, moduleVersion: job.moduleVersion, pkg: index, types }, parsed);
  if (opened.kind === 'unparsable') {
    scan.warnings.push({ ...at, ...new LineIndex(source.text).position(opened.at), message: 'does not parse; skipped' });
    index.add(path, undefined);
    return;
  }
  if (opened.kind === 'generated') return;
  try {
    index.add(
      path,
      guarded(scan, at, () => declarations(opened.file.root)),
    );
    if (facts && 'untyped' in facts) scan.untyped.push({ order, path, reason: facts.untyped });
    const analysis = guarded(scan, at, () => {
      const first = analyzeFile(parser, opened, mine, options);
      const types = opened.file.types;
      return first.kind === 'fixed'
        ? laterPasses(parser, source.text, first, (text, applied) =>
            findingsAfter(
              parser,
              { path, text, moduleVersion: job.moduleVersion, pkg: index, types: types?.after(source.text, mergeFixes(applied).edits) },
              mine,
              options,
            ),
          )
        : first;
    });
    if (analysis?.kind === 'broken-fix') scan.warnings.push({ ...at, message: brokenFixMessage(analysis) });
    else if (analysis && analysis.findings.length > 0) {
      const { output: _, ...fixes } = analysis;
      scan.fixed.push({ order, path, source, analysis: fixes });
    }
  } finally {
    opened.dispose();
  }
}

/** What the codemods find in a file's text after a pass of fixes (undefined if it does not open). */
function findingsAfter(parser: GoParser, input: FileInput, codemods: readonly Codemod[], options: OptionsByCodemod): Finding[] | undefined {
  const opened = openGoFile(parser, input);
  if (opened.kind !== 'open') return undefined;
  try {
    return findingsIn(opened.file, codemods, options);
  } finally {
    opened.dispose();
  }
}

export function brokenFixMessage(broken: BrokenFix): string {
  return `bug: fixes by ${broken.codemods.join(', ')} would make this file unparsable; not changed (please report it)`;
}

/**
 * Runs one file's (or module's) step so that a goprod bug there is reported and skipped
 * instead of ending the run: every other file is still fixed.
 */
export function guarded<T>(scan: { warnings: FileWarning[] }, at: Omit<FileWarning, 'message'>, step: () => T): T | undefined {
  try {
    return step();
  } catch (e) {
    scan.warnings.push({ ...at, message: bugMessage(e) });
    return undefined;
  }
}

export function bugMessage(e: unknown): string {
  const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return `bug: goprod failed here (${why}); skipped (please report it)`;
}

/** The texts of the directory's files that can be read, and warnings about the others (and about a missing go.mod). */
export function readDirectory(
  job: DirectoryJob,
  files: DirectoryFiles = readDirectoryFiles(job.dir, job.files.map((f) => f.path), job.listing),
): { texts: Map<string, SourceText>; warnings: FileWarning[] } {
  const texts = new Map<string, SourceText>();
  const warnings: FileWarning[] = [];
  for (const { path, order } of job.files) {
    const bytes = files.read.get(path)!;
    if ('error' in bytes) {
      warnings.push({ order, stage: 'read', path, message: `cannot read this file (${bytes.error}); skipped` });
      continue;
    }
    const source = decodeSource(bytes);
    if (!source) {
      warnings.push({ order, stage: 'read', path, message: 'not valid UTF-8; skipped' });
      continue;
    }
    if (texts.size === 0 && job.versionAssumed)
      warnings.push({ order, stage: 'read', path: job.dir, message: `no go.mod found; assuming Go ${job.moduleVersion}` });
    texts.set(path, source);
  }
  return { texts, warnings };
}

/**
 * The language versions a file may have, from its text alone: its module's, and the one a
 * `//go:build` line implies (found anywhere, a superset of where Go looks).
 */
export function possibleVersions(text: string, moduleVersion: GoVersion): GoVersion[] {
  if (!text.includes('//go:build')) return [moduleVersion];
  const tagged = [...text.matchAll(/^\/\/go:build\s+(.*)$/gm)].map((m) => fileGoVersion(moduleVersion, m[1]!.trimEnd()));
  return [...new Set([moduleVersion, ...tagged])];
}

/** Every .go file of the directory (also those not being fixed), for the package index; texts decoded once. */
function packageFiles(files: DirectoryFiles, texts: Map<string, SourceText>): PackageFile[] {
  return files.listed.map((path) => ({
    path,
    text: () => {
      const bytes = files.read.get(path);
      if (!texts.has(path) && bytes && !('error' in bytes)) {
        const source = decodeSource(bytes);
        if (source) texts.set(path, source);
      }
      return texts.get(path)?.text;
    },
  }));
}

function orderOf(job: DirectoryJob, path: string): number {
  return job.files.find((f) => f.path === path)?.order ?? job.files[0]!.order;
}
