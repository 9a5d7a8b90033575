// Contexts in Go syntax: the context.Context a function receives, and where it is done.
import { children, type SyntaxNode } from '../engine/parse.js';
import type { GoFile } from './file.js';

/** The name (its declaring identifier) of the first `context.Context` parameter of a function, if it has one not named `_`. */
export function contextParameter(file: GoFile, fn: SyntaxNode): SyntaxNode | undefined {
  for (const p of children(fn.childForFieldName('parameters'))) {
    const type = p.childForFieldName('type');
    const pkg = type?.type === 'qualified_type' ? type.childForFieldName('package') : undefined;
    if (!pkg || type!.childForFieldName('name')?.text !== 'Context' || !file.importNames('context').includes(pkg.text)) continue;
    const name = p.childrenForFieldName('name')[0];
    return name && name.text !== '_' ? name : undefined;
  }
  return undefined;
}

/**
 * Whether a statement (or a select case's communication) receives from `ctx.Done()`: `<-ctx.Done()`, `_ = <-ctx.Done()`,
 * `x := <-ctx.Done()`.
 */
export function isDoneReceive(stmt: SyntaxNode | null, ctx: string): boolean {
  if (!stmt) return false;
  const value =
    stmt.type === 'expression_statement' ? children(stmt)[0]
    : stmt.type === 'receive_statement' ? stmt.childForFieldName('right')
    : stmt.type === 'assignment_statement' || stmt.type === 'short_var_declaration' ? children(stmt.childForFieldName('right'))[0]
    : stmt.type === 'unary_expression' ? stmt
    : undefined;
  if (value?.type !== 'unary_expression' || value.childForFieldName('operator')?.text !== '<-') return false;
  const done = value.childForFieldName('operand');
  const fn = done?.type === 'call_expression' ? done.childForFieldName('function') : undefined;
  return (
    fn?.type === 'selector_expression' && fn.childForFieldName('operand')?.text === ctx && fn.childForFieldName('field')?.text === 'Done'
  );
}
