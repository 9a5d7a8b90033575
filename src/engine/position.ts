// Conversions between goprod's unit (JavaScript string index) and what Go tools print
// (1-based line, 1-based byte column, byte offsets) or SARIF counts (UTF-16 columns). Used
// only at the edges: output and reading the toolchain's messages.

export interface Position {
  line: number;
  /** 1-based, in UTF-8 bytes as Go tools print columns (in UTF-16 code units from utf16Position). */
  column: number;
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line number of a string index. */
  line(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 1), this.starts.length) - 1]!;
  }

  position(index: number): Position {
    const line = this.line(index);
    return { line, column: utf8Length(this.text.slice(this.lineStart(line), index)) + 1 };
  }

  /** The 1-based line and column in UTF-16 code units (string indices), SARIF's default column kind. */
  utf16Position(index: number): Position {
    const line = this.line(index);
    return { line, column: index - this.lineStart(line) + 1 };
  }

  /** The string index of a 1-based line and byte column; a column past the line's end clamps to it. */
  index(pos: Position): number {
    const start = this.lineStart(pos.line);
    const next = pos.line < this.starts.length ? this.starts[pos.line]! : this.text.length;
    let bytes = pos.column - 1;
    let i = start;
    while (i < next && bytes > 0) {
      const cp = this.text.codePointAt(i)!;
      bytes -= utf8Length(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
    }
    return i;
  }

  /** UTF-8 byte offset of a string index. */
  byteOffset(index: number): number {
    return utf8Length(this.text.slice(0, index));
  }
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
