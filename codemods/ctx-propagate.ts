// A context dropped on the way down: inside a function that receives a context.Context,
// context.Background() or context.TODO() passed to a call cuts the call off from the caller's
// cancellation and deadline. It passes the received context instead.
import { defineCodemod } from '../src/engine/codemod.js';
import type { Diagnostic } from '../src/engine/edits.js';
import { contextParameter, isDoneReceive } from '../src/go/context.js';
import type { GoFile } from '../src/go/file.js';
import { resolveAt } from '../src/go/scope.js';
import { enclosingFunction } from '../src/go/syntax.js';
import { children, sameNode, type SyntaxNode } from '../src/engine/parse.js';

const DERIVE = ['WithCancel', 'WithCancelCause', 'WithDeadline', 'WithDeadlineCause', 'WithTimeout', 'WithTimeoutCause', 'WithValue'];

export default defineCodemod({
  name: 'ctx-propagate',
  summary: 'context.Background()/TODO() passed down inside a function that receives a ctx: pass the ctx',
  description:
    'Inside a function that receives a `context.Context` (by any name but `_`, and not shadowed where the call is), a call ' +
    "given `context.Background()` or `context.TODO()` is given that context instead, so the caller's cancellation and deadline " +
    'reach it (`db.QueryContext(context.Background(), q)` → `db.QueryContext(ctx, q)`; ' +
    '`context.WithTimeout(context.Background(), d)` and the other derivations are reported without a fix, since a new lifetime ' +
    'there is often meant (`--ctx-derived=fix` fixes them too; the message suggests `context.WithoutCancel(ctx)` where the ' +
    "work must outlive the caller's cancellation). Only in the function that declares the parameter itself, not in closures " +
    'inside it (a callback may run after the call returned). Left alone, as the guide says: calls in `go` statements and the ' +
    'closures they run (fire-and-forget work gets a new context), deferred calls, and cleanup after `<-ctx.Done()` (after such ' +
    'a receive in the same or an enclosing block, or in a `select` case receiving it): a shutdown must outlive the cancelled ' +
    'context; so is every call in a function that watches `ctx.Done()` itself (a select, a goroutine): it manages the ' +
    'lifetimes by hand (a context cancelled some time after ctx).',
  goVersions: { from: '1.7' },
  mayMatch: (text) => /\b(Background|TODO)\s*\(\s*\)/.test(text) && text.includes('"context"'),
  options: {
    ctxDerived: {
      flag: '--ctx-derived <mode>',
      description:
        'report: derived contexts (context.WithTimeout(context.Background(), …)) are reported without a fix (default); fix: they ' +
        'derive from the ctx received too',
      default: 'report',
      choices: ['report', 'fix'],
    },
  },
  run(file, options) {
    const diagnostics: Diagnostic[] = [];
    if (file.importNames('context').length === 0) return diagnostics;
    for (const call of file.nodesAround(['Background', 'TODO'], 'call_expression')) {
      const d = propagate(file, call, options.ctxDerived !== 'fix');
      if (d) diagnostics.push(d);
    }
    return diagnostics;
  },
});

const DERIVED =
  'a context derived from context.Background(): a new lifetime may be meant (--ctx-derived=fix passes the ctx received; ' +
  'context.WithoutCancel(ctx) says the work outlives its cancellation)';

function propagate(file: GoFile, call: SyntaxNode, reportDerived: boolean): Diagnostic | undefined {
  if (!file.isPackageCall(call, 'context', ['Background', 'TODO']) || children(call.childForFieldName('arguments')).length > 0)
    return undefined;
  const args = call.parent;
  const callee = args?.type === 'argument_list' ? args.parent : undefined;
  if (!callee) return undefined; // not passed to a call
  const fn = enclosingFunction(call);
  const param = fn && contextParameter(file, fn);
  if (!fn || !param || !sameNode(resolveAt(param.text, call)?.node, param)) return undefined;
  if (leftAlone(call, fn, param.text) || watchesDone(fn, param.text)) return undefined;
  const made = call.text.replace(/\s+/g, '');
  const derived = DERIVE.some((d) => file.isPackageCall(callee, 'context', [d]));
  const message =
    `${made} passed down in a function that receives ${param.text}: ${param.text}'s cancellation and deadline do not reach the call` +
    (derived ? ` (if the work must outlive ${param.text}'s cancellation, context.WithoutCancel(${param.text}) says so)` : '');
  if (derived && reportDerived) return { start: call.startIndex, end: call.endIndex, message, reason: DERIVED, fixes: [] };
  return {
    start: call.startIndex,
    end: call.endIndex,
    message,
    fixes: [{ message: `pass ${param.text}`, edits: [{ start: call.startIndex, end: call.endIndex, text: param.text }] }],
  };
}

/**
 * Whether the function watches `ctx.Done()` itself (in a select, a goroutine): it manages
 * lifetimes by hand, such as a context cancelled some time after ctx (restic's
 * delayedCancelContext), and its new contexts are meant to be new.
 */
function watchesDone(fn: SyntaxNode, ctx: string): boolean {
  return fn
    .descendantsOfType('selector_expression')
    .some((s) => s.childForFieldName('operand')?.text === ctx && s.childForFieldName('field')?.text === 'Done');
}

/** In a go or defer statement, or cleanup after `<-ctx.Done()` in the function `fn`. */
function leftAlone(call: SyntaxNode, fn: SyntaxNode, ctx: string): boolean {
  // A go or defer statement anywhere around: also one that runs the function declaring ctx (`go func(ctx context.Context) {…}(ctx)`).
  for (let n: SyntaxNode | null = call; n; n = n.parent) if (n.type === 'go_statement' || n.type === 'defer_statement') return true;
  for (let n: SyntaxNode | null = call; n && !sameNode(n, fn); n = n.parent) {
    // In a select case that receives from ctx.Done().
    if (n.type === 'communication_case' && isDoneReceive(n.childForFieldName('communication'), ctx)) return true;
    // After a `<-ctx.Done()` statement of an enclosing block.
    const parent = n.parent;
    if (parent?.type === 'statement_list' && children(parent).some((s) => s.endIndex <= n!.startIndex && isDoneReceive(s, ctx)))
      return true;
  }
  return false;
}
