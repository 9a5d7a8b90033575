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

export interface FileResult {
  /** Absolute path. */
  path: string;
  module: GoModule | undefined;
  goVersion: GoVersion;
  source: SourceText;
  findings: Finding[];
  applied: Fix[];
  deferred: Fix[];
  /** The new text (without BOM); equal to source.text when nothing applies. */
  output: string;
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

/** Runs codemods on the Go files under `paths` (relative to `cwd`). */
export async function runCodemods(paths: readonly string[], codemods: readonly Codemod[], cwd = process.cwd()): Promise<RunResult> {
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
          result.files.push({ path, module, goVersion: analysis.goVersion, source, findings: analysis.findings, applied: analysis.applied, deferred: analysis.deferred, output: analysis.output });
        }
    }
  }
  return result;
}

export function originalContent(file: FileResult): string {
  return withBom(file.source, file.source.text);
}

export function fixedContent(file: FileResult): string {
  return withBom(file.source, file.output);
}
