// The runner: discover files, find each one's module and Go version, analyse each file, and
// collect what changed. Printing and writing are the caller's (see cli.ts).
import { dirname } from 'node:path';
import { analyzeFile } from './analyze.js';
import type { Codemod } from './codemod.js';
import type { Fix } from './edits.js';
import type { Finding } from './analyze.js';
import { discoverGoFiles } from './discover.js';
import { ModuleFinder, type GoModule } from './go/module.js';
import { GO_MOD_DEFAULT, type GoVersion } from './go/version.js';
import { loadGoParser } from './parser.js';
import { LineIndex } from './position.js';
import { readSource, withBom, type SourceText } from './source.js';
import { renderFiles } from './render.js';
import { verifyFiles, type BackedOut } from './verify.js';

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
}

export interface RunOptions {
  /** Resolves relative paths; default the process's working directory. */
  cwd?: string;
  /** Prove fixes with go build and go vet, backing out those that break (default true). */
  verify?: boolean;
}

/** Runs codemods on the Go files under `paths`: analyse, format, verify. Writes nothing. */
export async function runCodemods(paths: readonly string[], codemods: readonly Codemod[], options: RunOptions = {}): Promise<RunResult> {
  const result = await analyzeFiles(paths, codemods, options.cwd ?? process.cwd());
  await renderFiles(result.files.filter((f) => f.applied.length > 0));
  if (options.verify ?? true) await verifyFiles(result.files);
  return result;
}

async function analyzeFiles(paths: readonly string[], codemods: readonly Codemod[], cwd: string): Promise<RunResult> {
  const parser = await loadGoParser();
  const modules = new ModuleFinder();
  const result: RunResult = { files: [], warnings: [], scanned: 0 };
  const warnedNoModule = new Set<string>();
  for (const path of discoverGoFiles(paths, cwd)) {
    const source = readSource(path);
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
    const analysis = analyzeFile(parser, source.text, module?.goVersion ?? GO_MOD_DEFAULT, codemods, path);
    switch (analysis.kind) {
      case 'generated':
        break;
      case 'unparsable':
        result.warnings.push({ path, ...new LineIndex(source.text).position(analysis.at), message: 'does not parse; skipped' });
        break;
      case 'broken-fix':
        result.warnings.push({ path, message: `bug: fixes by ${analysis.codemods.join(', ')} would make this file unparsable; not changed (please report it)` });
        break;
      case 'fixed':
        if (analysis.findings.length > 0) {
          const { goVersion, findings, applied, deferred, output } = analysis;
          result.files.push({ path, module, goVersion, source, findings, applied, deferred, output, linesOf: new Map(), backedOut: [] });
        }
    }
  }
  return result;
}

/** Whether --write would change the file: it has fixes left and they were proven (or proof was not asked for). */
export function willChange(file: FileResult, verified: boolean): boolean {
  return file.applied.length > 0 && !(verified && file.unverified);
}

export function originalContent(file: FileResult): string {
  return withBom(file.source, file.source.text);
}

export function fixedContent(file: FileResult): string {
  return withBom(file.source, file.output);
}
