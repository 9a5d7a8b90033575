// fmt.Errorf("...: %v", err) → %w, so errors.Is and errors.As see the cause.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic, Edit } from '../src/engine/edits.js';
import { FACT, holds, typeFact } from '../src/go/facts.js';
import type { GoFile } from '../src/go/file.js';
import { parseFormat } from '../src/go/printf.js';
import { decodeStringExpression } from '../src/go/literal.js';
import { errorMethodReceiver, isErrorValue } from '../src/go/types.js';
import { atLeast } from '../src/go/version.js';
import { children, type SyntaxNode } from '../src/engine/parse.js';

export default defineCodemod({
  name: 'wrap-errors',
  summary: 'fmt.Errorf formats an error with %v or %s: use %w so errors.Is/As see the cause',
  description:
    '`fmt.Errorf("…: %v", err)` → `%w`, so `errors.Is`/`errors.As` see the cause. Only arguments shown to be errors: where ' +
    "goprod has type facts (a verified run), any whose type implements `error`, as Go's type checker says; else by their " +
    'declaration (type `error`, the `error` result of a function or method of the package as in `ferr := f.Close()`, a field ' +
    'its struct type declares `error`, names like `err`/`readErr`/`ErrX` from `:=`, fields so named, `pkg.ErrX` sentinels, ' +
    '`x.Error()` of such a value, which becomes `x`). `%+v` becomes `%+w` (fmt formats both alike); other flags (`%#v`: `%#w` ' +
    'prints differently), width, precision or an index are left alone (with type facts, an error so formatted is reported ' +
    'without a fix). Before Go 1.20 at most one `%w` per call.',
  linters: ['errorlint'],
  goVersions: { from: '1.13' },
  // fmt.Errorf (or Errorf of fmt imported under another name) and a plain %v, %+v or %s somewhere (a % may be escaped).
  mayMatch: (text) =>
    text.includes('Errorf') &&
    /%\+?[vs]|\\(?:x25|u0025|U00000025|045)/.test(text) &&
    (/\bfmt\s*\.\s*Errorf\b/.test(text) || /(?<![\p{L}\p{N}_])(?!import\s)[\p{L}_][\p{L}\p{N}_]*\s+"fmt"/u.test(text)),
  run(file) {
    const diagnostics: Diagnostic[] = [];
    if (file.importNames('fmt').length === 0) return diagnostics;
    for (const call of file.nodesAround(['Errorf'], 'call_expression')) {
      if (file.isPackageCall(call, 'fmt', ['Errorf'])) {
        const d = wrapErrors(call, file);
        if (d) diagnostics.push(d);
      }
    }
    return diagnostics;
  },
});

/**
 * The verbs, by their flags, that %w formats the same way. fmt formats `%w` as `%v` with the
 * flags kept, so `%+v` (a Formatter's detail, as pkg/errors' stack) becomes `%+w`; not `%#v`
 * (`%#w` prints `&%!w(…)` for an error that is not a Formatter), nor `%+s`.
 */
const WRAPPABLE: Readonly<Record<string, readonly string[]>> = { '': ['v', 's'], '+': ['v'] };

const UNWRAPPABLE =
  'an error formatted with a verb that %w would print differently (%q, %x, %#v, a width or precision): wrap it by hand where ' +
  'callers should see it';

function wrapErrors(call: SyntaxNode, file: GoFile): Diagnostic | undefined {
  const [formatArg, ...operands] = children(call.childForFieldName('arguments')!);
  // A variadic spread (`args...`) hides which operand a verb formats.
  if (!formatArg || call.childForFieldName('arguments')!.children.some((c) => c.type === '...')) return undefined;
  const format = decodeStringExpression(formatArg);
  if (!format) return undefined;
  const parsed = parseFormat(format.value);
  if (parsed.indexed) return undefined;

  // Before Go 1.20 a call may wrap one error only.
  const many = atLeast(file.goVersion, '1.20');
  if (!many && parsed.directives.some((d) => d.verb === 'w')) return undefined;

  const edits: Edit[] = [];
  const wrapped: string[] = [];
  // Errors the type checker shows formatted with a verb %w would print differently (%q, %x, %#v, a width).
  const unwrappable: string[] = [];
  const isError = (n: SyntaxNode) => {
    const fact = typeFact(file, n);
    return fact ? holds(fact, FACT.error) : isErrorValue(n, file);
  };
  for (const d of parsed.directives) {
    const operand = operands[d.operand];
    if (!operand) continue;
    if (!d.plain || !WRAPPABLE[d.flags]?.includes(d.verb)) {
      const fact = d.verb === 'w' || d.verb === 'T' ? undefined : typeFact(file, operand);
      if (fact && holds(fact, FACT.error))
        unwrappable.push(`${operand.text} with %${format.value.slice(format.value.lastIndexOf('%', d.verbIndex) + 1, d.verbIndex + 1)}`);
      continue;
    }
    // `err.Error()` formats as `err` does (`%+v` of it does not: a Formatter adds detail); the error itself is what %w needs.
    const receiver = d.flags === '' ? errorMethodReceiver(operand, 'Error') : undefined;
    const unwrap = receiver !== undefined && isError(receiver);
    if (!unwrap && !isError(operand)) continue;
    const [start, end] = format.spans[d.verbIndex]!;
    edits.push({ start, end, text: 'w' });
    if (unwrap) edits.push({ start: receiver.endIndex, end: operand.endIndex, text: '' });
    wrapped.push((unwrap ? receiver : operand).text);
    if (!many) break;
  }
  if (edits.length === 0) {
    if (unwrappable.length === 0) return undefined;
    return {
      start: call.startIndex,
      end: call.endIndex,
      message: `fmt.Errorf formats ${unwrappable.join(', ')}: errors.Is/As cannot see it`,
      reason: UNWRAPPABLE,
      fixes: [],
    };
  }
  const names = wrapped.join(', ');
  return {
    start: call.startIndex,
    end: call.endIndex,
    message: `fmt.Errorf formats ${names} without wrapping: errors.Is/As cannot see ${wrapped.length > 1 ? 'them' : 'it'}`,
    fixes: [{ message: `wrap ${names} with %w`, edits }],
  };
}
