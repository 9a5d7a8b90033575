// The one module that knows which tree-sitter binding goprod uses. Everything else sees
// `SyntaxNode` and `GoParser`, so another binding (native tree-sitter) could replace this file.
import { createRequire } from 'node:module';
import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { Edit as TextEdit } from './edits.js';
import { LineIndex } from './position.js';

export type SyntaxNode = Node;

export interface ParsedGo {
  root: SyntaxNode;
  /** The first ERROR or MISSING node, if the text does not parse cleanly. */
  firstError: SyntaxNode | undefined;
  /** Frees the tree: the wasm binding does not garbage-collect it. */
  dispose(): void;
}

export interface GoParser {
  parse(text: string): ParsedGo;
  /**
   * Parses `text`, which is `before.root`'s text with the (sorted, disjoint) changes made,
   * reusing what did not change (tree-sitter's incremental parsing: the same tree as a fresh
   * parse, in a fraction of the time). `before`'s tree is edited: its nodes are stale after.
   */
  reparse(before: ParsedGo, changes: readonly TextEdit[], text: string): ParsedGo;
}

let loading: Promise<GoParser> | undefined;

/** Loads the Go grammar once per process. Offsets of nodes are JavaScript string indices. */
export function loadGoParser(): Promise<GoParser> {
  loading ??= (async () => {
    // Imported here, not at the top: a rerun the cache answers never loads it (its JavaScript
    // alone costs a tenth of goprod's start).
    const { Edit, Language, Parser } = await import('web-tree-sitter');
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-go/tree-sitter-go.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(wasm));
    const trees = new WeakMap<ParsedGo, Tree>();
    const parsed = (text: string, old?: Tree): ParsedGo => {
      let tree = parser.parse(text, old);
      if (!tree) throw new Error('tree-sitter returned no tree');
      if (tree.rootNode.hasError && text.search(NEW_CALL) !== -1) {
        const masked = parseNewExpressions(parser, text);
        if (masked) {
          tree.delete();
          tree = masked;
        }
      }
      const root = tree.rootNode;
      const result = { root, firstError: root.hasError ? findError(root) : undefined, dispose: () => tree.delete() };
      trees.set(result, tree);
      return result;
    };
    return {
      parse: (text) => parsed(text),
      reparse(before, changes, text) {
        const tree = trees.get(before);
        if (!tree) return parsed(text);
        const lines = new LineIndex(before.root.text);
        const pointAt = (index: number) => ({ row: lines.line(index) - 1, column: index - lines.lineStart(lines.line(index)) });
        // Last change first: the positions of the earlier ones stay those of the original text.
        for (const c of [...changes].reverse()) {
          const startPosition = pointAt(c.start);
          const inserted = c.text.split('\n');
          const newEndPosition =
            inserted.length === 1
              ? { row: startPosition.row, column: startPosition.column + c.text.length }
              : { row: startPosition.row + inserted.length - 1, column: inserted[inserted.length - 1]!.length };
          tree.edit(
            new Edit({
              startIndex: c.start,
              oldEndIndex: c.end,
              newEndIndex: c.start + c.text.length,
              startPosition,
              oldEndPosition: pointAt(c.end),
              newEndPosition,
            }),
          );
        }
        return parsed(text, tree);
      },
    };
  })();
  return loading;
}

/**
 * A call of `new` whose argument does not start like a type literal: with Go 1.26 it may be an
 * expression (`new(prefs.View())`), which tree-sitter-go 0.25 rejects, as it takes a type only
 * in `new(…)` (tree-sitter/tree-sitter-go#193 is open).
 */
const NEW_CALL = /(?<![\w.])new(?=\s*\((?!\s*(?:\[|map\s*\[|chan\b|<-|struct\b|interface\b|func\b)))/g;

/**
 * The tree of a text whose `new(expr)` calls tree-sitter-go rejects, or undefined if it still
 * does not parse: the grammar is shown the text with those calls' `new` spelled `nEw`, which
 * parses as the call of a function it is, while the tree reads the text itself (web-tree-sitter
 * reads node text through the callback it parsed from), so codemods see the file as written,
 * at the same positions.
 */
function parseNewExpressions(parser: Parser, text: string): Tree | undefined {
  const masked = text.replace(NEW_CALL, 'nEw');
  let source = masked;
  const tree = parser.parse((index: number) => source.slice(index));
  if (!tree) return undefined;
  source = text;
  if (!tree.rootNode.hasError) return tree;
  tree.delete();
  return undefined;
}

function findError(node: SyntaxNode): SyntaxNode | undefined {
  if (node.isError || node.isMissing) return node;
  for (const child of node.children) {
    if (child.hasError || child.isMissing) {
      const found = findError(child);
      if (found) return found;
    }
  }
  return undefined;
}

/** Node objects are created afresh on each access, so identity is by id, never by `===`. */
export function sameNode(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

// A node's named children without comments. tree-sitter puts comments wherever they are
// written (`f(a /*x*/, b)`, `func f() ( /*a*/ T, error)`), so positional code must skip them.
export function children(node: SyntaxNode | null | undefined): SyntaxNode[] {
  return node ? node.namedChildren.filter((c) => c.type !== 'comment') : [];
}

/** The statements of a block (`{ … }`), comments left out. */
export function statements(block: SyntaxNode | null | undefined): SyntaxNode[] {
  return children(children(block).find((c) => c.type === 'statement_list'));
}
