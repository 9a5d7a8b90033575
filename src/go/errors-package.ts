// What fixes that call the standard errors package need: the name to call it by, the import
// to add, and where comparing errors directly is right by contract.
import type { Edit } from '../engine/edits.js';
import { children, type SyntaxNode } from '../engine/parse.js';
import { FACT, holds, typeFact } from './facts.js';
import type { GoFile } from './file.js';
import { packageAt } from './imports.js';
import { resolve } from './scope.js';
import { isErrorValue, typeTextOf } from './types.js';

export interface ErrorsPackage {
  /** The name to call it by at the fix: `errors`, or the file's alias for it. */
  name: string;
  /** The import to add (none if the file imports it already). */
  edits: Edit[];
}

/**
 * Whether `expr` is shown to be an error (isErrorValue) and nothing the package declares says
 * otherwise: a variable whose declaration shows another type (`s3Err := check()` where check
 * returns an APIErrorCode) is not, nor one holding an operation's result (`gotErr := err != nil`)
 * or recover()'s, nor a name of another file the package does not declare as an error
 * variable (error codes named ErrX are often constants).
 */
export function isKnownError(expr: SyntaxNode, file: GoFile): boolean {
  if (!isErrorValue(expr, file)) return false;
  if (expr.type !== 'identifier') return true;
  const decl = resolve(expr);
  if (!decl) return file.pkg.isErrorVar(expr.text);
  let value = decl.value;
  while (value?.type === 'parenthesized_expression') value = children(value)[0];
  if (value && (value.type === 'binary_expression' || value.type === 'unary_expression' || /^recover\(\s*\)$/.test(value.text)))
    return false;
  const type = typeTextOf(expr, file);
  return type === undefined || type === 'error';
}

/**
 * What the type checker says of `expr` (one of the places helper/facts.go records): whether it
 * is an error held in an interface (the error type, or an interface with its Error method),
 * whose dynamic value may wrap others: what errors.Is and errors.As look into. Undefined where
 * the file has no facts.
 */
export function isErrorInterface(file: GoFile, expr: SyntaxNode): boolean | undefined {
  const fact = typeFact(file, expr);
  return fact && holds(fact, FACT.error) && holds(fact, FACT.interface);
}

/**
 * How code at `at` calls the standard errors package, or undefined where the name would mean
 * something else: a local variable named `errors`, or another package imported as `errors`
 * (github.com/pkg/errors and the like).
 */
export function errorsPackageAt(file: GoFile, at: SyntaxNode): ErrorsPackage | undefined {
  return packageAt(file, 'errors', at);
}

/**
 * Whether the node lies in a method named Is, As or Unwrap (a function literal inside one
 * too): these implement what errors.Is and errors.As call, and compare or assert the error
 * they are given directly, by contract.
 */
export function inErrorsProtocolMethod(node: SyntaxNode): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'method_declaration') return ['Is', 'As', 'Unwrap'].includes(n.childForFieldName('name')?.text ?? '');
  }
  return false;
}

