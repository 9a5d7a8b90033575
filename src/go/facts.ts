// What Go's own type checker knows of a file, for the questions codemods cannot answer from
// syntax: is this expression an error (an interface? the error type itself?), what does this
// Close return, which function does this call call, which string does this constant hold.
// The facts are computed before the per-file step by goprod's Go helper (helper/facts.go,
// which lists the places it records) and arrive as plain data: spans of the file with flags.
// Go counts UTF-8 bytes; goprod's positions are string indices: facts are converted once,
// here, when a file's facts meet its text.
import { insertedAs, type Edit } from '../engine/edits.js';
import type { SyntaxNode } from '../engine/parse.js';
import type { GoFile } from './file.js';

/** The flags of a fact, as helper/facts.go sets them. */
export const FACT = {
  /** The type (of the value, or the type denoted) implements error. */
  error: 1,
  interface: 2,
  /** The error type itself. */
  errorType: 4,
  /** The expression denotes a type. */
  type: 8,
  nil: 16,
  /** A call of a function without results. */
  noResult: 32,
  /** A call with one result, which implements error. */
  errorResult: 64,
  /** A call whose last result is the error type: the fact's name is the callee's (`(*bufio.Reader).ReadString`, `io.ReadFull`). */
  lastError: 128,
  /** A call of a Read (ReadAt) method with io.Reader's (io.ReaderAt's) signature, which their contract binds to return io.EOF itself. */
  reader: 256,
  /** A qualified identifier of a string constant: the fact's name is its value. */
  constant: 512,
  /**
   * A call used as a statement (or in a go statement) whose last result is the error type: the
   * fact's name is the callee's as errcheck names it (`(*os.File).Write`, `os.Remove`,
   * `fmt.Fprintf(*bytes.Buffer)` with fmt's Fprint functions' writer type; empty for a function
   * value), its list the callee's result types.
   */
  dropped: 1024,
  /**
   * The results of a function whose last result is the error type: the list holds each
   * result's zero value (`0`, `""`, `false`, `nil`; `{}`: the type as written then `{}`;
   * `*new`: `*new(T)`).
   */
  zeros: 2048,
  /** With `dropped`: the callee is declared in the package checked (for an `x_test` package, in `x`). */
  own: 4096,
} as const;

/** A file's facts as they travel (plain data: they cross to worker threads), or why it has none. */
export type FileTypes = { facts: RawFact[] } | { untyped: string };

/**
 * `[start, end, flags]`, `[start, end, flags, name]` or `[start, end, flags, name, list]`, in
 * UTF-8 byte offsets of the file as Go read it (a BOM included).
 */
export type RawFact = [number, number, number, string?, string[]?];

export interface Fact {
  flags: number;
  name?: string;
  list?: string[];
}

/** What the type checker says of a place where it recorded nothing: none of the flags holds. */
const NONE: Fact = { flags: 0 };

export function holds(fact: Fact, flag: number): boolean {
  return (fact.flags & flag) !== 0;
}

/** The facts of one file's text, by span in string indices. */
export class TypeFacts {
  private constructor(
    private readonly bySpan: ReadonlyMap<string, Fact>,
    /** For the text of a later pass: a span of it in the original text, undefined inside text a fix wrote. */
    private readonly toOriginal: (start: number, end: number) => [number, number] | undefined = (s, e) => [s, e],
  ) {}

  /** The facts of `text` (without BOM; `bom`: the file has one, which Go's offsets count). */
  static of(raw: readonly RawFact[], text: string, bom: boolean): TypeFacts {
    const index = byteIndices(text, raw.flatMap(([s, e]) => [s, e]), bom ? 3 : 0);
    const bySpan = new Map<string, Fact>();
    for (const [s, e, flags, name, list] of raw)
      bySpan.set(`${index.get(s)}:${index.get(e)}`, {
        flags,
        ...(name === undefined ? {} : { name }),
        ...(list === undefined ? {} : { list }),
      });
    return new TypeFacts(bySpan);
  }

  /**
   * What the type checker says of the expression at `node`: its fact (with no flag where it
   * recorded nothing; only places of the roles helper/facts.go lists are recorded), or
   * undefined where it cannot say (text a fix of an earlier pass wrote).
   */
  at(node: Pick<SyntaxNode, 'startIndex' | 'endIndex'>): Fact | undefined {
    const span = this.toOriginal(node.startIndex, node.endIndex);
    return span && (this.bySpan.get(`${span[0]}:${span[1]}`) ?? NONE);
  }

  /** The facts for the text that `edits` (merged, of the original text) make. */
  after(original: string, edits: readonly Edit[]): TypeFacts {
    const spans: Array<{ start: number; end: number; shift: number }> = [];
    let shift = 0;
    for (const e of insertedAs(original, edits)) {
      const start = e.start + shift;
      shift += e.text.length - (e.end - e.start);
      spans.push({ start, end: start + e.text.length, shift });
    }
    return new TypeFacts(this.bySpan, (start, end) => {
      let before = 0;
      for (const s of spans) {
        // Overlapping what an edit wrote, or holding what it deleted: not the text the facts are of.
        if (s.start < end && start < s.end) return undefined;
        if (s.end <= start) before = s.shift;
      }
      return this.toOriginal(start - before, end - before);
    });
  }
}

/** The string index of each byte offset of the text (`skip`: bytes before the text, a BOM). */
function byteIndices(text: string, offsets: number[], skip: number): Map<number, number> {
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  const index = new Map<number, number>();
  let byte = skip;
  let i = 0;
  for (const offset of sorted) {
    while (byte < offset && i < text.length) {
      const cp = text.codePointAt(i)!;
      byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp > 0xffff ? 2 : 1;
    }
    index.set(offset, i);
  }
  return index;
}

/**
 * The type checker's fact at a node of the file: undefined where the file has no facts
 * (decided from syntax) or the node lies in text a fix wrote.
 */
export function typeFact(file: GoFile, node: SyntaxNode): Fact | undefined {
  return file.types?.at(node);
}
