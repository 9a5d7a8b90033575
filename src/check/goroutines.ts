// Goroutines without a visible stop path, from syntax: a `go` statement whose function (a
// literal, or a function or method declared in the same file) runs an endless loop that nothing
// in the loop leaves. Such a goroutine lives as long as the process; started per request or
// per connection, it leaks. A loop left by return, a break or goto out of it, or an exit of the
// process (os.Exit, log.Fatal, panic, runtime.Goexit) has a stop path; so does a goroutine
// without an endless loop. What the loop waits on is not judged: a `<-ctx.Done()` case counts
// only through the return or break it leads to.
import { children, type SyntaxNode } from '../engine/parse.js';
import { FUNCTION_TYPES } from '../go/syntax.js';

export interface GoroutineCounts {
  goStatements: number;
  /** `go` statements whose function shows an endless loop with no way out. */
  withoutStopPath: number;
}

const BREAK_TARGETS = ['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'];
const PROCESS_EXITS = /^(os\.Exit|log\.Fatal\w*|log\.Panic\w*|panic|runtime\.Goexit|\w+\.Fatal\w*)$/;

export function countGoroutines(root: SyntaxNode): GoroutineCounts {
  const statements = root.descendantsOfType('go_statement');
  const declared = new Map<string, SyntaxNode | undefined>();
  for (const decl of root.descendantsOfType(['function_declaration', 'method_declaration'])) {
    const name = decl.childForFieldName('name')?.text;
    const body = decl.childForFieldName('body');
    // Two methods of one name (on different types) make the call ambiguous: neither is used.
    if (name && body) declared.set(name, declared.has(name) ? undefined : body);
  }
  let withoutStopPath = 0;
  for (const statement of statements) {
    const body = goroutineBody(statement, declared);
    if (body && endlessLoops(body).some((loop) => !hasWayOut(loop))) withoutStopPath++;
  }
  return { goStatements: statements.length, withoutStopPath };
}

/** The body of the function a `go` statement runs, where this file shows it. */
function goroutineBody(statement: SyntaxNode, declared: ReadonlyMap<string, SyntaxNode | undefined>): SyntaxNode | undefined {
  const call = children(statement)[0];
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
  if (fn?.type === 'func_literal') return fn.childForFieldName('body') ?? undefined;
  const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
  return name === undefined ? undefined : declared.get(name);
}

/** `for { … }` and `for range time.Tick(…)` loops of the function body, not of functions nested in it. */
function endlessLoops(body: SyntaxNode): SyntaxNode[] {
  return ownDescendants(body, 'for_statement').filter((loop) => {
    const clauses = children(loop).filter((c) => c.type !== 'block');
    if (clauses.length === 0) return true;
    const range = clauses.length === 1 && clauses[0]!.type === 'range_clause' ? clauses[0]!.childForFieldName('right') : undefined;
    return range !== undefined && range !== null && /^time\.Tick\(/.test(range.text);
  });
}

function hasWayOut(loop: SyntaxNode): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return true;
  if (ownDescendants(body, 'return_statement').length > 0 || ownDescendants(body, 'goto_statement').length > 0) return true;
  const breaksOut = ownDescendants(body, 'break_statement').some((b) => children(b).length > 0 || nearestBreakTarget(b) === loop.id);
  const exits = ownDescendants(body, 'call_expression').some((c) => PROCESS_EXITS.test(c.childForFieldName('function')?.text ?? ''));
  return breaksOut || exits;
}

function nearestBreakTarget(node: SyntaxNode): number | undefined {
  for (let n = node.parent; n; n = n.parent) if (BREAK_TARGETS.includes(n.type)) return n.id;
  return undefined;
}

/** Descendants of a type that belong to `root`'s function, not to a function literal inside it. */
function ownDescendants(root: SyntaxNode, type: string): SyntaxNode[] {
  return root.descendantsOfType(type).filter((node) => {
    for (let n = node.parent; n && n.id !== root.id; n = n.parent) if ((FUNCTION_TYPES as readonly string[]).includes(n.type)) return false;
    return true;
  });
}
