// Import surgery as edits, so no codemod hand-rolls it: adding an import where gofmt and
// goimports would put it, replacing one, and telling whether a package is still used.
import type { Edit } from '../engine/edits.js';
import { children, type SyntaxNode } from '../engine/parse.js';
import type { GoFile } from './file.js';
import { deleteStatement, indentationAt } from './refactor.js';
import { resolve, resolveAt } from './scope.js';

/** Standard-library paths have no dot in their first element. */
function isStd(path: string): boolean {
  return !path.split('/')[0]!.includes('.');
}

/**
 * An edit that imports `path` (as `name`, if given), or undefined if the file already
 * imports it by that name. Standard-library imports join the first group of an import
 * block, others the last; gofmt then sorts the group.
 */
export function addImport(file: GoFile, path: string, name?: string): Edit | undefined {
  const names = file.importNames(path);
  if (name ? names.includes(name) : names.length > 0) return undefined;
  const spec = `${name ? `${name} ` : ''}"${path}"`;
  const decls = children(file.root).filter((n) => n.type === 'import_declaration');
  const block = decls.map((d) => children(d).find((c) => c.type === 'import_spec_list')).find((l) => l !== undefined);
  if (block) {
    const specs = children(block).filter((c) => c.type === 'import_spec');
    const groups = groupsOf(file.text, specs);
    const group = isStd(path)
      ? (groups.find((g) => isStd(importPath(g[0]!))) ?? groups[groups.length - 1])
      : (groups.findLast((g) => !isStd(importPath(g[0]!))) ?? undefined);
    if (group) {
      // Where gofmt's sort puts it: a line gofmt moved would be lost in a file that was not gofmt-clean (format.ts
      // keeps only its changes next to touched lines).
      const next = group.find((s) => importPath(s) > path);
      if (next) {
        const start = file.text.lastIndexOf('\n', next.startIndex - 1) + 1;
        return { start, end: start, text: `${indentationAt(file.text, next.startIndex)}${spec}\n` };
      }
      const last = group[group.length - 1]!;
      return { start: lineEnd(file.text, last.endIndex), end: lineEnd(file.text, last.endIndex), text: `\n\t${spec}` };
    }
    // A first non-standard import gets a group of its own after the others.
    const close = block.lastChild!;
    return { start: close.startIndex, end: close.startIndex, text: `\n\t${spec}\n` };
  }
  // `import "os"` becomes a block holding both (gofmt sorts it); cgo's `import "C"` must stay alone.
  const single = decls.findLast((d) => importPath(children(d)[0]!) !== 'C');
  const only = single && children(single)[0]!;
  if (only) return { start: only.startIndex, end: only.endIndex, text: `(\n\t${only.text}\n\t${spec}\n)` };
  const after = decls[decls.length - 1] ?? children(file.root).find((n) => n.type === 'package_clause')!;
  return { start: lineEnd(file.text, after.endIndex), end: lineEnd(file.text, after.endIndex), text: `\n\nimport ${spec}` };
}

/** How code at a place calls a standard package: the name, and the import to add (none if the file imports it already). */
export interface PackageRef {
  name: string;
  edits: Edit[];
}

/**
 * How code at `at` calls the package imported from `path` (the file's name for it, else the
 * last element of the path, imported by the fix), or undefined where that name would mean
 * something else: a local variable, or another package the file imports by that name.
 */
export function packageAt(file: GoFile, path: string, at: SyntaxNode): PackageRef | undefined {
  const name = file.importNames(path)[0] ?? path.split('/').pop()!;
  if (resolveAt(name, at) || file.importPaths(name).some((p) => p !== path)) return undefined;
  const imported = addImport(file, path);
  return { name, edits: imported ? [imported] : [] };
}

/**
 * An edit that removes the import of `path`: its line in an import block, or the whole
 * declaration when it imports nothing else. Undefined if the file does not import it, or
 * the import shares its line with other code.
 */
export function removeImport(file: GoFile, path: string): Edit | undefined {
  const spec = file.root.descendantsOfType('import_spec').find((s) => importPath(s) === path);
  if (!spec) return undefined;
  const decl = spec.parent?.type === 'import_spec_list' ? spec.parent.parent! : spec.parent!;
  return deleteStatement(file.text, decl.descendantsOfType('import_spec').length === 1 ? decl : spec);
}

/** An edit that replaces the import of `oldPath` by one of `newPath` in place, or undefined if `oldPath` is not imported. */
export function replaceImport(file: GoFile, oldPath: string, newPath: string, name?: string): Edit | undefined {
  const spec = file.root.descendantsOfType('import_spec').find((s) => importPath(s) === oldPath);
  return spec && { start: spec.startIndex, end: spec.endIndex, text: `${name ? `${name} ` : ''}"${newPath}"` };
}

/**
 * Whether the file refers to the package it imports as `name` anywhere outside `except`
 * (typically the expressions a fix replaces).
 */
export function usesPackage(file: GoFile, name: string, except: readonly SyntaxNode[] = []): boolean {
  return file.root.descendantsOfType('selector_expression').some((sel) => {
    const operand = sel.childForFieldName('operand');
    if (operand?.type !== 'identifier' || operand.text !== name || resolve(operand)) return false;
    return !except.some((e) => e.startIndex <= sel.startIndex && sel.endIndex <= e.endIndex);
  }) || file.root.descendantsOfType('qualified_type').some((q) => q.childForFieldName('package')?.text === name);
}

function importPath(spec: SyntaxNode): string {
  return spec.childForFieldName('path')!.text.slice(1, -1);
}

/** Import specs in runs separated by blank lines (gofmt sorts each run on its own). */
function groupsOf(text: string, specs: readonly SyntaxNode[]): SyntaxNode[][] {
  const groups: SyntaxNode[][] = [];
  for (const s of specs) {
    const prev = groups[groups.length - 1]?.at(-1);
    if (prev && !/\n[ \t]*\r?\n/.test(text.slice(prev.endIndex, s.startIndex))) groups[groups.length - 1]!.push(s);
    else groups.push([s]);
  }
  return groups;
}

/** The index of the end of the line containing `index` (before its line break), including a trailing comment. */
function lineEnd(text: string, index: number): number {
  const nl = text.indexOf('\n', index);
  const end = nl === -1 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}
