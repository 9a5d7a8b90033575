// The runner, as its stages: discover the files, scan each directory (read, keep what a
// codemod may match, parse once, per-file codemods: see scan.ts), run the module-wide codemods
// on the files they need, merge their fixes, then format (render.ts) and verify (verify.ts).
// Printing and writing are the caller's (see cli.ts).
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  applyFindings,
  findingsIn,
  openGoFile,
  parses,
  suppressions,
  type Finding,
  type SyntaxCheck,
} from './analyze.js';
import { appliesTo, mayMatch, type Codemod, type ModuleFiles, type OptionsByCodemod } from './codemod.js';
import { discover, discoverGoFiles, type Discovered, type Exclude } from './discover.js';
import type { GoFile } from '../go/file.js';
import { ModuleFinder, type GoModule } from '../go/module.js';
import { GO_MOD_DEFAULT, type GoVersion } from '../go/version.js';
import type { FileResult, Progress, RunResult, Warning } from './model.js';
import { loadGoParser, type GoParser } from './parse.js';
import { renderFiles } from './render.js';
import { scanDirectories } from './pool.js';
import type { ResultCache } from './cache.js';
import { readFiles, type ReadFiles } from './directory-files.js';
import { recordReads, ScanCache, type ModuleFindings, type ModuleRun } from './scan-cache.js';
import {
  bugMessage,
  brokenFixMessage,
  possibleVersions,
  readDirectory,
  type DirectoryJob,
  type DirectoryScan,
  type FileWarning,
  type ScanFixes,
} from './scan.js';
import { TypeFacts, type FileTypes } from '../go/facts.js';
import { typeFactsFor, type RunTypes } from './type-facts.js';
import { decodeSource, filesOnDisk, readSource, type SourceText } from './source.js';
import { verifyFiles } from '../proof/verify.js';
import { HelperProcesses } from '../go/helper-process.js';

export interface RunOptions {
  /** Resolves relative paths; default the process's working directory. */
  cwd?: string;
  /** Prove fixes with go build and go vet, backing out those that break (default true). */
  verify?: boolean;
  /** Let the go command download missing modules before verifying (`go mod download`). */
  download?: boolean;
  /** Verify with go vet under every build configuration, not only the host's. */
  vetEveryConfig?: boolean;
  /** Let codemods ask Go's type checker (see type-facts.ts); default: when verifying. */
  typeFacts?: boolean;
  /** Each codemod's options (optionsByCodemod): a codemod sees its own only. */
  codemodOptions?: OptionsByCodemod;
  /** Worker threads for scanning (default: one per core up to 8, none for a small tree; 1: this thread only). */
  threads?: number;
  /**
   * Where to keep each directory's scan, gofmt's outputs and the type checker's findings, so
   * that a rerun over unchanged files parses, formats and type-checks nothing (see cache.ts and
   * helper/memo.go); none: everything is done afresh.
   */
  cache?: ResultCache;
  /** Paths to leave alone (the config file's `exclude`). */
  exclude?: Exclude;
  /** The language version of files outside any module (default: as go.mod without a go directive, with a warning). */
  goOutsideModule?: GoVersion;
  /** Told how far the run is, as it goes. */
  onProgress?: (progress: Progress) => void;
  /** The run's helper processes, shared by the type facts and the proof (else the run's own, ended with it). */
  helpers?: HelperProcesses;
}

/** Which files a run sees and at which version: the options reports that change nothing share. */
export type FileOptions = Pick<RunOptions, 'exclude' | 'goOutsideModule'>;

/** Runs codemods on the Go files under `paths`: analyse, format, verify. Writes nothing. */
export async function runCodemods(paths: readonly string[], codemods: readonly Codemod[], options: RunOptions = {}): Promise<RunResult> {
  const helpers = options.helpers ?? new HelperProcesses(options.cache?.dir);
  try {
    const result = await analyzeFiles(paths, codemods, options.cwd ?? process.cwd(), {
      ...options,
      helpers,
      typeFacts: options.typeFacts ?? options.verify ?? true,
    });
    await renderFiles(result.files.filter((f) => f.applied.length > 0), options.cache);
    options.cache?.trim();
    if (options.verify ?? true)
      result.verification = await verifyFiles(result.files, {
        download: options.download ?? false,
        vetEveryConfig: options.vetEveryConfig ?? false,
        onProgress: options.onProgress,
        helpers,
      });
    return result;
  } finally {
    if (!options.helpers) helpers.close();
  }
}

/** A file with findings and its place in the run's order (files created by codemods come last). */
interface Placed {
  order: number;
  file: FileResult;
}

async function analyzeFiles(
  paths: readonly string[],
  codemods: readonly Codemod[],
  cwd: string,
  { codemodOptions: options = {}, threads, onProgress, typeFacts, helpers, cache, ...files }: RunOptions,
): Promise<RunResult> {
  const result: RunResult = { files: [], warnings: [], scanned: 0 };
  const modules = new ModuleFinder();
  const { files: discovered, listings } = discover(paths, cwd, warnTo(result), files.exclude);
  const jobs = directoryJobs(discovered, modules, files.goOutsideModule, listings);
  const factsStart = performance.now();
  const types =
    typeFacts && discovered.length > 0 ? await typesOf(await loadGoParser(), jobs, codemods, { options, onProgress, helpers }) : undefined;
  if (types) result.types = { checks: types.checks, untyped: [], seconds: (performance.now() - factsStart) / 1000 };
  const warnings: FileWarning[] = [];
  const placed = new Map<string, Placed>();
  const needs = new Map<GoModule, Map<string, Set<string>>>();
  const progress = { stage: 'scan' as const, files: 0, of: discovered.length, fixes: 0 };
  const scanCache = cache && ScanCache.of(cache, codemods, options);
  const scanned = (scan: DirectoryScan) => {
    progress.files += scan.scanned;
    progress.fixes += scan.fixed.reduce((n, f) => n + f.analysis.applied.length, 0);
    onProgress?.(progress);
  };
  // The parser (its wasm) is loaded only when something is parsed: not on a rerun that the cache answers.
  const scans = await scanDirectories(loadGoParser, jobs.map((j) => j.job), codemods, options, { threads, scanned, cache: scanCache });
  const untyped: DirectoryScan['untyped'] = [];
  scans.forEach((scan, i) => {
    const { module } = jobs[i]!;
    result.scanned += scan.scanned;
    warnings.push(...scan.warnings);
    untyped.push(...scan.untyped);
    for (const f of scan.fixed) placed.set(f.path, { order: f.order, file: fileResult(f.path, module, f.source, f.analysis) });
    if (module) addModuleNeeds(needs, module, scan.moduleNeeds);
  });
  const order = new Map(discovered.map((path, i) => [path, i]));
  const gathered: Gathered = { placed, created: [], bugs: [], late: [], warnings };
  let check: SyntaxCheck | undefined;
  for (const [module, byCodemod] of needs) {
    const run = { module, needs: byCodemod, types: types?.files };
    const fromModule = await cachedModuleFindings(run, { codemods, options, bugs: gathered.bugs, cache: scanCache });
    if (fromModule.findings.size === 0) continue;
    const merge = (syntax: SyntaxCheck, into: Gathered) =>
      mergeModuleFindings(syntax, module, fromModule, { order, modules, goOutsideModule: files.goOutsideModule }, into);
    // The parser (its wasm) is loaded only when the cache does not know whether a fixed text parses.
    if (scanCache && mergedFromCache(scanCache, merge, gathered)) continue;
    check ??= scanCache ? scanCache.syntaxCheck(parses(await loadGoParser())) : parses(await loadGoParser());
    merge(check, gathered);
  }
  const byStage = (stage: FileWarning['stage']) =>
    warnings
      .filter((w) => w.stage === stage)
      .sort((a, b) => a.order - b.order)
      .map(asWarning);
  result.warnings.push(...(types?.warnings ?? []), ...byStage('read'), ...gathered.bugs, ...byStage('analysis'), ...gathered.late);
  if (result.types) result.types.untyped = untyped.sort((a, b) => a.order - b.order).map(({ path, reason }) => ({ path, reason }));
  result.files = [...[...placed.values()].sort((a, b) => a.order - b.order).map((p) => p.file), ...gathered.created];
  return result;
}

/** Adds a directory's files that module-wide codemods need to those of its module, by codemod. */
function addModuleNeeds(needs: Map<GoModule, Map<string, Set<string>>>, module: GoModule, found: DirectoryScan['moduleNeeds']): void {
  for (const [name, needed] of Object.entries(found)) {
    const byCodemod = needs.get(module) ?? new Map<string, Set<string>>();
    needs.set(module, byCodemod);
    const paths = byCodemod.get(name) ?? new Set<string>();
    byCodemod.set(name, paths);
    for (const path of needed) paths.add(path);
  }
}

/** Where a run's findings gather: files by path (with their place in the run's order), created files, and warnings. */
interface Gathered {
  placed: Map<string, Placed>;
  created: FileResult[];
  /** A module-wide codemod that failed (a goprod bug). */
  bugs: Warning[];
  /** Files a module-wide codemod's fixes could not be applied to, told after the others. */
  late: Warning[];
  warnings: FileWarning[];
}

/**
 * Merges a module's findings (see mergeModuleFindings) with what the cache says of each fixed
 * text's syntax, if it knows them all: the merge goes into a copy of `gathered`, which is taken
 * only then.
 */
function mergedFromCache(cache: ScanCache, merge: (syntax: SyntaxCheck, into: Gathered) => void, gathered: Gathered): boolean {
  let known = true;
  const kept: SyntaxCheck = (text) => {
    const answer = cache.keptSyntax(text);
    if (!answer) known = false;
    return answer?.at;
  };
  const copy: Gathered = { placed: new Map(gathered.placed), created: [], bugs: [], late: [], warnings: [] };
  merge(kept, copy);
  if (!known) return false;
  gathered.placed.clear();
  for (const [path, placed] of copy.placed) gathered.placed.set(path, placed);
  gathered.created.push(...copy.created);
  gathered.bugs.push(...copy.bugs);
  gathered.late.push(...copy.late);
  gathered.warnings.push(...copy.warnings);
  return true;
}

/**
 * Adds a module-wide codemod's findings to the files they are in: a file of the scan gets them
 * with its own (applied together), a file the scan did not see or that does not exist yet
 * (a file the codemod creates) is read or made here.
 */
function mergeModuleFindings(
  check: SyntaxCheck,
  module: GoModule,
  fromModule: ModuleOutcome,
  run: { order: ReadonlyMap<string, number>; modules: ModuleFinder; goOutsideModule?: GoVersion },
  into: Gathered,
): void {
  for (const [path, findings] of fromModule.findings) {
    const at = run.order.get(path);
    const had = into.placed.get(path)?.file;
    const isNew = !existsSync(path);
    const source = had?.source ?? fromModule.sources.get(path) ?? (isNew ? undefined : readSource(path));
    if (at === undefined || !source) {
      const text = isNew ? { text: '', bom: false } : source;
      const owner = run.modules.find(dirname(path));
      const analysis = text && applyFindings(check, text.text, owner?.goVersion ?? run.goOutsideModule ?? GO_MOD_DEFAULT, findings);
      if (!text || !analysis) into.late.push({ path, message: 'not valid UTF-8; not rewritten' });
      else if (analysis.kind === 'broken-fix') into.late.push({ path, message: brokenFixMessage(analysis) });
      else into.created.push({ ...fileResult(path, owner, text, analysis), ...(isNew ? { created: true } : {}) });
      continue;
    }
    // A file goprod could not parse or generated itself (then its module's version applies).
    const goVersion = had?.goVersion ?? fromModule.goVersions.get(path) ?? module.goVersion;
    const analysis = applyFindings(check, source.text, goVersion, [...(had?.findings ?? []), ...findings]);
    if (analysis.kind === 'broken-fix') {
      into.placed.delete(path);
      into.warnings.push({ order: at, stage: 'analysis', path, message: brokenFixMessage(analysis) });
    } else into.placed.set(path, { order: at, file: fileResult(path, module, source, analysis) });
  }
}

/** The type facts of the jobs' files (see type-facts.ts), handed to each job for its files. */
async function typesOf(
  parser: GoParser,
  jobs: ReadonlyArray<{ job: DirectoryJob; module: GoModule | undefined }>,
  codemods: readonly Codemod[],
  { options, onProgress, helpers }: { options: OptionsByCodemod; onProgress: RunOptions['onProgress']; helpers: RunOptions['helpers'] },
): Promise<RunTypes> {
  onProgress?.({ stage: 'types' });
  const wanted = (text: string, module: GoModule) => {
    const versions = possibleVersions(text, module.goVersion);
    return codemods.some((c) => mayMatch(c, text, versions));
  };
  const proposesFix = (path: string, text: string, module: GoModule) => {
    const opened = openGoFile(parser, { path, text, moduleVersion: module.goVersion });
    if (opened.kind !== 'open') return false;
    const { file } = opened;
    const withTypes = (c: Codemod) => c.mayFixWithTypes && appliesTo(c, file.goVersion) && c.mayFixWithTypes(file);
    try {
      return codemods.some(withTypes) || findingsIn(file, codemods, options).some((f) => f.fixes.length > 0);
    } finally {
      opened.dispose();
    }
  };
  const types = await typeFactsFor(
    jobs.flatMap(({ job, module }) => job.files.map((f) => ({ path: f.path, module }))),
    wanted,
    proposesFix,
    helpers,
  );
  for (const { job } of jobs) {
    const mine: Record<string, FileTypes> = {};
    for (const { path } of job.files) {
      const t = types.files.get(path);
      if (t) mine[path] = t;
    }
    job.types = mine;
  }
  return types;
}

/** The directories of the discovered files, in order of their first file, each with its module. */
function directoryJobs(
  paths: readonly string[],
  modules: ModuleFinder,
  goOutsideModule: GoVersion | undefined,
  listings?: Discovered['listings'],
): Array<{ job: DirectoryJob & { files: Array<{ path: string; order: number }> }; module: GoModule | undefined }> {
  const jobs = new Map<string, { job: DirectoryJob & { files: Array<{ path: string; order: number }> }; module: GoModule | undefined }>();
  paths.forEach((path, order) => {
    const dir = dirname(path);
    let entry = jobs.get(dir);
    if (!entry) {
      const module = modules.find(dir);
      const moduleVersion = module?.goVersion ?? goOutsideModule ?? GO_MOD_DEFAULT;
      const listing = listings?.get(dir);
      const versionAssumed = !module && !goOutsideModule;
      entry = { job: { dir, files: [], moduleVersion, versionAssumed, ...(listing && { listing }) }, module };
      jobs.set(dir, entry);
    }
    entry.job.files.push({ path, order });
  });
  return [...jobs.values()];
}

interface ModuleOutcome extends ModuleFindings {
  /** The texts read for the codemods. */
  sources: Map<string, SourceText>;
}

/**
 * The module-wide codemods' findings (see moduleFindings), from the cache when they are kept
 * there for the files they need as those read now, and the other files they read through their
 * view read the same. Found anew, they are kept unless a codemod failed.
 */
async function cachedModuleFindings(
  run: ModuleRun,
  { codemods, options, bugs, cache }: { codemods: readonly Codemod[]; options: OptionsByCodemod; bugs: Warning[]; cache?: ScanCache },
): Promise<ModuleOutcome> {
  const needed = readFiles(neededPaths(run.needs));
  const sources = sourcesOf(needed.read);
  const kept = cache?.getModule(run, needed.digest, filesOnDisk);
  if (kept) return { ...kept, sources };
  const recording = recordReads(filesOnDisk);
  const failed = bugs.length;
  const found = moduleFindings(await loadGoParser(), run, { codemods, options, bugs }, sources, recording.files);
  if (cache && bugs.length === failed) cache.putModule(run, needed.digest, recording.reads, found);
  return { ...found, sources };
}

/** Every file a module-wide codemod needs, sorted. */
function neededPaths(needs: ModuleRun['needs']): string[] {
  return [...new Set([...needs.values()].flatMap((s) => [...s]))].sort();
}

/** The texts of the files read; those that could not be read or are not UTF-8 are left out (the directory's scan warned). */
function sourcesOf(read: ReadFiles): Map<string, SourceText> {
  const sources = new Map<string, SourceText>();
  for (const [path, bytes] of read) {
    const source = 'error' in bytes ? undefined : decodeSource(bytes);
    if (source) sources.set(path, source);
  }
  return sources;
}

/** Runs the module-wide codemods on the files each needs (read and parsed here; the trees live only during the call). */
function moduleFindings(
  parser: GoParser,
  { module, needs, types }: ModuleRun,
  { codemods, options, bugs }: { codemods: readonly Codemod[]; options: OptionsByCodemod; bugs: Warning[] },
  sources: ReadonlyMap<string, SourceText>,
  moduleFiles: ModuleFiles,
): ModuleFindings {
  const { opened, dispose } = openFiles(parser, sources, module.goVersion, types);
  const findings = new Map<string, Finding[]>();
  try {
    for (const codemod of codemods) {
      const mine = needs.get(codemod.name);
      if (!codemod.runModule || !mine) continue;
      const admitted = [...opened.values()].filter((f) => mine.has(f.path) && appliesTo(codemod, f.goVersion));
      try {
        for (const { path, diagnostic } of codemod.runModule(module, admitted, options[codemod.name] ?? {}, moduleFiles)) {
          const file = opened.get(path);
          if (file && suppressions(file).silences(codemod, diagnostic.start)) continue;
          findings.set(path, [...(findings.get(path) ?? []), { ...diagnostic, codemod: codemod.name }]);
        }
      } catch (e) {
        bugs.push({ path: module.dir, message: bugMessage(e) });
      }
    }
  } finally {
    dispose();
  }
  return { findings, goVersions: new Map([...opened].map(([path, file]) => [path, file.goVersion])) };
}

/** Parses the texts (generated and unparsable files left out), with their type facts if known; `dispose` frees every tree. */
function openFiles(
  parser: GoParser,
  sources: ReadonlyMap<string, SourceText>,
  moduleVersion: GoVersion,
  types?: ReadonlyMap<string, FileTypes>,
): { opened: Map<string, GoFile>; dispose(): void } {
  const opened = new Map<string, GoFile>();
  const disposers: Array<() => void> = [];
  for (const [path, { text, bom }] of sources) {
    const known = types?.get(path);
    const o = openGoFile(parser, {
      path,
      text,
      moduleVersion,
      types: known && 'facts' in known ? TypeFacts.of(known.facts, text, bom) : undefined,
    });
    if (o.kind !== 'open') continue;
    disposers.push(o.dispose);
    opened.set(path, o.file);
  }
  return { opened, dispose: () => disposers.forEach((d) => d()) };
}

/** The file's result; its output is its text until renderFiles makes the fixed text from the applied fixes. */
function fileResult(path: string, module: GoModule | undefined, source: SourceText, analysis: ScanFixes): FileResult {
  const { goVersion, findings, applied, deferred } = analysis;
  return { path, module, goVersion, source, findings, applied, deferred, output: source.text, linesOf: new Map(), backedOut: [] };
}

function asWarning({ order: _, stage: __, ...warning }: FileWarning): Warning {
  return warning;
}

function warnTo(result: RunResult) {
  return (path: string, message: string) => void result.warnings.push({ path, message });
}

/** Reads and parses the Go files under `paths` and hands each module's files to `fn` (for reports that change nothing). */
export async function inspectModules(
  paths: readonly string[],
  cwd: string,
  fn: (module: GoModule, files: readonly GoFile[], moduleFiles: ModuleFiles) => void,
  options: FileOptions = {},
): Promise<Warning[]> {
  const parser = await loadGoParser();
  const result: RunResult = { files: [], warnings: [], scanned: 0 };
  const byModule = new Map<GoModule, GoFile[]>();
  const disposers: Array<() => void> = [];
  try {
    for (const { job, module } of directoryJobs(
      discoverGoFiles(paths, cwd, warnTo(result), options.exclude),
      new ModuleFinder(),
      options.goOutsideModule,
    )) {
      const { texts, warnings } = readDirectory(job);
      result.warnings.push(...warnings.map(asWarning));
      if (!module) continue;
      const { opened, dispose } = openFiles(parser, texts, module.goVersion);
      disposers.push(dispose);
      byModule.set(module, [...(byModule.get(module) ?? []), ...opened.values()]);
    }
    for (const [module, files] of byModule) fn(module, files, filesOnDisk);
  } finally {
    for (const dispose of disposers) dispose();
  }
  return result.warnings;
}
