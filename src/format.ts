// gofmt after fixes, without churn: a file that was gofmt-clean is formatted whole; in one
// that was not, only the changes gofmt makes to lines goprod touched are kept.
import { spawn } from 'node:child_process';
import { diffLines } from 'diff';
import type { Edit } from './edits.js';
import { LineIndex } from './position.js';

/** gofmt's output for `text`, or its complaint. Line endings and BOM are the caller's. */
export function gofmt(text: string): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('gofmt', [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => reject(new Error(`cannot run gofmt (is Go installed and on PATH?): ${e.message}`)));
    child.on('close', (code) => resolve(code === 0 ? { ok: true, text: out } : { ok: false, error: err.trim().replace(/^<standard input>:/gm, 'line ') }));
    child.stdin.end(text);
  });
}

/** For each of the (sorted, merged) edits of `original`, the 1-based lines of the fixed text it wrote or joined. */
export function editedLines(original: string, edits: readonly Edit[]): number[][] {
  const index = new LineIndex(original);
  const newlines = (s: string) => s.split('\n').length - 1;
  let shift = 0; // lines added so far by earlier edits
  return edits.map((e) => {
    const first = index.line(e.start) + shift;
    shift += newlines(e.text) - newlines(original.slice(e.start, e.end));
    return Array.from({ length: newlines(e.text) + 1 }, (_, i) => first + i);
  });
}

/** `fixed` with only those of gofmt's changes that replace or sit next to touched lines. */
export function keepTouchedChanges(fixed: string, formatted: string, touched: Set<number>): string {
  let out = '';
  let line = 1; // line number in `fixed` of the current part
  const parts = diffLines(fixed, formatted);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      out += part.value;
      line += part.count;
      continue;
    }
    // A change is a run of removed lines, added lines, or removed followed by added.
    const removed = part.removed ? part : undefined;
    const added = removed ? (parts[i + 1]?.added ? parts[++i] : undefined) : part;
    const span = removed ? range(line, removed.count) : [line - 1, line];
    const mine = span.some((l) => touched.has(l));
    out += mine ? (added?.value ?? '') : (removed?.value ?? '');
    line += removed?.count ?? 0;
  }
  return out;
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/**
 * Formats a fixed file: whole when the original was gofmt-clean, else only where goprod
 * changed it. CRLF files are formatted as LF (gofmt's only line ending) and converted back.
 */
export async function formatFixed(original: string, fixed: string, edits: readonly Edit[]): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const crlf = original.includes('\r\n');
  const lf = (s: string) => (crlf ? s.replace(/\r\n/g, '\n') : s);
  const [before, after] = await Promise.all([gofmt(lf(original)), gofmt(lf(fixed))]);
  if (!after.ok) return after;
  const clean = before.ok && before.text === lf(original);
  const text = clean ? after.text : keepTouchedChanges(lf(fixed), after.text, new Set(editedLines(original, edits).flat()));
  return { ok: true, text: crlf ? text.replace(/\n/g, '\r\n') : text };
}
