// err == ErrNotFound → errors.Is(err, ErrNotFound), so a wrapped ErrNotFound still matches.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic } from '../src/engine/edits.js';
import { errorsPackageAt, inErrorsProtocolMethod, isErrorInterface, isKnownError } from '../src/go/errors-package.js';
import { FACT, holds, typeFact } from '../src/go/facts.js';
import type { GoFile } from '../src/go/file.js';
import { resolve } from '../src/go/scope.js';
import { enclosingFunction, isWrittenAt, referencesTo } from '../src/go/syntax.js';
import { children, sameNode, type SyntaxNode } from '../src/engine/parse.js';

export default defineCodemod({
  name: 'errors-is',
  summary: 'an error compared with == or != misses wrapped errors: use errors.Is',
  description:
    '`err == ErrX` → `errors.Is(err, ErrX)`, `err != ErrX` → `!errors.Is(err, ErrX)`, and ' +
    '`switch err { case ErrA, ErrB: … }` → `switch { case errors.Is(err, ErrA), errors.Is(err, ErrB): … }` (`case nil` ' +
    "becomes `err == nil`), so wrapped errors still match. Only where Go's type checker shows one side an error held in an " +
    'interface (the `error` type, or an interface with its `Error` method) and the other an error too, with type facts (a ' +
    'verified run; compared with a value that is not an error, it is reported without a fix); else where both sides are shown ' +
    'to be errors as for wrap-errors (or are `context.Canceled`/`context.DeadlineExceeded`) and no declaration says otherwise ' +
    '(a variable of another declared type or holding `a != b`, an `ErrX` of another file the package does not declare as an ' +
    'error variable); `nil` comparisons, switches on a call and the methods `Is`, `As` and `Unwrap` (which compare directly by ' +
    "contract) are left alone. So are sentinels the standard library returns unwrapped, as errorlint's allow-list says: with " +
    'type facts, where every call the error comes from is one the list names as the type checker names it ' +
    '(`(*bufio.Reader).ReadString`, `io.ReadFull`, `(context.Context).Err`, …), a `Read` or `ReadAt` with the signature of ' +
    "`io.Reader`'s (`io.ReaderAt`'s), whose contract is to return `io.EOF` itself, or for a `syscall`/`x/sys/unix` errno a " +
    'function of its package; without, `io.EOF` compared with an error that every assignment in the function takes from a ' +
    '`Read`-like call (`Read`, `ReadByte`, `ReadString`, `io.ReadFull`, `Decode`, `Next`, …), `io.ErrUnexpectedEOF` from ' +
    '`io.ReadFull`, `sql.ErrNoRows` from `Scan`, `http.ErrServerClosed` from `ListenAndServe`/`Serve`, `context.Canceled` from ' +
    "`ctx.Err()`, matched by the function's name. Adds the `errors` import; skipped where `errors` means something else.",
  linters: ['errorlint'],
  goVersions: { from: '1.13' },
  mayMatch: (text) => /[!=]=|\bswitch\b/.test(text),
  run(file) {
    const diagnostics: Diagnostic[] = [];
    for (const node of file.root.descendantsOfType(['binary_expression', 'expression_switch_statement'])) {
      const d = node.type === 'binary_expression' ? fixComparison(file, node) : fixSwitch(file, node);
      if (d) diagnostics.push(d);
    }
    return diagnostics;
  },
});

function fixComparison(file: GoFile, expr: SyntaxNode): Diagnostic | undefined {
  const op = expr.childForFieldName('operator')!.text;
  const left = expr.childForFieldName('left')!;
  const right = expr.childForFieldName('right')!;
  if (op !== '==' && op !== '!=') return undefined;
  const compared = comparedErrors(file, left, right);
  if (compared === 'none' || inErrorsProtocolMethod(expr)) return undefined;
  // errors.Is(err, target): the sentinel is the target, wherever it was written.
  const [err, target] = isSentinel(file, left) && !isSentinel(file, right) ? [right, left] : [left, right];
  if (returnedUnwrapped(file, err, target)) return undefined;
  const message = `comparing ${err.text} ${op} ${target.text} misses a wrapped ${target.text}`;
  if (compared === 'not-an-error') return { start: expr.startIndex, end: expr.endIndex, message, reason: NOT_AN_ERROR, fixes: [] };
  const pkg = errorsPackageAt(file, expr);
  if (!pkg) return { start: expr.startIndex, end: expr.endIndex, message, reason: ERRORS_TAKEN, fixes: [] };
  return {
    start: expr.startIndex,
    end: expr.endIndex,
    message,
    fixes: [
      {
        message: `use ${op === '!=' ? '!' : ''}errors.Is(${err.text}, ${target.text})`,
        edits: [
          { start: expr.startIndex, end: expr.endIndex, text: `${op === '!=' ? '!' : ''}${pkg.name}.Is(${err.text}, ${target.text})` },
          ...pkg.edits,
        ],
      },
    ],
  };
}

const NOT_AN_ERROR = 'an error compared with a value that is not an error (errors.Is takes two errors)';
const ERRORS_TAKEN = '`errors` names another package or a variable here, so errors.Is cannot be called by that name';
const SWITCH_ON_CALL = 'a switch on a call: a tagless switch would call it once per case (keep its result in a variable first)';

/**
 * Whether `a == b` compares errors: `errors` when both are, `not-an-error` when one is an
 * error interface and the other no error (errorlint's finding, which errors.Is cannot fix),
 * `none` otherwise. The type checker decides where the file has facts: one side must be an
 * error held in an interface (what a wrapped error hides behind), as errorlint asks; else the
 * syntax rules (isComparedError) do.
 */
function comparedErrors(file: GoFile, a: SyntaxNode, b: SyntaxNode): 'errors' | 'not-an-error' | 'none' {
  const [fa, fb] = [typeFact(file, a), typeFact(file, b)];
  if (!fa || !fb) {
    const both = MAYBE_ERROR.has(a.type) && MAYBE_ERROR.has(b.type) && isComparedError(file, a) && isComparedError(file, b);
    return both ? 'errors' : 'none';
  }
  if (holds(fa, FACT.nil) || holds(fb, FACT.nil) || !(isErrorInterface(file, a) || isErrorInterface(file, b))) return 'none';
  return holds(fa, FACT.error) && holds(fb, FACT.error) ? 'errors' : 'not-an-error';
}

/**
 * The kinds of expression isComparedError can show to be errors (isErrorValue's, and
 * packageMember's selector): any other side (`nil`, a literal) is told apart before the name of
 * the other is resolved, which `err != nil`, the commonest comparison, would cost.
 */
const MAYBE_ERROR = new Set(['identifier', 'selector_expression', 'call_expression', 'parenthesized_expression']);

/** `switch err { case ErrA, nil: … }` → `switch { case errors.Is(err, ErrA), err == nil: … }`. */
function fixSwitch(file: GoFile, sw: SyntaxNode): Diagnostic | undefined {
  const tag = sw.childForFieldName('value');
  if (!tag) return undefined;
  const values = children(sw).filter((c) => c.type === 'expression_case').flatMap((c) => children(c.childForFieldName('value')));
  const compared = values.filter((v) => v.type !== 'nil');
  if (compared.length === 0 || !compared.every((v) => comparedErrors(file, tag, v) === 'errors') || inErrorsProtocolMethod(sw))
    return undefined;
  if (compared.every((v) => returnedUnwrapped(file, tag, v))) return undefined;
  const message = `switch on ${tag.text} compares with ==: a wrapped error matches no case`;
  const reported = (reason: string): Diagnostic => ({ start: sw.startIndex, end: tag.endIndex, message, reason, fixes: [] });
  // A tagless switch evaluates the tag once per case: it must not be a call. Without type facts such a switch is left alone.
  if (tag.type === 'call_expression' || tag.descendantsOfType('call_expression').length > 0)
    return file.types ? reported(SWITCH_ON_CALL) : undefined;
  const pkg = errorsPackageAt(file, sw);
  if (!pkg) return reported(ERRORS_TAKEN);
  const before = tag.previousSibling!; // `switch`, or the `;` after an initializer
  const edits = values.map((v) => ({
    start: v.startIndex,
    end: v.endIndex,
    text: v.type === 'nil' ? `${tag.text} == nil` : `${pkg.name}.Is(${tag.text}, ${v.text})`,
  }));
  return {
    start: sw.startIndex,
    end: tag.endIndex,
    message,
    fixes: [
      {
        message: `switch on errors.Is(${tag.text}, …)`,
        edits: [{ start: before.endIndex, end: tag.endIndex, text: '' }, ...edits, ...pkg.edits],
      },
    ],
  };
}

/** Sentinels of the standard library not named ErrX, which wrap-errors' evidence does not know. */
const STD_SENTINELS: Array<[string, string[]]> = [['context', ['Canceled', 'DeadlineExceeded']]];

function isComparedError(file: GoFile, expr: SyntaxNode): boolean {
  return isKnownError(expr, file) || STD_SENTINELS.some(([path, names]) => packageMember(file, expr, path, names));
}

/** `pkg.Name` of the package imported from `path`, for one of `names`. */
function packageMember(file: GoFile, expr: SyntaxNode, path: string, names: readonly string[]): boolean {
  if (expr.type !== 'selector_expression') return false;
  const operand = expr.childForFieldName('operand')!;
  return (
    names.includes(expr.childForFieldName('field')!.text) && file.importNames(path).includes(operand.text) && file.isPackageName(operand)
  );
}

/** A package's error variable: `pkg.ErrX`, or a name declared at the package level (here or in another file). */
function isSentinel(file: GoFile, expr: SyntaxNode): boolean {
  if (expr.type === 'selector_expression') {
    const operand = expr.childForFieldName('operand')!;
    return operand.type === 'identifier' && file.isPackageName(operand);
  }
  if (expr.type !== 'identifier') return false;
  const decl = resolve(expr);
  return !decl || decl.packageLevel;
}

/**
 * Sentinels the standard library documents as returned unwrapped, with the functions and
 * methods that return them, after errorlint's allow-list (github.com/polyfloyd/go-errorlint,
 * errorlint/allowed.go). Without types a function counts by its name, whatever its package
 * or receiver: io.Reader's contract ("Read must return EOF itself, not an error wrapping
 * EOF") binds every Read. Left out: debug/elf's Open and NewFile (names too common to mean
 * elf) and the syscall errno wildcard (syscall.Errno values are not error variables here).
 */
const SERVE = ['ListenAndServe', 'ListenAndServeTLS', 'Serve', 'ServeTLS'];

const UNWRAPPED: Array<{ path: string; names: string[]; funcs: string[] }> = [
  {
    path: 'io',
    names: ['EOF'],
    funcs: [
      'Read',
      'ReadAt',
      'ReadByte',
      'ReadBytes',
      'ReadRune',
      'ReadString',
      'ReadLine',
      'ReadSlice',
      'Peek',
      'Discard',
      'Next',
      'ReadDir',
      'Readdir',
      'Readdirnames',
      'Decode',
      'NextPart',
      'NextRawPart',
      'ReadFull',
      'ReadAtLeast',
    ],
  },
  { path: 'io', names: ['ErrUnexpectedEOF'], funcs: ['ReadFull', 'ReadAtLeast'] },
  { path: 'io', names: ['ErrShortBuffer'], funcs: ['ReadAtLeast'] },
  { path: 'io', names: ['ErrClosedPipe'], funcs: ['Write'] },
  { path: 'database/sql', names: ['ErrNoRows'], funcs: ['Scan'] },
  { path: 'net/http', names: ['ErrServerClosed'], funcs: SERVE },
  { path: 'context', names: ['Canceled', 'DeadlineExceeded'], funcs: ['Err'] },
  { path: 'mime', names: ['ErrInvalidMediaParameter'], funcs: ['ParseMediaType'] },
  { path: 'mime/multipart', names: ['ErrMessageTooLarge'], funcs: ['ReadForm'] },
];

/**
 * Whether `err` compared with `target` is right by contract, as errorlint decides it: the
 * target is a sentinel of the allow-list, and `err` is a call of a function that returns it
 * unwrapped or a variable that every assignment in the function takes from such calls.
 */
function returnedUnwrapped(file: GoFile, err: SyntaxNode, target: SyntaxNode): boolean {
  const typed = returnedUnwrappedByType(file, err, target);
  if (typed !== undefined) return typed;
  const entry = UNWRAPPED.find((u) => packageMember(file, target, u.path, u.names));
  const calls = entry && assigningCalls(err);
  return !!calls && calls.length > 0 && calls.every((c) => entry.funcs.includes(calledName(c)));
}

/**
 * Functions and methods of the standard library documented to return a sentinel unwrapped,
 * by the sentinel, named as the type checker names callees (helper/facts.go): the methods by
 * the type of the receiver expression. The facts of errorlint's allow-list
 * (github.com/polyfloyd/go-errorlint, errorlint/allowed.go), which goprod matches.
 */
const UNWRAPPED_BY: Readonly<Record<string, readonly string[]>> = {
  'io.EOF': [
    ...methods('*archive/tar.Reader', ['Next', 'Read']),
    ...methods('*bufio.Reader', ['Discard', 'Peek', 'Read', 'ReadByte', 'ReadBytes', 'ReadLine', 'ReadSlice', 'ReadString']),
    '(*bufio.Scanner).Scan',
    ...methods('*bytes.Buffer', ['Read', 'ReadByte', 'ReadBytes', 'ReadRune', 'ReadString']),
    ...methods('*bytes.Reader', ['Read', 'ReadAt', 'ReadByte', 'ReadRune', 'ReadString']),
    'debug/elf.Open',
    'debug/elf.NewFile',
    '(io.ReadCloser).Read',
    '(io.Reader).Read',
    '(io.ReaderAt).ReadAt',
    '(*io.LimitedReader).Read',
    ...methods('*io.SectionReader', ['Read', 'ReadAt']),
    'io.ReadAtLeast',
    'io.ReadFull',
    ...methods('*os.File', ['Read', 'ReadAt', 'ReadDir', 'Readdir', 'Readdirnames']),
    ...methods('*strings.Reader', ['Read', 'ReadAt', 'ReadByte', 'ReadRune']),
    ...methods('*encoding/json.Decoder', ['Decode', 'Token']),
    '(*encoding/csv.Reader).Read',
    ...methods('*mime/multipart.Reader', ['NextPart', 'NextRawPart']),
  ],
  'io.ErrUnexpectedEOF': ['io.ReadAtLeast', 'io.ReadFull'],
  'io.ErrShortBuffer': ['io.ReadAtLeast'],
  'io.ErrClosedPipe': ['(*io.PipeWriter).Write'],
  'database/sql.ErrNoRows': ['(*database/sql.Row).Scan'],
  'mime.ErrInvalidMediaParameter': ['mime.ParseMediaType'],
  'net/http.ErrServerClosed': [...methods('*net/http.Server', SERVE), ...SERVE.map((f) => `net/http.${f}`)],
  'context.DeadlineExceeded': ['(context.Context).Err'],
  'context.Canceled': ['(context.Context).Err'],
  'mime/multipart.ErrMessageTooLarge': ['(*mime/multipart.Reader).ReadForm'],
};

function methods(receiver: string, names: readonly string[]): string[] {
  return names.map((n) => `(${receiver}).${n}`);
}

/**
 * returnedUnwrapped with the type checker's names for the calls: the target is an allow-listed
 * sentinel (or an errno of syscall or golang.org/x/sys/unix, which their own functions return
 * as they are), and every call `err` comes from returns it unwrapped: one of the allow-list, a
 * Read of an io.Reader (ReadAt of an io.ReaderAt) whatever its type, which the contract binds
 * to return io.EOF itself, or for an errno a function of its package. Undefined where a call
 * has no fact (the file has none).
 */
function returnedUnwrappedByType(file: GoFile, err: SyntaxNode, target: SyntaxNode): boolean | undefined {
  if (!file.types) return undefined;
  const operand = target.type === 'selector_expression' ? target.childForFieldName('operand')! : undefined;
  const path = operand && file.isPackageName(operand) ? file.importPaths(operand.text)[0] : undefined;
  const calls = path && assigningCalls(err);
  if (!calls || calls.length === 0) return false;
  const sentinel = `${path}.${target.childForFieldName('field')!.text}`;
  const errno = /^(syscall|golang\.org\/x\/sys\/unix)\.E[A-Z0-9]/.exec(sentinel)?.[1];
  let answer = true;
  for (const call of calls) {
    const fact = typeFact(file, call);
    if (!fact) return undefined;
    const callee = holds(fact, FACT.lastError) ? fact.name : undefined;
    const contract = sentinel === 'io.EOF' && holds(fact, FACT.reader);
    answer &&=
      !!callee &&
      (contract || (UNWRAPPED_BY[sentinel]?.includes(callee) ?? false) || (errno !== undefined && callee.startsWith(`${errno}.`)));
  }
  return answer;
}

/**
 * The calls `err` is, or that the values assigned to the variable `err` in its function come
 * from; undefined where one is another variable or not known. As in errorlint, other values
 * (`err = io.ErrUnexpectedEOF`) are no call and cannot be a wrapped sentinel: they are skipped.
 */
function assigningCalls(err: SyntaxNode): SyntaxNode[] | undefined {
  if (err.type === 'call_expression') return [err];
  const decl = err.type === 'identifier' ? resolve(err) : undefined;
  const fn = enclosingFunction(err);
  // A parameter or result is assigned where the function cannot see.
  if (!decl || !fn || decl.packageLevel || (decl.kind !== 'var' && decl.kind !== 'short-var')) return undefined;
  const writes = referencesTo(fn, decl.node).filter(isWrittenAt);
  const values = [decl.kind === 'var' ? decl.value : assignedValue(decl.node), ...writes.map(assignedValue)];
  // `var err error` assigns nil; a write that is no assignment (`&err`) is not known.
  if (values.some((v, i) => (v === undefined && (i > 0 || decl.kind === 'short-var')) || v?.type === 'identifier')) return undefined;
  return values.filter((v): v is SyntaxNode => v?.type === 'call_expression');
}

/** For `x` on the left of `=` or `:=`, the expression assigned to it (a lone call giving several results included). */
function assignedValue(ref: SyntaxNode): SyntaxNode | undefined {
  const list = ref.parent;
  const stmt = list?.parent;
  if (list?.type !== 'expression_list' || !stmt || !sameNode(stmt.childForFieldName('left'), list)) return undefined;
  const left = children(list);
  const right = children(stmt.childForFieldName('right'));
  return right.length === left.length ? right[left.findIndex((l) => sameNode(l, ref))] : right.length === 1 ? right[0] : undefined;
}

/** `Read` of `r.Read(b)`, `ReadFull` of `io.ReadFull(r, b)`. */
function calledName(call: SyntaxNode): string {
  const fn = call.childForFieldName('function')!;
  return fn.type === 'selector_expression' ? fn.childForFieldName('field')!.text : fn.text;
}
