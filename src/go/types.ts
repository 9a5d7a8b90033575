// What goprod can tell about the types of expressions from syntax alone. Every answer is
// conservative: "yes" only where the file shows it; the Go toolchain checks the rest.
import { children, type SyntaxNode } from '../engine/parse.js';
import type { GoFile } from './file.js';
import { baseTypeName } from './package.js';
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
      const inner = children(expr)[0];
      return inner !== undefined && isErrorValue(inner, file, depth + 1);
    }
    case 'identifier': {
      const decl = resolve(expr);
      // Declared in another file of the package: the package index knows, or the name says sentinel.
      if (!decl) return /^Err[A-Z0-9_]/.test(expr.text) || file.pkg.isErrorVar(expr.text);
      if (decl.type) return decl.type.type === 'type_identifier' && decl.type.text === 'error';
      if (decl.kind === 'func' || decl.kind === 'type' || decl.kind === 'const') return false;
      if (decl.value && isErrorValue(decl.value, file, depth + 1)) return true;
      // `n, ferr := f.Sync()`: the package declares that result an error.
      if (typeTextOf(expr, file) === 'error') return true;
      // A name that says "error" decides, unless the value plainly is something else.
      return isErrorName(decl.name) && !(decl.value && /literal$|^(nil|true|false)$/.test(decl.value.type));
    }
    case 'selector_expression': {
      const operand = expr.childForFieldName('operand')!;
      const field = expr.childForFieldName('field')!.text;
      // pkg.ErrX / io.EOF sentinels; otherwise a field whose name says it holds an error, or that its struct type declares `error`.
      if (operand.type === 'identifier' && file.isPackageName(operand)) return /^Err[A-Z0-9_]/.test(field) || field === 'EOF';
      return isErrorName(field) || fieldTypeOf(expr, file) === 'error';
    }
    case 'call_expression': {
      // A function or method of the package whose only result is an error.
      if (isErrorConstructor(expr, file) || errorMethodReceiver(expr, 'Err') !== undefined) return true;
      const results = callResults(expr, file);
      return results?.length === 1 && results[0] === 'error';
    }
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

/**
 * The named type of a variable of the package, where its declaration shows it (see
 * typeTextOf): `T` for `*T` or `T`, nothing for types of other packages.
 */
export function typeNameOf(ident: SyntaxNode, file: GoFile): string | undefined {
  const text = typeTextOf(ident, file);
  return text === undefined ? undefined : baseTypeName(text);
}

/**
 * The type of a variable as written where its declaration shows it: a written type, a
 * composite literal (`T{}`, `&T{}`), `new(T)`, or a call of a function or method of the
 * package whose results are written (`c := newCluster()`, `c, err := open()`,
 * `s := h.Stream()`, `ts := newServer()` giving `*httptest.Server`).
 */
export function typeTextOf(ident: SyntaxNode, file: GoFile): string | undefined {
  const decl = ident.type === 'identifier' ? resolve(ident) : undefined;
  if (!decl) return undefined;
  if (decl.type) return decl.type.text;
  let value = decl.value;
  let index = 0;
  if (!value && decl.declarator.type === 'short_var_declaration') {
    const left = children(decl.declarator.childForFieldName('left')!);
    const right = children(decl.declarator.childForFieldName('right')!);
    if (right.length === 1) [value, index] = [right[0], left.findIndex((l) => l.text === decl.name)];
  }
  if (!value) return undefined;
  const pointer = value.type === 'unary_expression' && value.childForFieldName('operator')?.text === '&';
  if (pointer) value = value.childForFieldName('operand') ?? undefined;
  if (value?.type === 'composite_literal') {
    const type = value.childForFieldName('type')?.text;
    return type && (pointer ? `*${type}` : type);
  }
  if (pointer || value?.type !== 'call_expression') return undefined;
  const fn = value.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'new' && !resolve(fn)) {
    const type = children(value.childForFieldName('arguments'))[0]?.text;
    return type && `*${type}`;
  }
  return callResults(value, file)?.[index];
}

/**
 * The result types, as written, of a call of a function of the package (`newCluster()`) or a
 * method of the package (`s.NewStream()`, when all its methods of that name agree on them).
 */
function callResults(call: SyntaxNode, file: GoFile): string[] | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand')!;
    return operand.type === 'identifier' && file.isPackageName(operand)
      ? undefined
      : file.pkg.methodNamedResults(fn.childForFieldName('field')!.text);
  }
  return fn?.type === 'identifier' && (resolve(fn)?.kind ?? 'func') === 'func' ? file.pkg.functionResults(fn.text) : undefined;
}

/** The type as written of `x.f` or `x.y.f`, where the package declares the struct types (see typeTextOf for `x`). */
function fieldTypeOf(selector: SyntaxNode, file: GoFile): string | undefined {
  const operand = selector.childForFieldName('operand')!;
  const text =
    operand.type === 'identifier'
      ? typeTextOf(operand, file)
      : operand.type === 'selector_expression'
        ? fieldTypeOf(operand, file)
        : undefined;
  const type = text === undefined ? undefined : baseTypeName(text);
  return type === undefined ? undefined : file.pkg.fieldType(type, selector.childForFieldName('field')!.text);
}
