// The one module that knows which tree-sitter binding goprod uses. Everything else sees
// `SyntaxNode` and `GoParser`, so another binding (native tree-sitter) could replace this file.
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

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
}

let loading: Promise<GoParser> | undefined;

/** Loads the Go grammar once per process. Offsets of nodes are JavaScript string indices. */
export function loadGoParser(): Promise<GoParser> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-go/tree-sitter-go.wasm');
    const parser = new Parser();
    parser.setLanguage(await Language.load(wasm));
    return {
      parse(text: string): ParsedGo {
        const tree = parser.parse(text);
        if (!tree) throw new Error('tree-sitter returned no tree');
        const root = tree.rootNode;
        return { root, firstError: root.hasError ? findError(root) : undefined, dispose: () => tree.delete() };
      },
    };
  })();
  return loading;
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
