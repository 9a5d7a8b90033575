// The strings an expression can hold, when the code spells every one of them out: literals,
// constants, variables set once, range variables over literal tables (a map's keys, a slice's
// elements), fields of table rows (`tc.name` over `[]struct{…}{{name: "A"}, …}`), and a
// helper's parameter when every caller in its package passes such a value. Anything else
// (input, a call's result, a field of a value from elsewhere) is unknowable.
import { relative } from 'node:path';
import { children, sameNode, type SyntaxNode } from '../engine/parse.js';
import type { GoFile } from './file.js';
import { FACT, holds, typeFact } from './facts.js';
import { decodeStringExpression } from './literal.js';
import { resolve } from './scope.js';
import { isWrittenAt, referencesTo } from './syntax.js';

/** Where to look for what a file does not declare itself: the module's other files. */
export interface ValueContext {
  modulePath: string;
  moduleDir: string;
  files: readonly GoFile[];
}

interface At {
  file: GoFile;
  node: SyntaxNode;
  /** The string the node holds, where the type checker says it (a constant of another package). */
  value?: string;
}

/** How deep one value is followed (through variables, tables, callers) before it counts as unknowable. */
const MAX_DEPTH = 8;

/** The strings an expression can hold, or, when the code does not spell them all out, where goprod lost track. */
export type Values = { values: string[] } | { unknown: string };

/** The strings `node` can hold. */
export function stringValues(file: GoFile, node: SyntaxNode, ctx: ValueContext): Values {
  const trace: Trace = {};
  const origins = originsOf({ file, node }, { ...ctx, trace }, 0);
  const valueOf = (o: At) => o.value ?? decodeStringExpression(o.node)?.value;
  const values = origins?.map(valueOf);
  if (!values || values.some((v) => v === undefined)) {
    const lost = trace.lost ?? { at: origins!.find((o) => valueOf(o) === undefined)!, why: 'is not a string' };
    const place = `${relative(ctx.moduleDir, lost.at.file.path)}:${lost.at.file.line(lost.at.node.startIndex)}`;
    return { unknown: `\`${short(lost.at.node.text)}\` (${place}) ${lost.why}` };
  }
  return { values: [...new Set(values as string[])] };
}

/** The first (innermost) expression goprod could not follow, and why. */
interface Trace {
  lost?: { at: At; why: string };
}

type Context = ValueContext & { trace: Trace };

function lost(ctx: Context, at: At, why: string): undefined {
  ctx.trace.lost ??= { at, why };
  return undefined;
}

/** Code on one line, shortened to `max` characters for a message. */
export function short(text: string, max = 40): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** The literals (strings, or composite literals) the expression's value comes from. */
function originsOf(at: At, ctx: Context, depth: number): At[] | undefined {
  const { file, node } = at;
  if (depth > MAX_DEPTH) return lost(ctx, at, 'is followed too far');
  switch (node.type) {
    case 'interpreted_string_literal':
    case 'raw_string_literal':
    case 'composite_literal':
    case 'literal_value':
      return [at];
    case 'binary_expression':
      return decodeStringExpression(node) ? [at] : lost(ctx, at, 'is computed');
    case 'parenthesized_expression':
    case 'literal_element':
      return originsOf({ file, node: children(node)[0]! }, ctx, depth + 1);
    case 'identifier':
      return identifierOrigins(at, ctx, depth);
    case 'selector_expression':
      return selectorOrigins(at, ctx, depth);
    default:
      return lost(ctx, at, 'is computed');
  }
}

function identifierOrigins(at: At, ctx: Context, depth: number): At[] | undefined {
  const { file, node } = at;
  const decl = resolve(node);
  if (!decl || (decl.kind === 'var' && decl.packageLevel)) return packageLevel(at, dirOf(file.path), node.text, ctx, depth);
  switch (decl.kind) {
    case 'const':
      return decl.value ? originsOf({ file, node: decl.value }, ctx, depth + 1) : lost(ctx, at, 'is a constant without a value of its own');
    case 'var':
    case 'short-var': {
      // Set once: nothing in its scope assigns it again.
      const scope = decl.declarator.parent;
      if (!decl.value) return lost(ctx, at, 'is computed');
      if (!scope || referencesTo(scope, decl.node).some(isWrittenAt)) return lost(ctx, at, 'is a variable set more than once');
      return originsOf({ file, node: decl.value }, ctx, depth + 1);
    }
    case 'range':
      return rangeOrigins(file, decl.declarator, decl.node, ctx, depth);
    case 'param':
      return parameterOrigins(at, decl.declarator, decl.node, ctx, depth);
    default:
      return lost(ctx, at, 'is computed');
  }
}

/** `for k, v := range table`: the keys or values of every table the loop can range over. */
function rangeOrigins(file: GoFile, clause: SyntaxNode, variable: SyntaxNode, ctx: Context, depth: number): At[] | undefined {
  const index = children(clause.childForFieldName('left')).findIndex((n) => sameNode(n, variable));
  const tables = originsOf({ file, node: clause.childForFieldName('right')! }, ctx, depth + 1);
  if (!tables) return undefined;
  const out: At[] = [];
  for (const table of tables) {
    const elements = children(literalBody(table.node));
    const keyed =
      table.node.childForFieldName('type')?.type === 'map_type' ||
      (elements.length > 0 && elements.every((e) => e.type === 'keyed_element'));
    // A slice's key is an index, not a name.
    if (!keyed && index === 0 && elements.length > 0) return lost(ctx, table, 'is ranged over by index');
    for (const e of elements) {
      const part = keyed ? e.childForFieldName(index === 0 ? 'key' : 'value') : e;
      const found = part ? originsOf({ file: table.file, node: part }, ctx, depth + 1) : undefined;
      if (!found) return undefined;
      out.push(...found);
    }
  }
  return out;
}

/** `row.field`: that field of every row it can be; `pkg.Name`: a constant of a package of the module. */
function selectorOrigins(at: At, ctx: Context, depth: number): At[] | undefined {
  const { file, node } = at;
  const operand = node.childForFieldName('operand')!;
  const field = node.childForFieldName('field')!.text;
  if (operand.type === 'identifier' && file.isPackageName(operand)) {
    // The type checker knows the constants of every package, other modules' and the standard library's too.
    const fact = typeFact(file, node);
    if (fact && holds(fact, FACT.constant)) return [{ file, node, value: fact.name! }];
    const path = importPathOf(file, operand.text);
    const rel = path === ctx.modulePath ? '' : path?.startsWith(`${ctx.modulePath}/`) ? path.slice(ctx.modulePath.length + 1) : undefined;
    return rel === undefined
      ? lost(ctx, at, 'is from another module')
      : packageLevel(at, rel ? `${ctx.moduleDir}/${rel}` : ctx.moduleDir, field, ctx, depth);
  }
  const rows = originsOf({ file, node: operand }, ctx, depth + 1);
  if (!rows) return undefined;
  const out: At[] = [];
  for (const row of rows) {
    const value = fieldValue(row, field);
    // A row that leaves the field out holds the empty string there: it names no variable.
    if (value === null) continue;
    const found = value
      ? originsOf({ file: row.file, node: value }, ctx, depth + 1)
      : lost(ctx, row, `has no field ${field} goprod can find`);
    if (!found) return undefined;
    out.push(...found);
  }
  return out;
}

/** The expression a struct literal gives `field`; null when it leaves it out; undefined when goprod cannot tell. */
function fieldValue(row: At, field: string): SyntaxNode | null | undefined {
  const elements = children(literalBody(row.node));
  if (elements.every((e) => e.type === 'keyed_element')) {
    const e = elements.find((k) => k.childForFieldName('key')?.text === field);
    return e ? e.childForFieldName('value')! : null;
  }
  const names = structFields(row);
  const i = names?.indexOf(field) ?? -1;
  return i >= 0 && elements[i] ? elements[i] : undefined;
}

/** The field names, in order, of the struct type a row literal is of (written in the literal or its table's type). */
function structFields(row: At): string[] | undefined {
  let type: SyntaxNode | null | undefined;
  if (row.node.type === 'composite_literal') type = row.node.childForFieldName('type');
  else {
    // {…} inside []struct{…}{…}: the table's element type.
    const table = row.node.parent?.parent?.parent;
    const tableType = table?.type === 'composite_literal' ? table.childForFieldName('type') : undefined;
    type = tableType?.childForFieldName('element');
  }
  if (type?.type === 'type_identifier') type = typeDeclaration(row.file, type.text);
  if (type?.type !== 'struct_type') return undefined;
  return type.descendantsOfType('field_declaration').flatMap((f) => f.childrenForFieldName('name').map((n) => n!.text));
}

function typeDeclaration(file: GoFile, name: string): SyntaxNode | undefined {
  const spec = file.root.descendantsOfType('type_spec').find((s) => s.childForFieldName('name')?.text === name);
  return spec?.childForFieldName('type') ?? undefined;
}

/**
 * `func setenv(k, v string) { os.Setenv(k, v) }`: what its callers pass. An exported function may
 * be called from other packages; goprod sees every such call only when the function's name is
 * one it looks for in every file (Setenv, Unsetenv), and otherwise cannot tell.
 */
function parameterOrigins(at: At, fn: SyntaxNode, param: SyntaxNode, ctx: Context, depth: number): At[] | undefined {
  const name = fn.childForFieldName('name')?.text;
  if (fn.type !== 'function_declaration' || !name) return lost(ctx, at, 'is a parameter of a method or function literal');
  const exported = /^\p{Lu}/u.test(name);
  if (exported && !/Setenv|Unsetenv/.test(name)) return lost(ctx, at, `is a parameter of ${name}, which other packages may call`);
  const params = children(fn.childForFieldName('parameters')).flatMap((p) =>
    p.type === 'parameter_declaration' ? p.childrenForFieldName('name') : [null],
  );
  const index = params.findIndex((p) => sameNode(p, param));
  if (index < 0) return lost(ctx, at, 'is a variadic parameter');
  const dir = dirOf(at.file.path);
  const importPath = dir === ctx.moduleDir ? ctx.modulePath : `${ctx.modulePath}/${dir.slice(ctx.moduleDir.length + 1)}`;
  const out: At[] = [];
  let calls = 0;
  for (const other of exported ? ctx.files : packageFiles(dir, ctx)) {
    for (const call of other.nodesAround([name], 'call_expression') as SyntaxNode[]) {
      const callee: SyntaxNode = call.childForFieldName('function')!;
      const here = callee.type === 'identifier' && dirOf(other.path) === dir && (resolve(callee)?.kind ?? 'func') === 'func';
      const qualified =
        callee.type === 'selector_expression' &&
        callee.childForFieldName('field')!.text === name &&
        other.importNames(importPath).includes(callee.childForFieldName('operand')!.text);
      if (callee.text !== name && !qualified) continue;
      if (!here && !qualified) continue;
      const args = children(call.childForFieldName('arguments'));
      if (args.length !== params.length) return lost(ctx, { file: other, node: call }, 'passes a different number of arguments');
      const found = originsOf({ file: other, node: args[index]! }, ctx, depth + 1);
      if (!found) return undefined;
      out.push(...found);
      calls++;
    }
  }
  // Never called by name: passed as a value, or dead; goprod cannot tell which.
  return calls > 0 ? out : lost(ctx, at, `is a parameter of ${name}, which is never called by name`);
}

/** A package-level constant (or a variable no file of its package assigns) declared in `dir`. */
function packageLevel(at: At, dir: string, name: string, ctx: Context, depth: number): At[] | undefined {
  for (const file of packageFiles(dir, ctx)) {
    for (const decl of file.root.children.filter((d) => d.type === 'const_declaration' || d.type === 'var_declaration')) {
      for (const spec of decl.descendantsOfType(['const_spec', 'var_spec'])) {
        const names = spec.childrenForFieldName('name');
        const i = names.findIndex((n) => n?.text === name);
        if (i < 0) continue;
        const value = children(spec.childForFieldName('value'))[i];
        if (!value || (decl.type === 'var_declaration' && assignedInPackage(dir, name, ctx))) return lost(ctx, at, 'is not a constant');
        return originsOf({ file, node: value }, ctx, depth + 1);
      }
    }
  }
  return lost(ctx, at, 'is declared where goprod does not look');
}

function assignedInPackage(dir: string, name: string, ctx: Context): boolean {
  return packageFiles(dir, ctx).some((f) => f.nodesAround([name], 'identifier').some((id) => !resolve(id) && isWrittenAt(id)));
}

function packageFiles(dir: string, ctx: Context): GoFile[] {
  return ctx.files.filter((f) => dirOf(f.path) === dir);
}

function importPathOf(file: GoFile, name: string): string | undefined {
  for (const spec of file.root.descendantsOfType('import_spec')) {
    const path = spec.childForFieldName('path')!.text.slice(1, -1);
    if (file.importNames(path).includes(name)) return path;
  }
  return undefined;
}

function literalBody(node: SyntaxNode): SyntaxNode | null {
  return node.type === 'composite_literal' ? node.childForFieldName('body') : node;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
