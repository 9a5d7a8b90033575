// The runner: discover files, find each one's module and Go version, analyse each file, and
// collect what changed. Printing and writing are the caller's (see cli.ts).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeFile, applyFindings, openGoFile, type FileAnalysis, type FileInput } from './analyze.js';
import { appliesTo, type Codemod, type CodemodOptions } from './codemod.js';
import type { Fix } from './edits.js';
import type { Finding } from './analyze.js';
import { discoverGoFiles } from './discover.js';
import type { GoFile } from './go/file.js';
import { ModuleFinder, type GoModule } from './go/module.js';
import { emptyPackageIndex, indexFile } from './go/package.js';
import { GO_MOD_DEFAULT, type GoVersion } from './go/version.js';
import { loadGoParser, type GoParser } from './parser.js';
import { LineIndex } from './position.js';
import { readSource, withBom, type SourceText } from './source.js';
import { renderFiles } from './render.js';
import { verifyFiles, type BackedOut, type Verification } from './verify.js';

export interface FileResult {
  /** Absolute path. */
  path: string;
  module: GoModule | undefined;
  goVersion: GoVersion;
  source: SourceText;
  findings: Finding[];
  applied: Fix[];
  deferred: Fix[];
  /** The new text (without BOM), gofmt-formatted; equal to source.text when nothing applies. */
  output: string;
  /** 1-based lines of `output` that each applied fix wrote. */
  linesOf: Map<Fix, Set<number>>;
  /** Fixes the Go toolchain rejected, with its reasons. */
  backedOut: BackedOut[];
  /** Why the fixes could not be verified; such a file is not written (unless verification is off). */
  unverified?: string;
  /** gofmt's complaint about the fixed text; the file's fixes are then dropped. */
  formatError?: string;
  /** A file a codemod creates: it does not exist yet. */
  created?: boolean;
  /** Why --write could not write the file (read-only, interrupted…). */
  notWritten?: string;
}

export interface Warning {
  path: string;
  message: string;
  /** A line and byte column, when the warning is about a place. */
  line?: number;
  column?: number;
}

export interface RunResult {
  /** Files with at least one finding. */
  files: FileResult[];
  warnings: Warning[];
  scanned: number;
  /** What verification did; absent when it was off. */
  verification?: Verification;
}

export interface RunOptions {
  /** Resolves relative paths; default the process's working directory. */
  cwd?: string;
  /** Prove fixes with go build and go vet, backing out those that break (default true). */
  verify?: boolean;
  /** Let the go command download missing modules before verifying (`go mod download`). */
  download?: boolean;
  codemodOptions?: CodemodOptions;
}

/** Runs codemods on the Go files under `paths`: analyse, format, verify. Writes nothing. */
export async function runCodemods(paths: readonly string[], codemods: readonly Codemod[], options: RunOptions = {}): Promise<RunResult> {
  const result = await analyzeFiles(paths, codemods, options.cwd ?? process.cwd(), options.codemodOptions ?? {});
  await renderFiles(result.files.filter((f) => f.applied.length > 0));
  if (options.verify ?? true) result.verification = await verifyFiles(result.files, { download: options.download ?? false });
  return result;
}

interface SourceFile extends FileInput {
  source: SourceText;
  module: GoModule | undefined;
}

async function analyzeFiles(paths: readonly string[], codemods: readonly Codemod[], cwd: string, options: CodemodOptions): Promise<RunResult> {
  const parser = await loadGoParser();
  const result: RunResult = { files: [], warnings: [], scanned: 0 };
  const modules = new ModuleFinder();
  const sources = readSources(discoverGoFiles(paths, cwd, warnTo(result)), modules, result);
  indexPackages(parser, sources, result);
  const fromModules = moduleFindings(parser, sources, codemods, options, result);
  for (const input of sources) {
    const fromModule = fromModules.get(input.path);
    fromModules.delete(input.path);
    guarded(result, input.path, () => {
      let analysis = analyzeFile(parser, input, codemods, options, fromModule);
      // A module-wide codemod may regenerate a file it generated before.
      if (analysis.kind === 'generated' && fromModule) analysis = applyFindings(parser, input.text, input.moduleVersion, fromModule);
      if (analysis.kind === 'unparsable') result.warnings.push({ path: input.path, ...new LineIndex(input.text).position(analysis.at), message: 'does not parse; skipped' });
      else addAnalysis(result, input, analysis);
    });
  }
  // Files that module-wide codemods create, or rewrite though they were not analysed (generated ones).
  for (const [path, findings] of fromModules) {
    const created = !existsSync(path);
    const source = created ? { text: '', bom: false } : readSource(path);
    const module = modules.find(dirname(path));
    if (!source) result.warnings.push({ path, message: 'not valid UTF-8; not rewritten' });
    else addAnalysis(result, { path, text: source.text, source, module, moduleVersion: module?.goVersion ?? GO_MOD_DEFAULT }, applyFindings(parser, source.text, module?.goVersion ?? GO_MOD_DEFAULT, findings), created);
  }
  return result;
}

function warnTo(result: RunResult) {
  return (path: string, message: string) => void result.warnings.push({ path, message });
}

/** Reads the files, finding each one's module; warns about files it cannot use. */
function readSources(paths: readonly string[], modules: ModuleFinder, result: RunResult): SourceFile[] {
  const warnedNoModule = new Set<string>();
  const sources: SourceFile[] = [];
  for (const path of paths) {
    let source;
    try {
      source = readSource(path);
    } catch (e) {
      result.warnings.push({ path, message: `cannot read this file (${(e as NodeJS.ErrnoException).code ?? String(e)}); skipped` });
      continue;
    }
    if (!source) {
      result.warnings.push({ path, message: 'not valid UTF-8; skipped' });
      continue;
    }
    result.scanned++;
    const module = modules.find(dirname(path));
    if (!module && !warnedNoModule.has(dirname(path))) {
      warnedNoModule.add(dirname(path));
      result.warnings.push({ path: dirname(path), message: `no go.mod found; assuming Go ${GO_MOD_DEFAULT}` });
    }
    sources.push({ path, text: source.text, moduleVersion: module?.goVersion ?? GO_MOD_DEFAULT, source, module });
  }
  return sources;
}

/**
 * Gives each file what its package's files declare (all .go files of its directory, also
 * those not being fixed), so a codemod can look a method up beyond its own file.
 */
function indexPackages(parser: GoParser, sources: SourceFile[], result: RunResult): void {
  const byDir = new Map<string, SourceFile[]>();
  for (const s of sources) byDir.set(dirname(s.path), [...(byDir.get(dirname(s.path)) ?? []), s]);
  for (const [dir, files] of byDir) {
    const pkg = emptyPackageIndex();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.go'))) {
      const path = join(dir, name);
      const text = files.find((f) => f.path === path)?.text ?? readSource(path)?.text;
      if (text === undefined) continue;
      const parsed = parser.parse(text);
      try {
        // A file that does not parse tells nothing reliable (and its package does not compile).
        if (!parsed.firstError) guarded(result, path, () => indexFile(pkg, parsed.root));
      } finally {
        parsed.dispose();
      }
    }
    for (const f of files) f.pkg = pkg;
  }
}

/** Runs the module-wide codemods on each module's files; their findings by file path. */
function moduleFindings(parser: GoParser, sources: readonly SourceFile[], codemods: readonly Codemod[], options: CodemodOptions, result: RunResult): Map<string, Finding[]> {
  const findings = new Map<string, Finding[]>();
  const wide = codemods.filter((c) => c.runModule);
  if (wide.length === 0) return findings;
  forEachModule(parser, sources, (module, goFiles) => {
    for (const codemod of wide) {
      const admitted = goFiles.filter((f) => appliesTo(codemod, f.goVersion));
      guarded(result, module.dir, () => {
        for (const { path, diagnostic } of codemod.runModule!(module, admitted, options)) {
          findings.set(path, [...(findings.get(path) ?? []), { ...diagnostic, codemod: codemod.name }]);
        }
      });
    }
  });
  return findings;
}

/** Calls `fn` with each module's parsed files (generated and unparsable ones left out); the trees live only during the call. */
function forEachModule(parser: GoParser, sources: readonly SourceFile[], fn: (module: GoModule, files: readonly GoFile[]) => void): void {
  const byModule = new Map<GoModule, SourceFile[]>();
  for (const s of sources) if (s.module) byModule.set(s.module, [...(byModule.get(s.module) ?? []), s]);
  for (const [module, files] of byModule) {
    const opened = files.map((f) => openGoFile(parser, f));
    try {
      fn(module, opened.flatMap((o) => (o.kind === 'open' ? [o.file] : [])));
    } finally {
      for (const o of opened) if (o.kind === 'open') o.dispose();
    }
  }
}

/** Reads and parses the Go files under `paths` and hands each module's files to `fn` (for reports that change nothing). */
export async function inspectModules(paths: readonly string[], cwd: string, fn: (module: GoModule, files: readonly GoFile[]) => void): Promise<Warning[]> {
  const result: RunResult = { files: [], warnings: [], scanned: 0 };
  const sources = readSources(discoverGoFiles(paths, cwd, warnTo(result)), new ModuleFinder(), result);
  forEachModule(await loadGoParser(), sources, fn);
  return result.warnings;
}

/**
 * Runs one file's (or module's) step so that a goprod bug there is reported and skipped
 * instead of ending the run: every other file is still fixed.
 */
function guarded(result: RunResult, path: string, step: () => void): void {
  try {
    step();
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    result.warnings.push({ path, message: `bug: goprod failed here (${why}); skipped (please report it)` });
  }
}

function addAnalysis(result: RunResult, input: SourceFile, analysis: FileAnalysis, created = false): void {
  const { path, source, module } = input;
  if (analysis.kind === 'broken-fix') result.warnings.push({ path, message: `bug: fixes by ${analysis.codemods.join(', ')} would make this file unparsable; not changed (please report it)` });
  if (analysis.kind !== 'fixed' || analysis.findings.length === 0) return;
  const { goVersion, findings, applied, deferred, output } = analysis;
  result.files.push({ path, module, goVersion, source, findings, applied, deferred, output, linesOf: new Map(), backedOut: [], ...(created ? { created } : {}) });
}

/** Whether --write changes (or changed) the file: it has fixes left, they were proven (or proof was not asked for), and it could be written. */
export function willChange(file: FileResult, verified: boolean): boolean {
  return file.applied.length > 0 && !(verified && file.unverified) && !file.notWritten;
}

export function originalContent(file: FileResult): string {
  return withBom(file.source, file.source.text);
}

export function fixedContent(file: FileResult): string {
  return withBom(file.source, file.output);
}
