// The `--format=json` document: every finding with byte-based positions (1-based lines, UTF-8
// byte columns, as Go tools print them), its fixes with their edits and status, and the
// summary. Its producer (jsonReport) and its reader (goprod bulk, which runs goprod fix in
// each repository) share the types and the words of a fix's status below.
import type { Edit } from '../engine/edits.js';
import { counts, type Counts, type FileResult, type FixStatus, fixStatus, type Mode, type RunResult } from '../engine/model.js';
import { LineIndex, utf8Length } from '../engine/position.js';
import { arrayOf, boolean, type Check, nullable, number, object, oneOf, optional, string } from '../checked-json.js';
import { displayPath, where } from './text.js';

export interface FixDocument {
  mode: Mode;
  verified: boolean;
  findings: FindingJson[];
  warnings: WarningJson[];
  /** Absent facts (--no-verify, --no-type-facts) are null: every file was decided from syntax. */
  typeFacts: { configurations: string[]; withoutTypes: Array<{ file: string; reason: string }> } | null;
  summary: Counts & { scanned: number; configurations?: string[] };
}

export interface RangeJson {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FindingJson extends RangeJson {
  codemod: string;
  file: string;
  message: string;
  /** For a finding goprod cannot fix: why. */
  reason?: string;
  fixes: FixJson[];
}

export interface FixJson {
  message: string;
  /** The fix's status in words (statusWords); statusOf reads them back. */
  status: string;
  edits: EditJson[];
}

export interface EditJson extends RangeJson {
  /** Bytes from the start of the file (a BOM included), and how many the edit replaces. */
  offset: number;
  length: number;
  newText: string;
}

export interface WarningJson {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export function jsonReport(result: RunResult, cwd: string, mode: Mode, verified: boolean): FixDocument {
  return {
    mode,
    verified,
    findings: result.files.flatMap((file) => findingsJson(file, cwd, verified)),
    warnings: result.warnings.map((w) => ({
      file: displayPath(w.path, cwd),
      ...(w.line === undefined ? {} : { line: w.line, column: w.column }),
      message: w.message,
    })),
    typeFacts: result.types
      ? {
          configurations: [...new Set(result.types.checks.map((c) => c.config))],
          withoutTypes: result.types.untyped.map((u) => ({ file: displayPath(u.path, cwd), reason: u.reason })),
        }
      : null,
    summary: {
      ...counts(result, verified),
      scanned: result.scanned,
      ...(result.verification ? { configurations: result.verification.configs } : {}),
    },
  };
}

function findingsJson(file: FileResult, cwd: string, verified: boolean): FindingJson[] {
  const lines = new LineIndex(file.source.text);
  const bomBytes = file.source.bom ? 3 : 0;
  const range = (start: number, end: number): RangeJson => {
    const s = lines.position(start);
    const e = lines.position(end);
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
  const edit = (e: Edit): EditJson => ({
    ...range(e.start, e.end),
    offset: bomBytes + lines.byteOffset(e.start),
    length: utf8Length(file.source.text.slice(e.start, e.end)),
    newText: e.text,
  });
  return file.findings.map((f) => ({
    codemod: f.codemod,
    file: displayPath(file.path, cwd),
    ...range(f.start, f.end),
    message: f.message,
    ...(f.reason === undefined ? {} : { reason: f.reason }),
    fixes: f.fixes.map((fix) => ({
      message: fix.message,
      status: statusWords(fixStatus(file, fix, verified), cwd),
      edits: fix.edits.map(edit),
    })),
  }));
}

/** The words that start a status with a reason, by its kind. */
const PREFIXES = { 'backed-out': 'backed out: ', unverified: 'unverified: ', 'not-written': 'not written: ' } as const;

/** A fix's status in words, as the JSON document and SARIF's `fixStatus` property give it. */
export function statusWords(status: FixStatus, cwd: string): string {
  switch (status.kind) {
    case 'applied':
    case 'deferred':
      return status.kind;
    case 'backed-out':
      return `${PREFIXES['backed-out']}${status.backedOut.reason} (at ${where(status.backedOut, cwd)})`;
    case 'unverified':
    case 'not-written':
      return `${PREFIXES[status.kind]}${status.reason}`;
    case 'not-applied':
      return status.reason ?? 'not applied';
  }
}

/** A status's kind read back from its words, and the words after its prefix (the reason, for a backed-out fix with its place). */
export function statusOf(words: string): { kind: FixStatus['kind']; detail: string } {
  if (words === 'applied' || words === 'deferred') return { kind: words, detail: '' };
  for (const [kind, prefix] of Object.entries(PREFIXES) as Array<[keyof typeof PREFIXES, string]>) {
    if (words.startsWith(prefix)) return { kind, detail: words.slice(prefix.length) };
  }
  return { kind: 'not-applied', detail: words };
}

const range = { line: number, column: number, endLine: number, endColumn: number };

/** What a reader of the document (goprod bulk) checks it against. */
export const fixDocument: Check<FixDocument> = object({
  mode: oneOf('dry-run', 'write', 'check'),
  verified: boolean,
  findings: arrayOf(
    object({
      ...range,
      codemod: string,
      file: string,
      message: string,
      fixes: arrayOf(
        object({ message: string, status: string, edits: arrayOf(object({ ...range, offset: number, length: number, newText: string })) }),
      ),
    }),
  ),
  warnings: arrayOf(object({ file: string, line: optional(number), column: optional(number), message: string })),
  typeFacts: nullable(object({ configurations: arrayOf(string), withoutTypes: arrayOf(object({ file: string, reason: string })) })),
  summary: object({
    files: number,
    fixes: number,
    backedOut: number,
    unverified: number,
    deferred: number,
    notWritten: number,
    scanned: number,
    configurations: optional(arrayOf(string)),
  }),
});
