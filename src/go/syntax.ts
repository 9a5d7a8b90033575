// Small questions about Go syntax trees that several codemods ask.
import { children, sameNode, type SyntaxNode } from '../engine/parse.js';
import { resolve } from './scope.js';

export const FUNCTION_TYPES = ['function_declaration', 'method_declaration', 'func_literal'] as const;

/** The innermost function (declaration, method or literal) containing `node`. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  for (let n = node.parent; n; n = n.parent) if ((FUNCTION_TYPES as readonly string[]).includes(n.type)) return n;
  return undefined;
}

/** The identifiers under `root` that refer to the name the identifier `declaring` declares. */
export function referencesTo(root: SyntaxNode, declaring: SyntaxNode): SyntaxNode[] {
  return root
    .descendantsOfType('identifier')
    .filter((id) => id.text === declaring.text && !sameNode(id, declaring) && sameNode(resolve(id)?.node, declaring));
}

/** Whether `inner` lies within `outer` (or is it). */
export function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Whether the identifier is written where it stands: assigned, incremented, or its address taken (`&x`, `&x.f`). */
export function isWrittenAt(ref: SyntaxNode): boolean {
  let target = ref;
  // x.f = …, x[i]++ and &x.f write into x too (for a value of struct or array type).
  while (
    (target.parent?.type === 'selector_expression' && sameNode(target.parent.childForFieldName('operand'), target)) ||
    (target.parent?.type === 'index_expression' && sameNode(target.parent.childForFieldName('operand'), target))
  )
    target = target.parent;
  const parent = target.parent;
  if (!parent) return false;
  if (parent.type === 'inc_statement' || parent.type === 'dec_statement') return true;
  if (parent.type === 'unary_expression' && parent.childForFieldName('operator')?.text === '&') return true;
  const stmt = parent.parent;
  if (parent.type === 'expression_list' && stmt && sameNode(stmt.childForFieldName('left'), parent)) {
    // `x, err := f()` assigns x when x is already declared in that scope.
    return (
      stmt.type === 'assignment_statement' ||
      (stmt.type === 'short_var_declaration' && !sameNode(resolve(ref)?.node, ref)) ||
      stmt.type === 'range_clause'
    );
  }
  return false;
}

export interface ResultSlot {
  /** The declared name, if the result is named (`_` counts as named). */
  name: SyntaxNode | undefined;
  type: SyntaxNode;
}

/** A function's results one by one: `(n, m int, err error)` gives three slots. */
export function resultSlots(fn: SyntaxNode): ResultSlot[] {
  const result = fn.childForFieldName('result');
  if (!result) return [];
  if (result.type !== 'parameter_list') return [{ name: undefined, type: result }];
  return children(result).flatMap((p): ResultSlot[] => {
    const type = p.childForFieldName('type');
    if (!type) return []; // only in a tree with syntax errors
    const names = p.childrenForFieldName('name');
    return names.length === 0 ? [{ name: undefined, type }] : names.map((name) => ({ name, type }));
  });
}
