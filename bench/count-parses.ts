// Preloaded by the scan benchmark (`node --import …/count-parses.js cli.js …`) to count what a
// goprod build parses: every call of web-tree-sitter's Parser.prototype.parse, and the length
// of the text it was given (read through the callback for the text given as one). The module
// patched is the measured build's own (BENCH_TREE_SITTER: its web-tree-sitter.js); the counts
// go to BENCH_PARSES as JSON when the process exits. Meant for --threads 1: workers are not counted.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Input = string | ((index: number, position?: unknown) => string | undefined);
type Parse = (input: Input, ...rest: unknown[]) => unknown;

const module = process.env.BENCH_TREE_SITTER;
const out = process.env.BENCH_PARSES;
if (module && out) {
  const { Parser } = (await import(pathToFileURL(module).href)) as { Parser: { prototype: { parse: Parse } } };
  const counts = { parses: 0, chars: 0 };
  const parse = Parser.prototype.parse;
  Parser.prototype.parse = function (this: unknown, input: Input, ...rest: unknown[]) {
    counts.parses++;
    if (typeof input === 'string') {
      counts.chars += input.length;
      return parse.call(this, input, ...rest);
    }
    let end = 0;
    const read = (index: number, position?: unknown) => {
      const chunk = input(index, position);
      end = Math.max(end, index + (chunk?.length ?? 0));
      return chunk;
    };
    try {
      return parse.call(this, read, ...rest);
    } finally {
      counts.chars += end;
    }
  };
  process.on('exit', () => writeFileSync(out, JSON.stringify(counts)));
}
