// A parsed Go file as codemods see it: its text, syntax tree, language version, and the
// facts about it that several codemods need (imports, package-qualified calls).
import { children, type SyntaxNode } from '../engine/parse.js';
import { LineIndex } from '../engine/position.js';
import { resolve } from './scope.js';
import type { TypeFacts } from './facts.js';
import { NO_PACKAGE, type PackageIndex } from './package.js';
import type { GoVersion } from './version.js';

export class GoFile {
  private imports: Map<string, string[]> | undefined;
  private lines: LineIndex | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    readonly root: SyntaxNode,
    readonly goVersion: GoVersion,
    /** What the other files of the package declare. */
    readonly pkg: PackageIndex = NO_PACKAGE,
    /** What Go's type checker knows of the file (see facts.ts); undefined: codemods decide from syntax alone. */
    readonly types?: TypeFacts,
  ) {}

  /** The 1-based line of a string index, for messages. */
  line(index: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.line(index);
  }

  /**
   * The nodes of `type` nearest around the whole-word occurrences of the words, in document
   * order. Where every node a codemod wants holds such a token with no other node of its type
   * in between (`Errorf` of `fmt.Errorf(…)` in its call, `for` in a for statement), these are
   * the nodes of descendantsOfType(type) it wants, found without walking the whole tree.
   */
  nodesAround(words: readonly string[], type: string): SyntaxNode[] {
    const found = new Map<number, SyntaxNode>();
    // Go identifiers are Unicode letters and digits: \b would not see where they end.
    for (const m of this.text.matchAll(new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.join('|')})(?![\\p{L}\\p{N}_])`, 'gu'))) {
      let n: SyntaxNode | null = this.root.descendantForIndex(m.index, m.index + m[0].length);
      while (n && n.type !== type) n = n.parent;
      if (n && !found.has(n.id)) found.set(n.id, n);
    }
    // Document order: by start, an enclosing node before those it holds.
    return [...found.values()].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  }

  /** The names by which this file refers to the package with this import path (none for `_` and `.` imports). */
  importNames(importPath: string): string[] {
    this.imports ??= readImports(this.root);
    return this.imports.get(importPath) ?? [];
  }

  /** The import paths of the packages this file refers to as `name`. */
  importPaths(name: string): string[] {
    this.imports ??= readImports(this.root);
    return [...this.imports].filter(([, names]) => names.includes(name)).map(([path]) => path);
  }

  /**
   * Whether `call` calls one of `funcs` of the package imported as `importPath`, by any name
   * the file gives it and not through a local variable that shadows that name.
   */
  isPackageCall(call: SyntaxNode, importPath: string, funcs: readonly string[]): boolean {
    if (call.type !== 'call_expression') return false;
    const fn = call.childForFieldName('function');
    const pkg = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : null;
    const member = fn?.childForFieldName('field')?.text;
    return (
      pkg?.type === 'identifier' &&
      member !== undefined &&
      funcs.includes(member) &&
      this.importNames(importPath).includes(pkg.text) &&
      resolve(pkg) === undefined
    );
  }

  /** Whether an identifier names an imported package (and is not shadowed). */
  isPackageName(ident: SyntaxNode): boolean {
    if (ident.type !== 'identifier' && ident.type !== 'package_identifier') return false;
    this.imports ??= readImports(this.root);
    return [...this.imports.values()].some((ns) => ns.includes(ident.text)) && resolve(ident) === undefined;
  }
}

function readImports(root: SyntaxNode): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const spec of children(root).filter((d) => d.type === 'import_declaration').flatMap((d) => d.descendantsOfType('import_spec'))) {
    const path = spec.childForFieldName('path')?.text.slice(1, -1);
    if (!path) continue;
    const alias = spec.childForFieldName('name');
    // Without an alias, the package name is by convention the last path element (minus a major version suffix).
    const name = alias ? alias.text : path.split('/').filter((p) => !/^v\d+$/.test(p)).pop()!.replace(/^go-|[.-]go$|\.v\d+$/g, '');
    if (name === '_' || name === '.') continue;
    imports.set(path, [...(imports.get(path) ?? []), name]);
  }
  return imports;
}
