// Close errors reach someone. For a file, archive or compressor that was written to, the
// error of Close can be the only sign the data never arrived: it is returned (joined into the
// function's error result). Everywhere else it is dropped on purpose, visibly: `_ = x.Close()`.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic, Edit } from '../src/engine/edits.js';
import { FACT, holds, typeFact } from '../src/go/facts.js';
import type { GoFile } from '../src/go/file.js';
import { addImport } from '../src/go/imports.js';
import { deleteStatement, indentationAt } from '../src/go/refactor.js';
import { isLoopVariable, resolve, resolveAt } from '../src/go/scope.js';
import { typeNameOf, typeTextOf } from '../src/go/types.js';
import { contains, enclosingFunction, isWrittenAt, referencesTo, resultSlots } from '../src/go/syntax.js';
import { atLeast } from '../src/go/version.js';
import { children, statements, sameNode, type SyntaxNode } from '../src/engine/parse.js';

type Mode = 'both' | 'propagate' | 'explicit';

/** The category of a finding on a value that was written to: its Close error can be the only sign the data did not arrive. */
export const WRITTEN = 'close-of-written';

export default defineCodemod({
  name: 'close-errors',
  summary: 'defer x.Close() drops an error: return it for written files and writers, drop it explicitly elsewhere',
  description:
    '`defer x.Close()` on a value opened for writing or written to, in a function returning an error, becomes a deferred ' +
    'closure that joins the Close error into the error result (`errors.Join` from Go 1.20; the first error wins before), ' +
    'naming the result `err` if needed; so does `x.Close(); return …, nil` become `return …, x.Close()` for such a value, ' +
    'where no call among the other results would run before Close (`buf.Bytes()` of the buffer a gzip writer flushes into). ' +
    'Elsewhere (a response body, a file opened with `os.Open`, a reader: returning their Close error would make a function ' +
    'fail where it returned nil) the error is dropped visibly: `defer func() { _ = x.Close() }()`, `_ = x.Close()`; so it is ' +
    "too where the result's name means an inner block's variable at the defer (`f, err := os.Create(p)` in a loop: the closure " +
    'would set that `err` and the error would be lost). A defer whose closure would see a different value is left alone: a ' +
    'receiver written after the defer, or, before Go 1.22, a loop variable (one variable for every iteration). ' +
    "`--close-mode=propagate|explicit` applies one rule only. Close methods that return no error are skipped: as Go's type " +
    'checker says where goprod has type facts (a verified run), else where the file shows it (and backed out by verification ' +
    'otherwise).',
  linters: ['errcheck'],
  goVersions: {},
  // A call of Close without arguments (comments may stand between the parentheses).
  mayMatch: (text) => /\bClose\s*\(\s*(?:\/\*[^]*?\*\/\s*)*\)/.test(text),
  options: {
    closeMode: {
      flag: '--close-mode <mode>',
      description: 'propagate: only return Close errors of written values; explicit: only write `_ =`; both (default)',
      default: 'both',
      choices: ['both', 'propagate', 'explicit'],
    },
  },
  run(file, options) {
    const mode: Mode = options.closeMode ?? 'both';
    const diagnostics: Diagnostic[] = [];
    for (const call of file.nodesAround(['Close'], 'call_expression')) {
      const receiver = closeReceiver(call);
      const stmt = call.parent;
      if (!receiver || !stmt || (stmt.type !== 'defer_statement' && stmt.type !== 'expression_statement')) continue;
      if (!closeReturnsError(file, call, receiver)) continue;
      const d = stmt.type === 'defer_statement' ? fixDefer(file, stmt, receiver, mode) : fixBareClose(file, stmt, receiver, mode);
      if (d) diagnostics.push(d);
    }
    return diagnostics;
  },
});

/** For `x.Close()` without arguments, `x`. */
function closeReceiver(call: SyntaxNode): SyntaxNode | undefined {
  const fn = call.childForFieldName('function');
  if (
    fn?.type !== 'selector_expression' ||
    fn.childForFieldName('field')?.text !== 'Close' ||
    call.childForFieldName('arguments')?.namedChildCount !== 0
  )
    return undefined;
  return fn.childForFieldName('operand') ?? undefined;
}

function fixDefer(file: GoFile, stmt: SyntaxNode, receiver: SyntaxNode, mode: Mode): Diagnostic | undefined {
  // `defer x.Close()` evaluates x at once, a deferred closure only when it runs: x must not change in between.
  if (!isStable(receiver, stmt, atLeast(file.goVersion, '1.22'))) return undefined;
  const x = receiver.text;
  const fn = enclosingFunction(stmt);
  const written = mode !== 'explicit' && fn && returnsError(fn) && isWritten(file, receiver, fn);
  if (written) {
    const result = errorResultName(fn, stmt);
    if (result) {
      const indent = indentationAt(file.text, stmt.startIndex);
      const join = atLeast(file.goVersion, '1.20');
      const errorsPkg = file.importNames('errors')[0] ?? 'errors';
      const body = join
        ? `if cerr := ${x}.Close(); cerr != nil {\n${indent}\t\t${result.name} = ${errorsPkg}.Join(${result.name}, cerr)\n${indent}\t}`
        : `if cerr := ${x}.Close(); cerr != nil && ${result.name} == nil {\n${indent}\t\t${result.name} = cerr\n${indent}\t}`;
      const edits: Edit[] = [
        { start: stmt.startIndex, end: stmt.endIndex, text: `defer func() {\n${indent}\t${body}\n${indent}}()` },
        ...result.edits,
      ];
      const imported = join ? addImport(file, 'errors') : undefined;
      if (imported) edits.push(imported);
      return {
        start: stmt.startIndex,
        end: stmt.endIndex,
        message: `${x} was written to, and its Close error is dropped: it can be the only sign the data did not arrive`,
        category: WRITTEN,
        fixes: [{ message: `return the error of ${x}.Close() in ${result.name}`, edits }],
      };
    }
  }
  if (mode === 'propagate') return undefined;
  return {
    start: stmt.startIndex,
    end: stmt.endIndex,
    message: `the error of ${x}.Close() is dropped without a word`,
    fixes: [
      {
        message: `drop it explicitly`,
        edits: [{ start: stmt.startIndex, end: stmt.endIndex, text: `defer func() { _ = ${x}.Close() }()` }],
      },
    ],
  };
}

/**
 * A bare `x.Close()` statement: `return x.Close()` where a `return …, nil` without calls
 * follows and x was written to (as for defer: a function that only read x would now fail
 * where it returned nil), else `_ = x.Close()`.
 */
function fixBareClose(file: GoFile, stmt: SyntaxNode, receiver: SyntaxNode, mode: Mode): Diagnostic | undefined {
  const x = receiver.text;
  const call = children(stmt)[0]!;
  let next = stmt.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  const values = next?.type === 'return_statement' ? children(children(next)[0]) : [];
  const last = values[values.length - 1];
  const fn = enclosingFunction(stmt);
  const del = deleteStatement(file.text, stmt);
  // The other results are evaluated before Close then runs: a call among them would miss what
  // Close still writes (`return buf.Bytes(), zw.Close()` of a gzip writer flushing into buf).
  const callFree = values.slice(0, -1).every((v) => v.descendantsOfType('call_expression').length === 0);
  if (mode !== 'explicit' && last?.type === 'nil' && callFree && fn && returnsError(fn) && del && isWritten(file, receiver, fn)) {
    return {
      start: stmt.startIndex,
      end: stmt.endIndex,
      message: `${x} was written to, and its Close error is dropped right before returning nil`,
      category: WRITTEN,
      fixes: [
        { message: `return the error of ${x}.Close()`, edits: [del, { start: last.startIndex, end: last.endIndex, text: call.text }] },
      ],
    };
  }
  if (mode === 'propagate') return undefined;
  return {
    start: stmt.startIndex,
    end: stmt.endIndex,
    message: `the error of ${x}.Close() is dropped without a word`,
    fixes: [{ message: 'drop it explicitly', edits: [{ start: stmt.startIndex, end: stmt.startIndex, text: '_ = ' }] }],
  };
}

function returnsError(fn: SyntaxNode): boolean {
  const slots = resultSlots(fn);
  return slots.length > 0 && slots[slots.length - 1]!.type.text === 'error';
}

/**
 * The name of the function's error result, with the edits that name it when it has none:
 * `(int, error)` → `(_ int, err error)`; a top-level `_, err := …` of the body then becomes
 * `_, err = …` (it would declare nothing new), as does `x, err := …` where `x` is declared
 * before in the function's scope. Undefined where `err` cannot be the name: a
 * parameter, or a top-level `var err`, has it; or where the name, at the defer statement
 * `at`, means a variable of an inner block (`f, err := …` in a loop): the deferred closure
 * would set that one and the error would be lost.
 */
function errorResultName(fn: SyntaxNode, at: SyntaxNode): { name: string; edits: Edit[] } | undefined {
  const slots = resultSlots(fn);
  const last = slots[slots.length - 1]!;
  const named = last.name && last.name.text !== '_' ? last.name.text : undefined;
  const body = fn.childForFieldName('body')!;
  const top = statements(body);
  const inner = resolveAt(named ?? 'err', at);
  if (inner && contains(body, inner.node) && !top.some((s) => sameNode(s, inner.declarator))) return undefined;
  if (named) return { name: named, edits: [] };
  const params = fn.childForFieldName('parameters')?.descendantsOfType('identifier') ?? [];
  const varErr = top.some(
    (s) =>
      s.type === 'var_declaration' &&
      s.descendantsOfType('var_spec').some((v) => v.childrenForFieldName('name').some((n) => n.text === 'err')),
  );
  if (params.some((p) => p.text === 'err') || varErr) return undefined;
  // Declared before in the function's scope (a parameter, `var x`, an earlier `:=`): not new.
  const receiver = fn.childForFieldName('receiver')?.descendantsOfType('identifier') ?? [];
  const redeclared = (l: SyntaxNode) =>
    l.text === '_' || l.text === 'err' || [...params, ...receiver].some((p) => p.text === l.text) || !sameNode(resolve(l)?.node, l);
  const edits: Edit[] = top
    .filter(
      (s) =>
        s.type === 'short_var_declaration' &&
        children(s.childForFieldName('left')!).some((l) => l.text === 'err') &&
        children(s.childForFieldName('left')!).every(redeclared),
    )
    .map((s) => s.children.find((c) => c.type === ':=')!)
    .map((op) => ({ start: op.startIndex, end: op.endIndex, text: '=' }));
  if (last.name) return { name: 'err', edits: [...edits, { start: last.name.startIndex, end: last.name.endIndex, text: 'err' }] };
  const result = fn.childForFieldName('result')!;
  // Named results must all be named: `_` for the others.
  const text = slots.map((s, i) => `${i === slots.length - 1 ? 'err' : '_'} ${s.type.text}`).join(', ');
  return { name: 'err', edits: [...edits, { start: result.startIndex, end: result.endIndex, text: `(${text})` }] };
}

const WRITERS: Array<[string, string[]]> = [
  ['os', ['Create', 'CreateTemp']],
  ['archive/zip', ['NewWriter']],
  ['archive/tar', ['NewWriter']],
  ['compress/gzip', ['NewWriter', 'NewWriterLevel']],
  ['compress/zlib', ['NewWriter', 'NewWriterLevel']],
  ['compress/flate', ['NewWriter']],
];
const WRITE_METHODS = ['Write', 'WriteString', 'WriteByte', 'WriteRune', 'WriteTo', 'ReadFrom', 'Encode', 'Flush', 'Sync'];
const WRITE_FLAGS = /\bO_(WRONLY|RDWR|APPEND|CREATE|TRUNC)\b/;

/** Whether the closed value was opened for writing or is written to in the function. */
function isWritten(file: GoFile, receiver: SyntaxNode, fn: SyntaxNode): boolean {
  const decl = receiver.type === 'identifier' ? resolve(receiver) : undefined;
  if (!decl) return false;
  const source =
    decl.value ?? (decl.declarator.type === 'short_var_declaration' ? children(decl.declarator.childForFieldName('right'))[0] : undefined);
  if (
    source &&
    (WRITERS.some(([pkg, funcs]) => file.isPackageCall(source, pkg, funcs)) ||
      (file.isPackageCall(source, 'os', ['OpenFile']) && WRITE_FLAGS.test(source.text)))
  )
    return true;
  if (source && file.isPackageCall(source, 'io', ['Pipe']) && children(decl.declarator.childForFieldName('left'))[1]?.text === decl.name)
    return true;
  if (decl.type && /\b(io\.(WriteCloser|PipeWriter)|(zip|tar|gzip|zlib|flate)\.Writer)\b/.test(decl.type.text)) return true;
  return referencesTo(fn, decl.node).some((ref) => writtenThrough(file, ref));
}

/** `x.Write(…)`, `fmt.Fprintf(x, …)`, `io.Copy(x, …)`, `json.NewEncoder(x)` and the like. */
function writtenThrough(file: GoFile, ref: SyntaxNode): boolean {
  const sel = ref.parent;
  if (sel?.type === 'selector_expression' && sameNode(sel.childForFieldName('operand'), ref)) {
    return WRITE_METHODS.includes(sel.childForFieldName('field')!.text) && sel.parent?.type === 'call_expression';
  }
  const args = ref.parent;
  const call = args?.type === 'argument_list' && sameNode(children(args)[0], ref) ? args.parent : undefined;
  return (
    !!call &&
    (file.isPackageCall(call, 'fmt', ['Fprint', 'Fprintf', 'Fprintln']) ||
      file.isPackageCall(call, 'io', ['Copy', 'CopyN', 'CopyBuffer', 'WriteString']) ||
      file.isPackageCall(call, 'encoding/json', ['NewEncoder']) ||
      file.isPackageCall(call, 'encoding/csv', ['NewWriter']) ||
      file.isPackageCall(call, 'encoding/binary', ['Write']) ||
      file.isPackageCall(call, 'bufio', ['NewWriter', 'NewWriterSize']) ||
      WRITERS.some(([pkg, funcs]) => pkg !== 'os' && file.isPackageCall(call, pkg, funcs)))
  );
}

/**
 * Whether the receiver means the same value when a deferred closure runs as when the defer
 * statement ran: built from variables (fields and type assertions allowed, no calls) that
 * are not written after the defer, nor at all in a loop around it that they outlive, nor
 * loop variables shared by every iteration (before Go 1.22, see `perIteration`).
 */
function isStable(receiver: SyntaxNode, stmt: SyntaxNode, perIteration: boolean): boolean {
  if (receiver.descendantsOfType('call_expression').length > 0) return false;
  const fn = enclosingFunction(stmt);
  if (!fn) return false;
  const roots = receiver.type === 'identifier' ? [receiver] : receiver.descendantsOfType('identifier');
  return roots.every((id) => {
    const decl = resolve(id);
    if (!decl) return true; // a package-level name of another file, or a package
    if (!perIteration && isLoopVariable(decl)) return false;
    const loops = ancestors(stmt).filter((a) => a.type === 'for_statement' && !contains(a, decl.node));
    return referencesTo(fn, decl.node).every(
      (ref) => !isWrittenAt(ref) || (ref.startIndex < stmt.startIndex && !loops.some((l) => contains(l, ref))),
    );
  });
}

function ancestors(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let n = node.parent; n; n = n.parent) out.push(n);
  return out;
}

/**
 * Whether `x.Close()` returns an error: as the type checker says, where the file has facts;
 * else unless it is known to return nothing (returnsNothing).
 */
function closeReturnsError(file: GoFile, call: SyntaxNode, receiver: SyntaxNode): boolean {
  const fact = typeFact(file, call);
  return fact ? holds(fact, FACT.errorResult) : !returnsNothing(file, receiver);
}

/**
 * Close methods known to return nothing from syntax alone: those the package declares without
 * results on the receiver's type, and httptest.Server's. The Go toolchain catches the rest.
 */
function returnsNothing(file: GoFile, receiver: SyntaxNode): boolean {
  const decl = receiver.type === 'identifier' ? resolve(receiver) : undefined;
  const origin = decl ? (decl.type?.text ?? decl.value?.text ?? decl.declarator.text) : '';
  if (
    /\bhttptest\.(NewServer|NewTLSServer|NewUnstartedServer|Server)\b/.test(origin) ||
    /\bhttptest\.Server$/.test(typeTextOf(receiver, file) ?? '')
  )
    return true;
  const type = typeNameOf(receiver, file);
  return type !== undefined && file.pkg.methodResults(type, 'Close') === 0;
}
