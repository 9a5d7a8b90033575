// Small questions about Go syntax trees that several codemods ask.
import { sameNode, type SyntaxNode } from '../parser.js';
import { resolve, type Declaration } from './scope.js';

export const FUNCTION_TYPES = ['function_declaration', 'method_declaration', 'func_literal'] as const;

/** The innermost function (declaration, method or literal) containing `node`. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if ((FUNCTION_TYPES as readonly string[]).includes(n.type)) return n;
  return undefined;
}

/** The identifiers under `root` that refer to `decl`. */
export function references(root: SyntaxNode, decl: Declaration): SyntaxNode[] {
  return referencesTo(root, decl.node);
}

/** The identifiers under `root` that refer to the name the identifier `declaring` declares. */
export function referencesTo(root: SyntaxNode, declaring: SyntaxNode): SyntaxNode[] {
  return root.descendantsOfType('identifier').filter((id) => id.text === declaring.text && !sameNode(id, declaring) && sameNode(resolve(id)?.node, declaring));
}

/** Whether `inner` lies within `outer` (or is it). */
export function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}
