// What goprod can tell about the types of expressions from syntax alone. Every answer is
// conservative: "yes" only where the file shows it; the Go toolchain checks the rest.
import type { SyntaxNode } from '../parser.js';
import type { GoFile } from './file.js';
import { resolve } from './scope.js';

/** Names that say "error" by Go convention: err, readErr, errClosed, ErrNotFound. */
export function isErrorName(name: string): boolean {
  return name === 'err' || /^[eE]rr[A-Z0-9_]/.test(name) || /[a-z0-9]Err$/.test(name);
}

/** Whether `expr` is shown to be an error by its declaration, name or construction. */
export function isErrorValue(expr: SyntaxNode, file: GoFile, depth = 0): boolean {
  if (depth > 8) return false;
  switch (expr.type) {
    case 'parenthesized_expression': {
      const inner = expr.namedChildren[0];
      return inner !== undefined && isErrorValue(inner, file, depth + 1);
    }
    case 'identifier': {
      const decl = resolve(expr);
      if (!decl) return /^Err[A-Z0-9_]/.test(expr.text); // a sentinel of the package, declared in another file
      if (decl.type) return decl.type.type === 'type_identifier' && decl.type.text === 'error';
      if (decl.kind === 'func' || decl.kind === 'type' || decl.kind === 'const') return false;
      if (decl.value && isErrorValue(decl.value, file, depth + 1)) return true;
      // A name that says "error" decides, unless the value plainly is something else.
      return isErrorName(decl.name) && !(decl.value && /literal$|^(nil|true|false)$/.test(decl.value.type));
    }
    case 'selector_expression': {
      const operand = expr.childForFieldName('operand')!;
      const field = expr.childForFieldName('field')!.text;
      // pkg.ErrX / io.EOF sentinels; otherwise a field whose name says it holds an error.
      if (operand.type === 'identifier' && file.isPackageName(operand)) return /^Err[A-Z0-9_]/.test(field) || field === 'EOF';
      return isErrorName(field);
    }
    case 'call_expression':
      return isErrorConstructor(expr, file) || errorMethodReceiver(expr, 'Err') !== undefined;
    default:
      return false;
  }
}

function isErrorConstructor(call: SyntaxNode, file: GoFile): boolean {
  return file.isPackageCall(call, 'errors', ['New', 'Join', 'Unwrap']) || file.isPackageCall(call, 'fmt', ['Errorf']);
}

/** For a call `x.<method>()` with no arguments, the receiver `x`. */
export function errorMethodReceiver(call: SyntaxNode, method: string): SyntaxNode | undefined {
  if (call.type !== 'call_expression') return undefined;
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== method || args?.namedChildCount !== 0) return undefined;
  return fn.childForFieldName('operand') ?? undefined;
}
