// if e, ok := err.(*T); ok → var e *T; if errors.As(err, &e), so a wrapped *T still matches.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic, Edit } from '../src/engine/edits.js';
import { errorsPackageAt, inErrorsProtocolMethod, isErrorInterface, isKnownError, type ErrorsPackage } from '../src/go/errors-package.js';
import { FACT, holds, typeFact } from '../src/go/facts.js';
import type { GoFile } from '../src/go/file.js';
import { indentationAt } from '../src/go/refactor.js';
import { resolveAt } from '../src/go/scope.js';
import { referencesTo } from '../src/go/syntax.js';
import { atLeast } from '../src/go/version.js';
import { children, sameNode, type SyntaxNode } from '../src/engine/parse.js';

export default defineCodemod({
  name: 'errors-as',
  summary: 'a type assertion or type switch on an error misses wrapped errors: use errors.As',
  description:
    '`if e, ok := err.(*T); ok { … }` → `var e *T` and `if errors.As(err, &e) { … }` (`errors.As(err, new(*T))` when `e` ' +
    'is unused; `!ok` and `ok && …` conditions too), so a wrapped `*T` still matches; from Go 1.26 `e, ok := err.(T)` ' +
    "wherever it stands (an `if`'s initializer, a declaration, an assignment) → `e, ok := errors.AsType[T](err)`, the same " +
    "results in the same scopes. Only for values Go's type checker shows to be errors held in an interface, asserted to a " +
    'type that implements `error` (with type facts: a verified run), else shown to be errors as for errors-is; for the ' +
    '`errors.As` form only where `ok` is used nowhere else and the new `var e` changes no scoping: the `if` starts a line of a ' +
    'block, no `e` is visible there and none is used after it. A type switch on an error whose cases are all concrete error ' +
    'types (with type facts; pointer types from syntax), one per case, becomes a tagless switch, `case errors.As(err, &e):`, ' +
    'which checks the cases in the same order and keeps what `break` means; a switch variable may be used in one case only, ' +
    "and from Go 1.26 it comes from the switch's initializer instead of a `var` before it: " +
    '`switch e, ok := errors.AsType[*T](err); { case ok: … }`. Other assertions and type switches on errors are reported ' +
    'without a fix; those in the methods `Is`, `As` and `Unwrap` are left alone. Adds the `errors` import; skipped where ' +
    '`errors` means something else.',
  linters: ['errorlint'],
  goVersions: { from: '1.13' },
  mayMatch: (text) => /\.\s*\(/.test(text),
  run(file) {
    const diagnostics: Diagnostic[] = [];
    for (const node of file.root.descendantsOfType(['type_assertion_expression', 'type_switch_statement'])) {
      const value = node.childForFieldName(node.type === 'type_assertion_expression' ? 'operand' : 'value');
      if (!value || !(isErrorInterface(file, value) ?? isKnownError(value, file)) || inErrorsProtocolMethod(node)) continue;
      const d = node.type === 'type_assertion_expression' ? assertion(file, node, value) : typeSwitch(file, node, value);
      if (d) diagnostics.push(d);
    }
    return diagnostics;
  },
});

function assertion(file: GoFile, expr: SyntaxNode, err: SyntaxNode): Diagnostic | undefined {
  const type = expr.childForFieldName('type')!;
  // As errorlint: asserting an interface that is not an error asks what else the value can do (`interface{ Timeout() bool }`).
  const asserted = typeFact(file, type);
  if (
    asserted
      ? !holds(asserted, FACT.error) || holds(asserted, FACT.errorType)
      : type.text === 'error' || (type.type === 'interface_type' && !/\bError\(\)\s*string|\berror\b/.test(type.text))
  )
    return undefined;
  const fix = atLeast(file.goVersion, '1.26') ? asTypeFix(file, expr, err, type) : ifAssertionFix(file, expr, err, type);
  return {
    start: expr.startIndex,
    end: expr.endIndex,
    message: `type assertion on ${err.text} misses a wrapped ${type.text}`,
    fixes: fix ? [fix] : [],
  };
}

/** `if e, ok := err.(T); ok …` with `ok` first in the condition and nowhere else: `var e T` and `if errors.As(err, &e) …`. */
function ifAssertionFix(file: GoFile, expr: SyntaxNode, err: SyntaxNode, type: SyntaxNode): { message: string; edits: Edit[] } | undefined {
  const decl = expr.parent?.parent;
  const stmt = decl?.parent;
  if (decl?.type !== 'short_var_declaration' || stmt?.type !== 'if_statement' || !sameNode(stmt.childForFieldName('initializer'), decl))
    return undefined;
  const [e, ok] = children(decl.childForFieldName('left'));
  const cond = stmt.childForFieldName('condition')!;
  const okRef = ok && firstOperand(cond);
  if (!e || !ok || okRef?.type !== 'identifier' || okRef.text !== ok.text || referencesTo(stmt, ok).length !== 1) return undefined;
  const used = e.text !== '_' && referencesTo(stmt, e).length > 0;
  if (used && !canDeclareBefore(file, stmt, e.text)) return undefined;
  const pkg = errorsPackageAt(file, stmt);
  if (!pkg) return undefined;
  const edits: Edit[] = [
    { start: decl.startIndex, end: cond.startIndex, text: '' },
    { start: okRef.startIndex, end: okRef.endIndex, text: asCall(pkg, err, type, used ? e.text : undefined) },
    ...pkg.edits,
  ];
  if (used) edits.push({ start: stmt.startIndex, end: stmt.startIndex, text: declaration(file, stmt, e.text, type) });
  return { message: `use errors.As(${err.text}, ${used ? `&${e.text}` : `new(${type.text})`})`, edits };
}

/**
 * From Go 1.26: `e, ok := err.(T)` → `e, ok := errors.AsType[T](err)`, wherever the assertion
 * gives two values (an if's initializer, a declaration, an assignment): the same two results,
 * the same scopes.
 */
function asTypeFix(file: GoFile, expr: SyntaxNode, err: SyntaxNode, type: SyntaxNode): { message: string; edits: Edit[] } | undefined {
  const list = expr.parent;
  const owner = list?.parent;
  const values = list?.type === 'expression_list' ? children(list) : [];
  const left = owner?.type === 'var_spec' ? owner.childrenForFieldName('name') : children(owner?.childForFieldName('left'));
  const twoValues =
    values.length === 1 &&
    left.length === 2 &&
    (owner?.type === 'var_spec' ? sameNode(owner.childForFieldName('value'), list) : sameNode(owner?.childForFieldName('right'), list));
  const pkg = twoValues && owner && errorsPackageAt(file, owner);
  if (!pkg) return undefined;
  const call = `${pkg.name}.AsType[${type.text}](${err.text})`;
  return { message: `use ${call}`, edits: [{ start: expr.startIndex, end: expr.endIndex, text: call }, ...pkg.edits] };
}

/** The leftmost operand of a condition (`ok` of `ok`, `!ok`, `ok && x`), the one evaluated first. */
function firstOperand(cond: SyntaxNode): SyntaxNode {
  if (cond.type === 'unary_expression' && cond.childForFieldName('operator')?.text === '!')
    return firstOperand(cond.childForFieldName('operand')!);
  if (cond.type === 'binary_expression' && ['&&', '||'].includes(cond.childForFieldName('operator')!.text))
    return firstOperand(cond.childForFieldName('left')!);
  return cond;
}

/**
 * A type switch on an error whose cases are pointer types, one per case: `switch e := err.(type)
 * { case *A: … }` → `var e *A` and `switch { case errors.As(err, &e): … }`. Reported without a
 * fix where that would not be the same switch: other cases (`nil`, interfaces, which may
 * match a value a later case names, lists), an initializer, a switch variable used in
 * `default` or in several cases, or one that cannot be declared before the switch.
 */
function typeSwitch(file: GoFile, sw: SyntaxNode, err: SyntaxNode): Diagnostic {
  const diagnostic: Diagnostic = {
    start: sw.startIndex,
    end: err.endIndex,
    message: `type switch on ${err.text} misses wrapped errors`,
    fixes: [],
  };
  const clauses = children(sw).filter((c) => c.type === 'type_case' || c.type === 'default_case');
  const types = clauses.filter((c) => c.type === 'type_case').map((c) => c.childrenForFieldName('type'));
  if (sw.childForFieldName('initializer') || !types.every((t) => t.length === 1 && isConcreteError(file, t[0]!))) return diagnostic;
  if (err.descendantsOfType('call_expression').length > 0) return diagnostic; // evaluated once per case after the change
  const alias = children(sw.childForFieldName('alias'))[0];
  const using = alias ? clauses.filter((c) => referencesTo(c, alias).length > 0) : [];
  const named = using[0];
  if (using.length > 1 || named?.type === 'default_case') return diagnostic;
  const pkg = errorsPackageAt(file, sw);
  const brace = sw.children.find((c) => c.type === '{');
  if (!pkg || !brace) return diagnostic;
  const namedType = named?.childForFieldName('type');
  // From Go 1.26 the named case's variable comes from errors.AsType in the switch's initializer,
  // scoped to the switch as the original was; `ok` must then mean nothing inside it.
  const asType = namedType && atLeast(file.goVersion, '1.26') && !sw.descendantsOfType('identifier').some((id) => id.text === 'ok');
  if (namedType && !asType && !canDeclareBefore(file, sw, alias!.text)) return diagnostic;
  const header = asType
    ? `switch ${alias!.text}, ok := ${pkg.name}.AsType[${namedType.text}](${err.text}); `
    : `${namedType ? declaration(file, sw, alias!.text, namedType) : ''}switch `;
  const edits: Edit[] = [{ start: sw.startIndex, end: brace.startIndex, text: header }, ...pkg.edits];
  for (const clause of clauses.filter((c) => c.type === 'type_case')) {
    const type = clause.childForFieldName('type')!;
    const mine = sameNode(clause, named);
    edits.push({
      start: type.startIndex,
      end: type.endIndex,
      text: mine && asType ? 'ok' : asCall(pkg, err, type, mine ? alias!.text : undefined),
    });
  }
  diagnostic.fixes.push({
    message: asType ? `switch on errors.AsType[${namedType.text}](${err.text}) and errors.As` : `switch on errors.As(${err.text}, …)`,
    edits,
  });
  return diagnostic;
}

/**
 * A case type errors.As can stand for: a concrete type implementing error, where the type
 * checker says so; from syntax alone, a pointer type (an interface case may match a value a
 * later case names).
 */
function isConcreteError(file: GoFile, type: SyntaxNode): boolean {
  const fact = typeFact(file, type);
  return fact ? holds(fact, FACT.error) && !holds(fact, FACT.interface) : type.type === 'pointer_type';
}

/** `errors.As(err, &e)`, or `errors.As(err, new(T))` without a variable. */
function asCall(pkg: ErrorsPackage, err: SyntaxNode, type: SyntaxNode, variable: string | undefined): string {
  return `${pkg.name}.As(${err.text}, ${variable ? `&${variable}` : `new(${type.text})`})`;
}

/**
 * Whether `var name T` can go on a line of its own before `stmt` without changing what any
 * name means: `stmt` starts a line of a block, `name` means nothing there (so it shadows
 * nothing and redeclares nothing), and no later statement of the block mentions it.
 */
function canDeclareBefore(file: GoFile, stmt: SyntaxNode, name: string): boolean {
  const lineStart = file.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  if (stmt.parent?.type !== 'statement_list' || file.text.slice(lineStart, stmt.startIndex).trim() !== '' || resolveAt(name, stmt))
    return false;
  const later = children(stmt.parent).filter((s) => s.startIndex > stmt.startIndex);
  return !later.some(
    (s) => s.descendantsOfType('identifier').some((id) => id.text === name) || (s.type === 'identifier' && s.text === name),
  );
}

/** `var name T` and a line break, to go right before `stmt`. */
function declaration(file: GoFile, stmt: SyntaxNode, name: string, type: SyntaxNode): string {
  return `var ${name} ${type.text}\n${indentationAt(file.text, stmt.startIndex)}`;
}
