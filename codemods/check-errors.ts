// Errors are values: check them. A call used as a statement whose last result is an error
// drops that error; where the function can return it (or fail its test) it now does.
import { defineCodemod, type CodemodOptions } from '../src/engine/codemod.js';
import type { Diagnostic, Edit, Fix } from '../src/engine/edits.js';
import { FACT, holds, typeFact } from '../src/go/facts.js';
import type { GoFile } from '../src/go/file.js';
import { packageAt } from '../src/go/imports.js';
import { indentationAt } from '../src/go/refactor.js';
import { resolve, resolveAt } from '../src/go/scope.js';
import { enclosingFunction, resultSlots } from '../src/go/syntax.js';
import { testingParameter } from '../src/go/testing.js';
import { isErrorName } from '../src/go/types.js';
import { children, sameNode, type SyntaxNode } from '../src/engine/parse.js';

/**
 * Callees whose error is left unchecked, as errcheck leaves them by default (its
 * DefaultExcludedSymbols, named as the type checker names callees), with the hash.Hash32 and
 * hash.Hash64 writes that cannot fail either. fmt's Fprint functions to os.Stdout and
 * os.Stderr are left alone too (by their argument), and every method named Close (close-errors').
 */
const EXCLUDED = new Set([
  ...['Write', 'WriteByte', 'WriteRune', 'WriteString'].flatMap((m) => [`(*bytes.Buffer).${m}`, `(*strings.Builder).${m}`]),
  'crypto/rand.Read',
  'errors.AsType',
  'fmt.Print',
  'fmt.Printf',
  'fmt.Println',
  ...['Fprint', 'Fprintf', 'Fprintln'].flatMap((f) => [`fmt.${f}(*bytes.Buffer)`, `fmt.${f}(*strings.Builder)`]),
  '(*io.PipeReader).CloseWithError',
  '(*io.PipeWriter).CloseWithError',
  'math/rand.Read',
  '(*math/rand.Rand).Read',
  '(hash.Hash).Write',
  '(hash.Hash32).Write',
  '(hash.Hash64).Write',
  '(*crypto/sha3.SHA3).Write',
  '(*crypto/sha3.SHAKE).Read',
  '(*crypto/sha3.SHAKE).Write',
  '(*hash/maphash.Hash).Write',
  '(*hash/maphash.Hash).WriteByte',
  '(*hash/maphash.Hash).WriteString',
]);

export default defineCodemod({
  name: 'check-errors',
  summary: 'a call statement drops the error it returns: check it',
  description:
    "A call used as a statement whose last result is an `error` (as Go's type checker says: with type facts, a verified run or " +
    "`--type-facts`; without them, as in `goprod check`, only calls of the package's own functions declared so are found, and " +
    'reported without a fix) gets it checked: in a function whose last result is `error`, ' +
    '`if err := f(x); err != nil { return 0, fmt.Errorf("f: %w", err) }` (`_, err :=` for each other result; the function\'s ' +
    'other results get their zero values, as the type checker says them, or their names where they are named and every other ' +
    "return of an error returns them so; the message is the callee's name, lower case); in a function receiving a " +
    '`*testing.T`, `*testing.B`, `*testing.F` or `testing.TB` (and no error result), ' +
    '`if err := f(x); err != nil { t.Fatal(err) }` for calls of other packages (a call of the package under test whose error a ' +
    "test drops may be expected to fail: reported without a fix). Elsewhere (`main`, a goroutine's or a callback's closure, a " +
    'function without an error result, a `go` statement, a call not standing as a statement of a block), for cleanup on an ' +
    'error path (a later `return` of the block returns an error, `err` or one made there: the fix would replace that error and ' +
    "skip the rest of the cleanup) and for calls whose error is never nil (`syscall`'s and `x/sys/windows`' `Proc.Call`) for " +
    'removals (`Remove…`, `Delete…`, `Unlink…`, or a call handed one: often best-effort, what they remove may not be ' +
    'there) and, for the return, in loops (returning would end the loop early: a channel consumer, a sweep over items) it is ' +
    'reported without a fix; where a comment on the line or right above says the error is ignored on purpose ' +
    '(`// error deliberately ignored`, `best effort`, `never fails`, "ignore" in any form unless the comment tells what the ' +
    'call is for, as in `// rename it so that the linter ignores it`), the fix says so in code: `_ = f(x)`. Left alone, as ' +
    'errcheck leaves them by default: `fmt.Print*`, `fmt.Fprint*` to `os.Stdout`, `os.Stderr`, a `*bytes.Buffer` or a ' +
    '`*strings.Builder`, writes to `bytes.Buffer`, `strings.Builder` and hashes (`hash.Hash`, `maphash`), `crypto/rand.Read`, ' +
    "`math/rand.Read`, `CloseWithError` of pipes; every `Close` (close-errors' job), deferred calls and `_ =` assignments; " +
    'calls a `//nolint:errcheck` (or a bare `//nolint`) directive silences, as golangci-lint reads it; and ' +
    "the callees `--check-errors-exclude` names, as errcheck's `exclude-functions` does (`(*os.File).Write`, `os.Remove`, " +
    '`fmt.Fprintf`; comma-separated).',
  linters: ['errcheck'],
  goVersions: { from: '1.13' },
  // Where a fix can be: a call statement of a block in a function whose last result is `error`, or one
  // receiving a *testing.T, …, or one a comment says is ignored on purpose (see check).
  mayFixWithTypes: (file) =>
    file.root.descendantsOfType('expression_statement').some((stmt) => {
      if (children(stmt)[0]?.type !== 'call_expression') return false;
      if (ignoredOnPurpose(file, stmt)) return true;
      const fn = stmt.parent?.type === 'statement_list' ? enclosingFunction(stmt) : undefined;
      if (!fn) return false;
      const results = resultSlots(fn);
      return results.length > 0 ? results[results.length - 1]!.type.text === 'error' : testingParameter(file, fn) !== undefined;
    }),
  // A statement that is a call: a line starting with a name and a call on it.
  mayMatch: (text) => /^[ \t]*(?:go[ \t]+)?[\p{L}_][\p{L}\p{N}_.]*(?:\[[^\n]*\])?[ \t]*\(/mu.test(text),
  options: {
    checkErrorsExclude: {
      flag: '--check-errors-exclude <names>',
      description:
        'callees whose errors check-errors leaves unchecked, as the type checker names them: (*os.File).Write, os.Remove, ' +
        'fmt.Fprintf (comma-separated)',
      default: '',
    },
  },
  run(file, options) {
    if (!file.types) return untyped(file);
    const excluded = exclusions(options);
    const diagnostics: Diagnostic[] = [];
    for (const stmt of file.root.descendantsOfType(['expression_statement', 'go_statement'])) {
      const call = stmt.type === 'go_statement' ? stmt.namedChildren.find((c) => c.type === 'call_expression') : children(stmt)[0];
      if (call?.type !== 'call_expression') continue;
      const fact = typeFact(file, call);
      if (!fact || !holds(fact, FACT.dropped) || isExcluded(file, call, fact.name ?? '', excluded)) continue;
      diagnostics.push(check(file, stmt, call, fact.list?.length ?? 1, fact.name ?? '', holds(fact, FACT.own)));
    }
    return diagnostics;
  },
});

const UNTYPED =
  "decided without type facts (--no-verify, goprod check): only calls of the package's own functions are found, and none is fixed";

/**
 * Without type facts: the calls of functions the package declares with an error result last (the package index knows
 * them), each without a fix.
 */
function untyped(file: GoFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const stmt of file.root.descendantsOfType('expression_statement')) {
    const call = children(stmt)[0];
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
    if (fn?.type !== 'identifier' || (resolve(fn) && resolve(fn)!.kind !== 'func')) continue;
    const results = file.pkg.functionResults(fn.text);
    if (results?.[results.length - 1] === 'error')
      out.push({
        start: stmt.startIndex,
        end: stmt.endIndex,
        message: `the error ${fn.text} returns is dropped`,
        reason: UNTYPED,
        fixes: [],
      });
  }
  return out;
}

function exclusions(options: CodemodOptions): Set<string> {
  const names = String(options.checkErrorsExclude ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  return new Set([...EXCLUDED, ...names]);
}

function isExcluded(file: GoFile, call: SyntaxNode, name: string, excluded: ReadonlySet<string>): boolean {
  // `fmt.Fprintf(*os.File)` is excluded as `fmt.Fprintf` too; a method of an addressable `bytes.Buffer` as `(*bytes.Buffer).Write`.
  const names = [name, name.replace(/\(.*\)$/, ''), name.replace(/^\((?!\*)/, '(*')];
  if (names.some((n) => excluded.has(n))) return true;
  if (/(^|\.)Close$/.test(name) || calleeName(call) === 'Close') return true;
  if (/^fmt\.Fprint(f|ln)?\(/.test(name)) {
    const writer = children(call.childForFieldName('arguments'))[0];
    const operand = writer?.type === 'selector_expression' ? writer.childForFieldName('operand') : undefined;
    if (
      operand &&
      file.isPackageName(operand) &&
      file.importNames('os').includes(operand.text) &&
      ['Stdout', 'Stderr'].includes(writer!.childForFieldName('field')!.text)
    )
      return true;
  }
  return false;
}

/** `Write` of `w.Write(b)`, `Remove` of `os.Remove(p)`, `f` of `f(x)`; `call` for anything else. */
function calleeName(call: SyntaxNode): string {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_type' || fn?.type === 'index_expression') fn = fn.namedChildren[0] ?? null;
  if (fn?.type === 'selector_expression') return fn.childForFieldName('field')!.text;
  return fn?.type === 'identifier' ? fn.text : 'call';
}

/** How the guide writes an error message of a call: the callee's name, its first letter lower case (not in an initialism: `HTTPGet`). */
function messageOf(call: SyntaxNode): string {
  const name = calleeName(call);
  return /^\p{Lu}(\p{Ll}|$)/u.test(name) ? name[0]!.toLowerCase() + name.slice(1) : name;
}

/** Calls whose error result is always non-nil (syscall's and x/sys/windows' Proc.Call: "The returned error is always non-nil"). */
const ALWAYS_AN_ERROR = [
  '(*syscall.LazyProc).Call',
  '(*syscall.Proc).Call',
  '(*golang.org/x/sys/windows.LazyProc).Call',
  '(*golang.org/x/sys/windows.Proc).Call',
];

const IN_GO = 'a go statement drops the error of the function it starts: check it inside the goroutine';
const NOT_IN_BLOCK = 'a call that does not stand as a statement of a block (an if or switch initializer, a labelled statement)';
const NOWHERE =
  'nowhere to return the error to: the function has no error result and receives no *testing.T (main, a goroutine, a ' + 'callback)';
const NEVER_NIL = 'its error result is never nil (a Proc\'s Call): check r1 as the API documents instead';
const ERROR_PATH =
  'cleanup on an error path (a return of an error follows): returning this error would replace the one being returned and ' +
  'skip the rest of the cleanup';
const BEST_EFFORT =
  'a removal, often best-effort (what it removes may not be there): say whether its error matters ' +
  '(`errors.Is(err, fs.ErrNotExist)`), or drop it with `_ =`';
const IN_LOOP = 'in a loop: returning would end the loop early (a channel consumer, a sweep over items): decide whether this error ends it';
const UNDER_TEST =
  'in a test, a call of the package under test whose error is dropped may be the point (a call expected to fail): check it by hand';
const FMT_TAKEN = '`fmt` means something else here, so fmt.Errorf cannot be called by that name';

function check(file: GoFile, stmt: SyntaxNode, call: SyntaxNode, results: number, callee: string, own: boolean): Diagnostic {
  const fn0 = call.childForFieldName('function')!;
  const message =
    fn0.type === 'func_literal'
      ? 'the error the function literal returns is dropped'
      : `the error ${fn0.text.length > 40 ? `of ${messageOf(call)}(…)` : `${fn0.text} returns`} is dropped`;
  const report = (reason: string): Diagnostic => ({ start: stmt.startIndex, end: stmt.endIndex, message, reason, fixes: [] });
  const fixed = (fix: Fix): Diagnostic => ({ start: stmt.startIndex, end: stmt.endIndex, message, fixes: [fix] });
  if (stmt.type === 'go_statement') return report(IN_GO);
  if (ALWAYS_AN_ERROR.includes(callee)) return report(NEVER_NIL);
  // A comment on the line or the one above says the error is ignored on purpose: `_ =` says so in code.
  if (ignoredOnPurpose(file, stmt) && stmt.type === 'expression_statement') {
    const edit = { start: stmt.startIndex, end: stmt.startIndex, text: `${'_, '.repeat(results - 1)}_ = ` };
    return fixed({ message: 'drop it explicitly, as the comment says', edits: [edit] });
  }
  // A removal, or a call handed one (`inWritableDir(fs.Remove, name)`).
  const removal = (text: string) => /^(remove|delete|unlink)/i.test(text);
  if (removal(calleeName(call)) || children(call.childForFieldName('arguments')).some((a) => removal(a.text.split('.').pop()!)))
    return report(BEST_EFFORT);
  if (stmt.parent?.type !== 'statement_list') return report(NOT_IN_BLOCK);
  const fn = enclosingFunction(stmt);
  if (!fn) return report(NOWHERE);
  const indent = indentationAt(file.text, stmt.startIndex);
  // Around the call, not over it: a fix inside the call (a closure among its arguments) is made in the same pass.
  const wrap = (then: string): Edit[] => [
    { start: call.startIndex, end: call.startIndex, text: `if ${'_, '.repeat(results - 1)}err := ` },
    { start: call.endIndex, end: call.endIndex, text: `; err != nil {\n${indent}\t${then}\n${indent}}` },
  ];
  const zeros = zerosOf(file, fn) && (namedResults(fn, stmt) ?? zerosOf(file, fn));
  if (zeros) {
    if (onErrorPath(stmt)) return report(ERROR_PATH);
    if (inLoop(stmt, fn)) return report(IN_LOOP);
    const fmt = packageAt(file, 'fmt', stmt);
    if (!fmt) return report(FMT_TAKEN);
    const values = [...zeros, `${fmt.name}.Errorf("${messageOf(call)}: %w", err)`].join(', ');
    return fixed({ message: 'return it, wrapped', edits: [...wrap(`return ${values}`), ...fmt.edits] });
  }
  const t = resultSlots(fn).length === 0 ? testingParameter(file, fn) : undefined;
  if (t && sameNode(resolveAt(t.text, stmt)?.node, t)) {
    if (own) return report(UNDER_TEST);
    return fixed({ message: `fail the test: ${t.text}.Fatal(err)`, edits: wrap(`${t.text}.Fatal(err)`) });
  }
  return report(NOWHERE);
}

/** Whether a loop of the function `fn` holds the statement. */
function inLoop(stmt: SyntaxNode, fn: SyntaxNode): boolean {
  for (let n = stmt.parent; n && !sameNode(n, fn); n = n.parent) if (n.type === 'for_statement') return true;
  return false;
}

/** The comments that speak of a statement: the one after it on its line, and a line of comment right above it. */
function commentsOf(file: GoFile, stmt: SyntaxNode): string[] {
  const lineStart = file.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const lineEnd = file.text.indexOf('\n', stmt.endIndex);
  const above = file.text.slice(file.text.lastIndexOf('\n', lineStart - 2) + 1, lineStart);
  const own = file.text.slice(stmt.endIndex, lineEnd === -1 ? file.text.length : lineEnd);
  return [/\/\/(.*)/.exec(own)?.[1], /^\s*\/\/(.*)/.exec(above)?.[1]].filter((c) => c !== undefined);
}

/**
 * Whether a comment of the statement says the error is ignored on purpose: in so many words
 * (`deliberately`, `best effort`, `never fails`), or with "ignore" in any form, unless it
 * tells what the call is for rather than its error (`// Rename the file so it gets ignored by
 * the linter`). Where in doubt, `_ =` is the fix that changes nothing the program does.
 */
function ignoredOnPurpose(file: GoFile, stmt: SyntaxNode): boolean {
  const said = /\b(deliberate\w*|intentional\w*|on purpose|best[- ]effort|don'?t care|doesn'?t matter|never fails?|cannot fail|can'?t fail)\b/i;
  const ignored = /\bignor\w*/i;
  const ofTheError = /\b(err\w*|results?|return(ed|s)?|fail\w*)\b/i;
  // A purpose clause with a subject of its own: "so (that) it / the linter … ignores", "in order to … ignore".
  const whatFor = /\b(so\s+(that\s+)?(it|they|this|the\s+\w+)|in order to|to make)\b[^.;:]*\bignor/i;
  return commentsOf(file, stmt).some((c) => said.test(c) || (ignored.test(c) && (ofTheError.test(c) || !whatFor.test(c))));
}

/**
 * Whether a later statement of the block returns an error: a variable named as errors are
 * (`err`, `errClosed`), or one made there (`fmt.Errorf`, `errors.New`, `errors.Wrap`…): the
 * statement is cleanup before it.
 */
function onErrorPath(stmt: SyntaxNode): boolean {
  for (let next = stmt.nextNamedSibling; next; next = next.nextNamedSibling) {
    if (next.type !== 'return_statement') continue;
    const values = children(children(next)[0]);
    const last = values[values.length - 1];
    const made =
      last?.type === 'call_expression' &&
      /(^|\.)(Errorf|New|Wrap|Wrapf|WithMessage|WithStack|Join)$/.test(last.childForFieldName('function')!.text);
    if (last && ((last.type === 'identifier' && isErrorName(last.text)) || made)) return true;
  }
  return false;
}

/**
 * The names of the function's results but the last, where every return of an error in it
 * (a last value other than nil) returns them so, `return n, err`: what the function already
 * does; undefined where a result is unnamed or `_`, no such return exists, one returns
 * something else, or a name means another variable at `at`.
 */
function namedResults(fn: SyntaxNode, at: SyntaxNode): string[] | undefined {
  const slots = resultSlots(fn);
  const named = slots.slice(0, -1).map((s) => s.name);
  if (named.some((n) => !n || n.text === '_' || !sameNode(resolveAt(n.text, at)?.node, n))) return undefined;
  const values =
    fn
      .childForFieldName('body')
      ?.descendantsOfType('return_statement')
      .filter((r) => sameNode(enclosingFunction(r), fn))
      .map((r) => children(children(r)[0])) ?? [];
  const erroring = values.filter((v) => v.length === slots.length && v[v.length - 1]!.type !== 'nil');
  if (erroring.length === 0 || !erroring.every((v) => v.slice(0, -1).every((x, i) => x.text === named[i]!.text))) return undefined;
  return named.map((n) => n!.text);
}

/**
 * The zero values of the function's results but the last, which is an error, as the type checker says them; undefined
 * for a function without an error result last.
 */
function zerosOf(file: GoFile, fn: SyntaxNode): string[] | undefined {
  const result = fn.childForFieldName('result');
  const fact = result ? typeFact(file, result) : undefined;
  const slots = resultSlots(fn);
  if (!fact || !holds(fact, FACT.zeros) || fact.list?.length !== slots.length) return undefined;
  return slots.slice(0, -1).map((s, i) => {
    const zero = fact.list![i]!;
    return zero === '{}' ? `${s.type.text}{}` : zero === '*new' ? `*new(${s.type.text})` : zero;
  });
}
