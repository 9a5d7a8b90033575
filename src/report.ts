// What goprod prints: unified diffs, the JSON document, warnings and the closing summary.
// Positions leave goprod here, so this is where string indices become lines and byte columns.
import { relative, sep } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { Edit } from './edits.js';
import { LineIndex, utf8Length } from './position.js';
import { fixedContent, originalContent, type FileResult, type RunResult, type Warning } from './runner.js';

/** A path as the user should see it: relative to the working directory, with forward slashes. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path) || '.';
  return rel.split(sep).join('/');
}

/** A unified diff `git apply` accepts (run from `cwd`). */
export function unifiedDiff(file: FileResult, cwd: string): string {
  const name = displayPath(file.path, cwd);
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, originalContent(file), fixedContent(file), undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
}

export function formatWarning(w: Warning, cwd: string): string {
  const where = w.line === undefined ? displayPath(w.path, cwd) : `${displayPath(w.path, cwd)}:${w.line}:${w.column}`;
  return `goprod: ${where}: ${w.message}`;
}

export interface Counts {
  files: number;
  fixes: number;
  deferred: number;
}

export function counts(result: RunResult): Counts {
  const changed = result.files.filter((f) => f.applied.length > 0);
  return {
    files: changed.length,
    fixes: changed.reduce((n, f) => n + f.applied.length, 0),
    deferred: result.files.reduce((n, f) => n + f.deferred.length, 0),
  };
}

export function summary(result: RunResult, mode: 'dry-run' | 'write' | 'check'): string {
  const c = counts(result);
  const fixes = `${c.fixes} ${plural(c.fixes, 'fix', 'fixes')} in ${c.files} ${plural(c.files, 'file', 'files')}`;
  const deferred = c.deferred > 0 ? `; ${c.deferred} overlapping ${plural(c.deferred, 'fix', 'fixes')} deferred (applied ${c.fixes} of ${c.fixes + c.deferred}; run again for the rest)` : '';
  const scanned = `${result.scanned} Go ${plural(result.scanned, 'file', 'files')} scanned`;
  if (c.fixes === 0) return `no fixes needed (${scanned})`;
  switch (mode) {
    case 'write':
      return `applied ${fixes}${deferred}`;
    case 'check':
      return `${fixes} pending${deferred}; run with --write to apply`;
    case 'dry-run':
      return `${fixes}${deferred}; run with --write to apply`;
  }
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** The `--json` document: every finding with byte-based positions, its fixes and their edits. */
export function jsonReport(result: RunResult, cwd: string, mode: 'dry-run' | 'write' | 'check'): unknown {
  return {
    mode,
    findings: result.files.flatMap((file) => {
      const lines = new LineIndex(file.source.text);
      const bomBytes = file.source.bom ? 3 : 0;
      const range = (start: number, end: number) => {
        const s = lines.position(start);
        const e = lines.position(end);
        return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
      };
      const edit = (e: Edit) => ({ ...range(e.start, e.end), offset: bomBytes + lines.byteOffset(e.start), length: utf8Length(file.source.text.slice(e.start, e.end)), newText: e.text });
      return file.findings.map((f) => ({
        codemod: f.codemod,
        file: displayPath(file.path, cwd),
        ...range(f.start, f.end),
        message: f.message,
        fixes: f.fixes.map((fix) => ({ message: fix.message, applied: file.applied.includes(fix), edits: fix.edits.map(edit) })),
      }));
    }),
    warnings: result.warnings.map((w) => ({ file: displayPath(w.path, cwd), ...(w.line === undefined ? {} : { line: w.line, column: w.column }), message: w.message })),
    summary: { ...counts(result), scanned: result.scanned },
  };
}
