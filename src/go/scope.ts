// Resolving an identifier to its declaration by walking the syntax tree outwards, as Go's
// scoping rules say: block statements, statement initialisers, function signatures, the file.
// Without type information this finds what the file itself declares; names from other
// files of the package, imports and the universe resolve to nothing.
import { children, sameNode, type SyntaxNode } from '../engine/parse.js';

export type DeclarationKind = 'param' | 'result' | 'receiver' | 'var' | 'const' | 'short-var' | 'range' | 'type-switch' | 'func' | 'type';

export interface Declaration {
  name: string;
  /** The identifier that declares the name. */
  node: SyntaxNode;
  kind: DeclarationKind;
  /** The written type, if any. */
  type: SyntaxNode | undefined;
  /** The expression assigned to this name alone (`a, b := x, y`), if any. */
  value: SyntaxNode | undefined;
  /** The statement or signature that declares it. */
  declarator: SyntaxNode;
  packageLevel: boolean;
}

/**
 * The declaration an identifier refers to, or undefined when the file does not declare it.
 * An identifier that declares a name resolves to its own declaration, or, for `:=` that
 * redeclares a variable of the same scope, to that variable's.
 */
export function resolve(ident: SyntaxNode): Declaration | undefined {
  return ownDeclaration(ident) ?? resolveAt(ident.text, ident);
}

/** The declaration `name` would refer to if it were written at `node` (undefined when the file does not declare it there). */
export function resolveAt(name: string, node: SyntaxNode): Declaration | undefined {
  let child = node;
  for (let scope = node.parent; scope; child = scope, scope = scope.parent) {
    const found = declarationsIn(scope, child, node.startIndex).findLast((d) => d.name === name);
    if (found) return found;
  }
  return undefined;
}

/** Whether the declaration is a loop variable: declared by a `for` clause, not in the loop's body. */
export function isLoopVariable(decl: Declaration): boolean {
  return decl.kind === 'range' || decl.declarator.parent?.type === 'for_clause';
}

/**
 * For an identifier that stands where a declaration puts names (`x` of `x := 1`, `var x`, a parameter, `for x := range`),
 * its declaration.
 */
function ownDeclaration(ident: SyntaxNode): Declaration | undefined {
  const parent = ident.parent;
  const own = (decls: Declaration[]) => decls.find((d) => sameNode(d.node, ident));
  if (parent?.type === 'parameter_declaration' || parent?.type === 'variadic_parameter_declaration') {
    const fn = parent.parent?.parent;
    return fn ? own(signatureDeclarations(fn)) : undefined;
  }
  if (parent?.type === 'var_spec' || parent?.type === 'const_spec') {
    const decl = parent.parent?.type.endsWith('_spec_list') ? parent.parent.parent! : parent.parent!;
    return own(declaredBy(decl, decl.parent?.type === 'source_file'));
  }
  const stmt = parent?.type === 'expression_list' ? parent.parent : undefined;
  if (!stmt || !sameNode(stmt.childForFieldName('left'), parent)) return undefined;
  if (stmt.type === 'range_clause') return own(loopVariables(stmt));
  if (stmt.type !== 'short_var_declaration') return undefined;
  // `:=` redeclares a variable declared earlier in the same scope.
  const earlier =
    stmt.parent?.type === 'statement_list'
      ? declarationsIn(stmt.parent, stmt, stmt.startIndex).findLast((d) => d.name === ident.text)
      : undefined;
  return earlier ?? own(declaredBy(stmt, false));
}

/**
 * What a walk over a scope finds, by the scope's tree and id: every name resolved in a file walks
 * up to its top level, whose declarations (and a block's, a signature's) are found once.
 * Declarations are not changed by their users. A tree edited for an incremental reparse
 * (parse.ts) is not resolved in again: the new tree is another.
 */
const walked = new WeakMap<object, Map<string, unknown>>();

function once<T>(scope: SyntaxNode, kind: string, walk: () => T): T {
  let found = walked.get(scope.tree);
  if (!found) walked.set(scope.tree, (found = new Map()));
  const key = `${kind} ${scope.id}`;
  if (!found.has(key)) found.set(key, walk());
  return found.get(key) as T;
}

/** Declarations visible at `at` that `scope` introduces, for a use inside its child `via`. */
function declarationsIn(scope: SyntaxNode, via: SyntaxNode, at: number): Declaration[] {
  switch (scope.type) {
    case 'source_file':
      return once(scope, 'file', () => children(scope).flatMap((d) => declaredBy(d, true)));
    case 'statement_list':
      return once(scope, 'block', () => children(scope).map((s) => ({ end: s.endIndex, declared: declaredBy(s, false) })))
        .filter((s) => s.end <= at)
        .flatMap((s) => s.declared);
    case 'if_statement':
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'for_statement': {
      const decls: Declaration[] = [];
      const init = scope.childForFieldName('initializer');
      if (init && init.endIndex <= at) decls.push(...declaredBy(init, false));
      if (scope.type === 'type_switch_statement') decls.push(...typeSwitchAlias(scope, via));
      const clause = children(scope).find((c) => c.type === 'for_clause' || c.type === 'range_clause');
      if (clause && clause.endIndex <= at) decls.push(...loopVariables(clause));
      return decls;
    }
    case 'communication_case': {
      const comm = scope.childForFieldName('communication');
      return comm && comm.endIndex <= at && comm.type === 'receive_statement' && hasDefine(comm)
        ? names(comm.childForFieldName('left'), 'short-var', comm, undefined, comm.childForFieldName('right'))
        : [];
    }
    case 'function_declaration':
    case 'method_declaration':
    case 'func_literal':
      return sameNode(via, scope.childForFieldName('body')) ? once(scope, 'signature', () => signatureDeclarations(scope)) : [];
    default:
      return [];
  }
}

/** The variables a `for` clause declares with `:=` (none for `=`). */
export function loopVariables(clause: SyntaxNode): Declaration[] {
  if (clause.type === 'range_clause') {
    return hasDefine(clause) ? names(clause.childForFieldName('left'), 'range', clause, undefined, null) : [];
  }
  const init = clause.childForFieldName('initializer');
  return init ? declaredBy(init, false) : [];
}

/** The declarations of a function's receiver, parameters and results. */
export function signatureDeclarations(fn: SyntaxNode): Declaration[] {
  const decls: Declaration[] = [];
  const lists: Array<[string, DeclarationKind]> = [['receiver', 'receiver'], ['parameters', 'param'], ['result', 'result']];
  for (const [field, kind] of lists) {
    const list = fn.childForFieldName(field);
    if (list?.type !== 'parameter_list') continue;
    for (const p of children(list)) {
      const type = p.childForFieldName('type') ?? undefined;
      for (const n of p.childrenForFieldName('name')) if (n) decls.push(declaration(n, kind, type, undefined, fn, false));
    }
  }
  return decls;
}

function declaredBy(stmt: SyntaxNode, packageLevel: boolean): Declaration[] {
  switch (stmt.type) {
    case 'short_var_declaration':
      return names(stmt.childForFieldName('left'), 'short-var', stmt, undefined, stmt.childForFieldName('right'));
    case 'var_declaration':
    case 'const_declaration': {
      const kind = stmt.type === 'var_declaration' ? 'var' : 'const';
      return specs(stmt).flatMap((spec) => {
        const nameNodes = spec.childrenForFieldName('name').filter((n): n is SyntaxNode => n !== null);
        const values = children(spec.childForFieldName('value'));
        const type = spec.childForFieldName('type') ?? undefined;
        return nameNodes.map((n, i) =>
          declaration(n, kind, type, values.length === nameNodes.length ? values[i] : undefined, stmt, packageLevel),
        );
      });
    }
    case 'function_declaration': {
      const name = stmt.childForFieldName('name');
      return name ? [declaration(name, 'func', undefined, undefined, stmt, true)] : [];
    }
    case 'type_declaration':
      return children(stmt).flatMap((spec) => {
        const name = spec.childForFieldName('name');
        return name ? [declaration(name, 'type', undefined, undefined, stmt, packageLevel)] : [];
      });
    default:
      return [];
  }
}

function specs(decl: SyntaxNode): SyntaxNode[] {
  return children(decl).flatMap((c) =>
    c.type.endsWith('_spec_list') ? children(c).filter((s) => s.type.endsWith('_spec')) : c.type.endsWith('_spec') ? [c] : [],
  );
}

/** `x := v.(type)`: in a clause that names one type, x has that type. */
function typeSwitchAlias(stmt: SyntaxNode, via: SyntaxNode): Declaration[] {
  const alias = stmt.childForFieldName('alias');
  if (!alias || via.type !== 'type_case' && via.type !== 'default_case') return [];
  const types = via.childrenForFieldName('type');
  const type = types.length === 1 ? (types[0] ?? undefined) : undefined;
  return children(alias).map((n) => declaration(n, 'type-switch', type, undefined, stmt, false));
}

function names(
  list: SyntaxNode | null,
  kind: DeclarationKind,
  declarator: SyntaxNode,
  type: SyntaxNode | undefined,
  right: SyntaxNode | null,
): Declaration[] {
  const left = children(list).filter((n) => n.type === 'identifier');
  const values = right?.type === 'expression_list' ? children(right) : [];
  return left.map((n, i) => declaration(n, kind, type, values.length === left.length ? values[i] : undefined, declarator, false));
}

function declaration(
  node: SyntaxNode,
  kind: DeclarationKind,
  type: SyntaxNode | undefined,
  value: SyntaxNode | undefined,
  declarator: SyntaxNode,
  packageLevel: boolean,
): Declaration {
  return { name: node.text, node, kind, type, value, declarator, packageLevel };
}

function hasDefine(node: SyntaxNode): boolean {
  return node.children.some((c) => c.type === ':=');
}
