// Per-iteration copies of loop variables, in both directions by Go version. Before Go 1.22
// one variable serves all iterations, so a goroutine, a deferred closure or a stored pointer
// that captures it sees a later value: insert `v := v`. From Go 1.22 each iteration has its
// own variable and such copies are dead weight: remove them where that provably changes nothing.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic } from '../src/engine/edits.js';
import type { GoFile } from '../src/go/file.js';
import { deleteStatement, insertFirstStatement } from '../src/go/refactor.js';
import { loopVariables, resolve, type Declaration } from '../src/go/scope.js';
import { isWrittenAt, referencesTo } from '../src/go/syntax.js';
import { atLeast } from '../src/go/version.js';
import { children, statements, sameNode, type SyntaxNode } from '../src/engine/parse.js';

// Spaces and /* comments */ may stand between `:=` and the name.
/** The category of a finding on loop variables a closure or address outlives their iteration with, before Go 1.22. */
export const SHARED = 'shared-loop-variable';

const IDENTIFIER_AFTER = /(?:\s|\/\*[^]*?\*\/)*([\p{L}_][\p{L}\p{N}_]*)/uy;
const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;

/** Whether some `:=` has the name that follows it also before it on its line: every `v := v` (or `a, b := a, b`) copy does. */
function mayHaveSelfCopy(text: string): boolean {
  for (let i = text.indexOf(':='); i !== -1; i = text.indexOf(':=', i + 2)) {
    IDENTIFIER_AFTER.lastIndex = i + 2;
    const name = IDENTIFIER_AFTER.exec(text)?.[1];
    if (!name) continue;
    for (let j = text.indexOf(name, text.lastIndexOf('\n', i) + 1); j !== -1 && j < i; j = text.indexOf(name, j + 1)) {
      if (!IDENTIFIER_CHAR.test(text[j - 1] ?? ' ') && !IDENTIFIER_CHAR.test(text[j + name.length] ?? ' ')) return true;
    }
  }
  return false;
}

export default defineCodemod({
  name: 'loopvar',
  summary: 'before Go 1.22, copy loop variables that closures or pointers outlive; from 1.22, remove such copies',
  description:
    'Before Go 1.22 (per file: the `go` directive, or a `//go:build go1.N` line), a loop variable declared with `:=` that a ' +
    'goroutine, a deferred closure, an errgroup/`WaitGroup` `Go` or a parallel subtest captures, or whose address is appended, ' +
    "stored, sent or returned, gets `v := v` at the top of the loop that declares it. From Go 1.22 such copies of the loop's " +
    'own variables are removed where that provably changes nothing (neither the copy nor the variable is written, or the copy ' +
    "is the body's first use; in three-clause loops the copy is never written).",
  goVersions: {},
  // From 1.22 only `v := v` (or `a, b := a, b`) copies, before it loops that capture their variables.
  mayMatch: (text, version) => (atLeast(version, '1.22') ? mayHaveSelfCopy(text) : text.includes('for')),
  run(file) {
    const loops = file.nodesAround(['for'], 'for_statement');
    return atLeast(file.goVersion, '1.22')
      ? loops.flatMap((loop) => redundantCopies(file, loop))
      : loops.flatMap((loop) => missingCopy(file, loop));
  },
});

/** Before Go 1.22: the copy statement a loop needs, for every variable it declares that outlives an iteration. */
function missingCopy(file: GoFile, loop: SyntaxNode): Diagnostic[] {
  const clause = children(loop).find((c) => c.type === 'range_clause' || c.type === 'for_clause');
  const body = loop.childForFieldName('body');
  if (!clause || !body) return [];
  const captured: Array<{ decl: Declaration; why: string }> = [];
  for (const decl of loopVariables(clause)) {
    if (decl.name === '_') continue;
    const why = referencesTo(body, decl.node).map((ref) => escape(file, ref, body)).find((w) => w !== undefined);
    if (why) captured.push({ decl, why });
  }
  if (captured.length === 0) return [];
  const names = captured.map((c) => c.decl.name).join(', ');
  const copy = `${names} := ${names}`;
  return [
    {
      start: captured[0]!.decl.node.startIndex,
      end: captured[captured.length - 1]!.decl.node.endIndex,
      message: `${captured.map((c) => `loop variable ${c.decl.name} ${c.why}`).join('; ')}; before Go 1.22 all iterations share ${names}`,
      category: SHARED,
      fixes: [{ message: `copy ${names} at the start of each iteration`, edits: [insertFirstStatement(file.text, body, copy)] }],
    },
  ];
}

/** How a reference lets the variable outlive its iteration, if it does. */
function escape(file: GoFile, ref: SyntaxNode, body: SyntaxNode): string | undefined {
  const line = (n: SyntaxNode) => file.line(n.startIndex);
  // The outermost function literal between the reference and the loop body.
  let literal: SyntaxNode | undefined;
  for (let n = ref.parent; n && !sameNode(n, body); n = n.parent) if (n.type === 'func_literal') literal = n;
  if (literal) {
    const how = closureUse(literal);
    return how && `captured by ${how} at line ${line(literal)}`;
  }
  const sink = addressSink(ref);
  return sink && `has its address taken and ${sink} at line ${line(ref)}`;
}

/** How a function literal outlives the statement that makes it: go, defer, errgroup/WaitGroup Go, a parallel subtest. */
function closureUse(literal: SyntaxNode): string | undefined {
  const parent = literal.parent;
  if (parent?.type === 'call_expression' && sameNode(parent.childForFieldName('function'), literal)) {
    const stmt = parent.parent?.type;
    return stmt === 'go_statement' ? 'goroutine' : stmt === 'defer_statement' ? 'deferred closure' : undefined;
  }
  const call = parent?.type === 'argument_list' ? parent.parent : undefined;
  const callee = call?.childForFieldName('function');
  if (callee?.type !== 'selector_expression') return undefined;
  const method = callee.childForFieldName('field')!.text;
  const receiver = callee.childForFieldName('operand')!;
  if (method === 'Go' && isGroup(receiver)) return `${receiver.text}.Go`;
  if (method === 'Run' && callsParallel(literal)) return 'parallel subtest';
  return undefined;
}

/** A receiver declared as an errgroup.Group or sync.WaitGroup (or a pointer to one). */
function isGroup(receiver: SyntaxNode): boolean {
  const decl = receiver.type === 'identifier' ? resolve(receiver) : undefined;
  const declared = decl?.type?.text ?? decl?.value?.text ?? decl?.declarator.text ?? '';
  return /\b(errgroup\.(Group|WithContext)|sync\.WaitGroup)\b/.test(declared);
}

/** Whether a test function literal calls t.Parallel() on its own parameter, among its top-level statements. */
function callsParallel(literal: SyntaxNode): boolean {
  const param = children(literal.childForFieldName('parameters'))[0]?.childForFieldName('name')?.text;
  const stmts = statements(literal.childForFieldName('body'));
  return param !== undefined && stmts.some((s) => s.type === 'expression_statement' && s.text.replace(/\s/g, '') === `${param}.Parallel()`);
}

/** `&v` or `&v.f` that is appended, stored, sent or returned: how, or undefined. */
function addressSink(ref: SyntaxNode): string | undefined {
  let expr = ref;
  while (expr.parent?.type === 'selector_expression' && sameNode(expr.parent.childForFieldName('operand'), expr)) expr = expr.parent;
  const addr = expr.parent;
  if (addr?.type !== 'unary_expression' || addr.childForFieldName('operator')?.text !== '&') return undefined;
  // Through composite literals (`T{p: &v}`) to where the value goes.
  let value: SyntaxNode = addr;
  while (['literal_value', 'keyed_element', 'literal_element', 'composite_literal'].includes(value.parent?.type ?? ''))
    value = value.parent!;
  const at = value.parent;
  const stmt = at?.parent;
  if (at?.type === 'argument_list' && stmt?.childForFieldName('function')?.text === 'append' && !sameNode(children(at)[0], value))
    return 'appended';
  if (at?.type === 'send_statement') return 'sent';
  if (at?.type === 'expression_list' && stmt?.type === 'return_statement') return 'returned';
  if (at?.type === 'expression_list' && stmt?.type === 'assignment_statement' && sameNode(stmt.childForFieldName('right'), at))
    return 'stored';
  return undefined;
}

/**
 * From Go 1.22: `v := v` copies of this loop's own variables that change nothing. A copy
 * goes when neither it nor the loop variable is ever written (then they always hold the same
 * value), or when it is the body's first use of the variable (after it the copy shadows the
 * loop variable; in a three-clause loop the copy must not be written either, since the next
 * iteration starts from this one's variable).
 */
function redundantCopies(file: GoFile, loop: SyntaxNode): Diagnostic[] {
  const clause = children(loop).find((c) => c.type === 'range_clause' || c.type === 'for_clause');
  const body = loop.childForFieldName('body');
  if (!clause || !body) return [];
  const loopVars = loopVariables(clause);
  const topLevel = statements(body);
  return body.descendantsOfType('short_var_declaration').flatMap((stmt): Diagnostic[] => {
    const left = children(stmt.childForFieldName('left')!);
    const right = children(stmt.childForFieldName('right')!);
    const self =
      left.length === right.length &&
      left.every((l, i) => l.type === 'identifier' && right[i]!.type === 'identifier' && l.text === right[i]!.text);
    const copied = self ? right.map((r) => loopVars.find((v) => sameNode(resolve(r)?.node, v.node))) : [];
    if (!self || copied.some((v) => v === undefined)) return [];
    const copyWritten = left.some((l) => referencesTo(loop, l).some(isWrittenAt));
    const loopVarWritten = copied.some((v) => referencesTo(body, v!.node).some(isWrittenAt));
    const index = topLevel.findIndex((s) => sameNode(s, stmt));
    const firstUse = index >= 0 && !topLevel.slice(0, index).some((s) => copied.some((v) => referencesTo(s, v!.node).length > 0));
    const proven = (!copyWritten && !loopVarWritten) || (firstUse && !(clause.type === 'for_clause' && copyWritten));
    const del = proven ? deleteStatement(file.text, stmt) : undefined;
    if (!del) return [];
    const names = left.map((l) => l.text).join(', ');
    return [
      {
        start: stmt.startIndex,
        end: stmt.endIndex,
        message: `redundant copy of loop variable ${names}: since Go 1.22 each iteration has its own ${names}`,
        fixes: [{ message: `remove ${stmt.text}`, edits: [del] }],
      },
    ];
  });
}
