// Go string literals decoded with a map back to the source, so an edit computed on the
// decoded value (a format verb) lands on the exact source characters that produced it.
import { children, type SyntaxNode } from '../engine/parse.js';

export interface DecodedString {
  value: string;
  /** For each UTF-16 unit of `value`, the source range [start, end) it came from. */
  spans: Array<readonly [number, number]>;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** Decodes a string literal, or a `+` concatenation of literals (parenthesised or not); undefined for anything else. */
export function decodeStringExpression(node: SyntaxNode): DecodedString | undefined {
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = children(node)[0];
      return inner ? decodeStringExpression(inner) : undefined;
    }
    case 'binary_expression': {
      if (node.childForFieldName('operator')?.type !== '+') return undefined;
      const left = decodeStringExpression(node.childForFieldName('left')!);
      const right = left && decodeStringExpression(node.childForFieldName('right')!);
      return right && { value: left!.value + right.value, spans: [...left!.spans, ...right.spans] };
    }
    case 'raw_string_literal':
    case 'interpreted_string_literal': {
      const out: DecodedString = { value: '', spans: [] };
      for (const part of children(node)) {
        if (part.type === 'escape_sequence') append(out, decodeEscape(part.text), part.startIndex, part.endIndex);
        else for (let i = 0; i < part.text.length; i++) {
          // Carriage returns inside raw strings are discarded from the value (Go spec).
          if (node.type === 'raw_string_literal' && part.text[i] === '\r') continue;
          append(out, part.text[i]!, part.startIndex + i, part.startIndex + i + 1);
        }
      }
      return out;
    }
    default:
      return undefined;
  }
}

function append(out: DecodedString, s: string, start: number, end: number): void {
  out.value += s;
  for (let i = 0; i < s.length; i++) out.spans.push([start, end]);
}

/** An escape's value; `\x` and octal escapes are single bytes, shown here as one unit each. */
function decodeEscape(esc: string): string {
  const c = esc[1]!;
  if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c]!;
  if (c === 'x') return String.fromCharCode(parseInt(esc.slice(2), 16));
  if (c === 'u' || c === 'U') return String.fromCodePoint(parseInt(esc.slice(2), 16));
  return String.fromCharCode(parseInt(esc.slice(1), 8));
}
