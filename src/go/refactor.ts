// Edits that several codemods need, so none hand-rolls statement surgery (after
// golang.org/x/tools/internal/refactor).
import type { Edit } from '../engine/edits.js';
import { statements, type SyntaxNode } from '../engine/parse.js';

/**
 * An edit deleting a statement with its whole line: a comment at the end of that line goes
 * with it, a comment above it stays. Undefined when the statement shares its line with other
 * code, where deleting the line would take that code along.
 */
export function deleteStatement(text: string, stmt: SyntaxNode): Edit | undefined {
  const start = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const nl = text.indexOf('\n', stmt.endIndex);
  const end = nl === -1 ? text.length : nl + 1;
  const before = text.slice(start, stmt.startIndex);
  const after = text.slice(stmt.endIndex, end);
  if (before.trim() !== '' || !/^[ \t]*(\/\/.*)?\r?\n?$/.test(after)) return undefined;
  return { start, end, text: '' };
}

/** The indentation of the line `index` is on. */
export function indentationAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * An edit inserting a statement as the first of a block, on a line of its own, indented like
 * the block's first statement (or one tab deeper than the block's opening line).
 */
export function insertFirstStatement(text: string, block: SyntaxNode, stmt: string): Edit {
  const open = block.startIndex; // the `{`
  const first = statements(block)[0];
  const lineEnd = text.indexOf('\n', open);
  const sameLine = first !== undefined && (lineEnd === -1 || first.startIndex < lineEnd);
  const indent = first && !sameLine ? indentationAt(text, first.startIndex) : `${indentationAt(text, open)}\t`;
  // After `{` and anything else on its line (a comment), unless a statement follows on that line.
  const at = sameLine || lineEnd === -1 ? open + 1 : text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
  return { start: at, end: at, text: `\n${indent}${stmt}${sameLine ? `\n${indent}` : ''}` };
}
