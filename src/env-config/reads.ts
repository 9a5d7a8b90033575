// How a Go program reads its environment: every os.Getenv / os.LookupEnv call, the variable
// it names, and what the code around it says about the value (its type, a default, whether
// the program refuses to run without it).
import { children, statements, sameNode, type SyntaxNode } from '../engine/parse.js';
import type { GoFile } from '../go/file.js';
import { decodeStringExpression } from '../go/literal.js';
import { resolve } from '../go/scope.js';
import { isErrorValue } from '../go/types.js';
import { enclosingFunction, referencesTo } from '../go/syntax.js';
import { FACT, holds, typeFact } from '../go/facts.js';
import { stringValues, type ValueContext } from '../go/values.js';

export type EnvType = 'string' | 'int' | 'int64' | 'uint64' | 'float64' | 'bool' | 'time.Duration';

export interface EnvRead {
  file: GoFile;
  call: SyntaxNode;
  /** `wrapper`: a call of a function of the module that reads the variable its argument names, like `getEnv("PORT", "8080")`. */
  kind: 'Getenv' | 'LookupEnv' | 'wrapper';
  /** The variable's name; undefined when the code computes it. */
  name: string | undefined;
  /** What the code does with the value here. */
  type: EnvType | undefined;
  /** Compared with "true", "1", "false" or "0". */
  boolish: boolean;
  /** The value the code uses when the variable is empty or unset (or does not parse), as the environment would spell it. */
  fallback: string | undefined;
  /** The code stops (exits, panics, returns an error) when the variable is empty or unset. */
  required: boolean;
}

export interface EnvVariable {
  name: string;
  type: EnvType;
  default: string | undefined;
  required: boolean;
  reads: EnvRead[];
}

const PARSERS: Record<string, { pkg: string; type: EnvType }> = {
  Atoi: { pkg: 'strconv', type: 'int' },
  ParseInt: { pkg: 'strconv', type: 'int64' },
  ParseUint: { pkg: 'strconv', type: 'uint64' },
  ParseFloat: { pkg: 'strconv', type: 'float64' },
  ParseBool: { pkg: 'strconv', type: 'bool' },
  ParseDuration: { pkg: 'time', type: 'time.Duration' },
};

/** Every environment read in the file. */
export function envReads(file: GoFile): EnvRead[] {
  if (file.importNames('os').length === 0) return [];
  return file.nodesAround(['Getenv', 'LookupEnv'], 'call_expression').flatMap((call): EnvRead[] => {
    if (!file.isPackageCall(call, 'os', ['Getenv', 'LookupEnv'])) return [];
    const kind = call.childForFieldName('function')!.childForFieldName('field')!.text as EnvRead['kind'];
    const read: EnvRead = {
      file,
      call,
      kind,
      name: variableName(file, children(call.childForFieldName('arguments')!)[0]),
      type: undefined,
      boolish: false,
      fallback: undefined,
      required: false,
    };
    if (read.name !== undefined) describeUses(read);
    return [read];
  });
}

/** A function that reads the variable one of its parameters names: `func getEnv(key, fallback string) string`. */
export interface EnvWrapper {
  /** The wrapper's own read, with its computed name. */
  read: EnvRead;
  name: string;
  /** The directory of its package: calls from the same package can name it unqualified. */
  dir: string;
  keyParam: number;
  /** The parameter it returns when the variable is empty, if any. */
  fallbackParam: number | undefined;
  type: EnvType | undefined;
}

/** The wrappers among reads with computed names: the name is a parameter of a top-level function. */
export function envWrappers(reads: readonly EnvRead[]): EnvWrapper[] {
  return reads.flatMap((read): EnvWrapper[] => {
    const arg = children(read.call.childForFieldName('arguments')!)[0];
    const decl = read.name === undefined && arg?.type === 'identifier' ? resolve(arg) : undefined;
    const fn = decl?.kind === 'param' ? decl.declarator : undefined;
    if (fn?.type !== 'function_declaration') return [];
    const params = signatureParams(fn);
    const value = assignedTo(read.call, 0);
    const body = fn.childForFieldName('body');
    // `if value == "" { return fallback }`, or `if err != nil { return fallback }` after parsing it.
    let fallbackParam: number | undefined;
    for (const use of [read.call, ...(value && body ? referencesTo(body, value) : [])]) {
      const parse = parserOf(read.file, use)?.call;
      const check = emptyCheck(use) ?? (parse ? errCheckAfter(parse) : undefined);
      const returned = children(children(check?.childForFieldName('consequence')?.descendantsOfType('return_statement')[0])[0])[0];
      const i = returned ? params.findIndex((p) => p.text === returned.text) : -1;
      if (i >= 0) fallbackParam = i;
    }
    const result = fn.childForFieldName('result')?.text;
    const type = (Object.values(PARSERS).map((p) => p.type) as string[]).concat('string').includes(result ?? '')
      ? (result as EnvType)
      : undefined;
    return [
      {
        read,
        name: fn.childForFieldName('name')!.text,
        dir: read.file.path.slice(0, read.file.path.lastIndexOf('/')),
        keyParam: params.findIndex((p) => sameNode(p, decl!.node)),
        fallbackParam,
        type,
      },
    ];
  });
}

/** Calls of wrappers with a literal variable name, as reads of that variable. */
export function wrappedReads(file: GoFile, wrappers: readonly EnvWrapper[]): EnvRead[] {
  const dir = file.path.slice(0, file.path.lastIndexOf('/'));
  const mine = wrappers.filter((w) => w.dir === dir);
  if (mine.length === 0) return [];
  return file
    .nodesAround(
      mine.map((w) => w.name),
      'call_expression',
    )
    .flatMap((call): EnvRead[] => {
      const fn = call.childForFieldName('function');
      const kind = fn?.type === 'identifier' ? (resolve(fn)?.kind ?? 'func') : undefined;
      const w = kind === 'func' ? mine.find((x) => x.name === fn!.text) : undefined;
      const args = children(call.childForFieldName('arguments')!);
      const name = w && literalValue(args[w.keyParam]);
      if (!w || name === undefined) return [];
      const fallback = w.fallbackParam === undefined ? undefined : literalValue(args[w.fallbackParam]);
      return [{ file, call, kind: 'wrapper', name, type: w.type, boolish: false, fallback, required: false }];
    });
}

function signatureParams(fn: SyntaxNode): SyntaxNode[] {
  return children(fn.childForFieldName('parameters')).flatMap((p) => p.childrenForFieldName('name'));
}

/** A string, number or boolean literal's value as the environment would spell it. */
function literalValue(node: SyntaxNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'interpreted_string_literal' || node.type === 'raw_string_literal') return decodeStringExpression(node)?.value;
  return ['int_literal', 'float_literal', 'true', 'false'].includes(node.type) ? node.text : undefined;
}

export interface EnvWrite {
  call: SyntaxNode;
  /** The variables it may write, when the code spells them all out. */
  names: string[] | undefined;
  /** Otherwise, why goprod cannot name them. */
  unknown?: string;
}

const WRITERS = ['Setenv', 'Unsetenv', 'Clearenv'];

/**
 * Environment writes: os.Setenv, os.Unsetenv, os.Clearenv (syscall's too), and t.Setenv in
 * tests. A variable written at run time cannot be read once at startup instead.
 */
export function envWrites(file: GoFile, ctx: ValueContext): EnvWrite[] {
  return file.nodesAround(WRITERS, 'call_expression').flatMap((call): EnvWrite[] => {
    const fn = call.childForFieldName('function');
    const method = fn?.type === 'selector_expression' ? fn.childForFieldName('field')!.text : undefined;
    const args = children(call.childForFieldName('arguments')!);
    const testSetenv = method === 'Setenv' && args.length === 2 && mayBeTesting(file, fn!.childForFieldName('operand')!);
    if (!testSetenv && !file.isPackageCall(call, 'os', WRITERS) && !file.isPackageCall(call, 'syscall', WRITERS)) return [];
    if (method === 'Clearenv') return [{ call, names: undefined, unknown: 'it clears the whole environment' }];
    const named = stringValues(file, args[0]!, ctx);
    return [
      { call, names: 'values' in named ? named.values : undefined, unknown: 'unknown' in named ? `its name ${named.unknown}` : undefined },
    ];
  });
}

/**
 * Whether `x` of `x.Setenv(k, v)` may be a *testing.T (B, F, TB): not a package, nor a variable
 * declared of another type or from a call (an ssh session's Setenv is not ours).
 */
function mayBeTesting(file: GoFile, operand: SyntaxNode): boolean {
  if (file.isPackageName(operand)) return false;
  const decl = operand.type === 'identifier' ? resolve(operand) : undefined;
  if (!decl) return true;
  if (decl.type) return /\btesting\.(T|B|F|TB)\b/.test(decl.type.text);
  const right = decl.value ?? decl.declarator.childForFieldName('right');
  return !right?.descendantsOfType('call_expression').length;
}

/**
 * A variable name written as a string literal, as a constant of this file declared with one, or as
 * another package's constant (where the type checker says its value).
 */
function variableName(file: GoFile, arg: SyntaxNode | undefined): string | undefined {
  if (arg?.type === 'interpreted_string_literal' || arg?.type === 'raw_string_literal') return decodeStringExpression(arg)?.value;
  const fact = arg?.type === 'selector_expression' ? typeFact(file, arg) : undefined;
  if (fact && holds(fact, FACT.constant)) return fact.name;
  const decl = arg?.type === 'identifier' ? resolve(arg) : undefined;
  return decl?.kind === 'const' && decl.value ? variableName(file, decl.value) : undefined;
}

/** Gathers reads into variables: a type every typed use agrees on, a default all agree on. */
export function envVariables(reads: readonly EnvRead[]): EnvVariable[] {
  const byName = new Map<string, EnvRead[]>();
  for (const r of reads) if (r.name !== undefined) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, rs]) => {
      const types = new Set(rs.flatMap((r) => (r.type ? [r.type] : [])));
      const everyBool = rs.every((r) => r.boolish || r.type === 'bool');
      const type: EnvType = types.size === 1 && ([...types][0] !== 'bool' || everyBool) ? [...types][0]! : everyBool ? 'bool' : 'string';
      const defaults = new Set(rs.flatMap((r) => (r.fallback === undefined ? [] : [r.fallback])));
      return { name, type, default: defaults.size === 1 ? [...defaults][0] : undefined, required: rs.some((r) => r.required), reads: rs };
    });
}

/** Follows the value from the call to where the code parses, compares or defaults it. */
function describeUses(read: EnvRead): void {
  const { file, call } = read;
  const valueVar = assignedTo(call, 0);
  const okVar = read.kind === 'LookupEnv' ? assignedTo(call, 1) : undefined;
  const scope = enclosingBody(call);
  const uses = [call, ...(valueVar && scope ? referencesTo(scope, valueVar) : [])];
  for (const use of uses) {
    const parsed = parserOf(file, use);
    if (parsed) {
      read.type = parsed.type;
      read.fallback ??= parseFallback(parsed.call);
    }
    if (comparedWith(use, ['"true"', '"1"', '"false"', '"0"'])) read.boolish = true;
    const empty = emptyCheck(use);
    if (empty) applyEmptyCheck(read, empty, valueVar);
  }
  if (okVar && scope) {
    for (const use of referencesTo(scope, okVar)) {
      const unary = use.parent;
      const cond = unary?.type === 'unary_expression' && unary.childForFieldName('operator')?.text === '!' ? unary : undefined;
      if (cond?.parent?.type === 'if_statement' && sameNode(cond.parent.childForFieldName('condition'), cond))
        applyEmptyCheck(read, cond.parent, valueVar);
    }
  }
}

/** The identifier that `v := call` / `v, ok := call` declares at position `index`. */
function assignedTo(call: SyntaxNode, index: number): SyntaxNode | undefined {
  const list = call.parent;
  const decl = list?.parent;
  if (list?.type !== 'expression_list' || (decl?.type !== 'short_var_declaration' && decl?.type !== 'var_spec')) return undefined;
  const left = decl.type === 'short_var_declaration' ? children(decl.childForFieldName('left')!) : decl.childrenForFieldName('name');
  const id = left[index];
  return id?.type === 'identifier' && id.text !== '_' ? id : undefined;
}

/** Where the variable holding the value can be used: the function body, or the file for a package-level var. */
function enclosingBody(node: SyntaxNode): SyntaxNode | undefined {
  const fn = enclosingFunction(node);
  if (fn) return fn.childForFieldName('body') ?? undefined;
  let root = node;
  while (root.parent) root = root.parent;
  return root;
}

/** `strconv.Atoi(use)` and friends: the parse call and the type it yields. */
function parserOf(file: GoFile, use: SyntaxNode): { call: SyntaxNode; type: EnvType } | undefined {
  const args = use.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || !call || !sameNode(children(args)[0], use)) return undefined;
  const fn = call.childForFieldName('function')?.childForFieldName('field')?.text;
  const parser = fn === undefined ? undefined : PARSERS[fn];
  return parser && file.isPackageCall(call, parser.pkg, [fn!]) ? { call, type: parser.type } : undefined;
}

/** `n, err := strconv.Atoi(v); if err != nil { n = 8080 }`: the literal the code falls back to. */
function parseFallback(parseCall: SyntaxNode): string | undefined {
  const check = errCheckAfter(parseCall);
  const value = check && children(parseCall.parent!.parent!.childForFieldName('left')!)[0];
  return value ? literalAssigned(check.childForFieldName('consequence'), value.text) : undefined;
}

/** For `n, err := parse(…)`, the `if err != nil { … }` right after it. */
function errCheckAfter(parseCall: SyntaxNode): SyntaxNode | undefined {
  const decl = parseCall.parent?.parent;
  if (decl?.type !== 'short_var_declaration') return undefined;
  const err = children(decl.childForFieldName('left')!)[1];
  let next = decl.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return err && next?.type === 'if_statement' && next.childForFieldName('condition')?.text.replace(/\s/g, '') === `${err.text}!=nil`
    ? next
    : undefined;
}

function comparedWith(use: SyntaxNode, literals: readonly string[]): boolean {
  const bin = use.parent;
  if (bin?.type !== 'binary_expression' || !['==', '!='].includes(bin.childForFieldName('operator')?.text ?? '')) return false;
  const other = sameNode(bin.childForFieldName('left'), use) ? bin.childForFieldName('right') : bin.childForFieldName('left');
  return literals.includes(other?.text ?? '');
}

/** `if use == "" { … }`: the if statement. */
function emptyCheck(use: SyntaxNode): SyntaxNode | undefined {
  const bin = use.parent;
  if (bin?.type !== 'binary_expression' || bin.childForFieldName('operator')?.text !== '==' || !comparedWith(use, ['""'])) return undefined;
  const stmt = bin.parent;
  return stmt?.type === 'if_statement' && sameNode(stmt.childForFieldName('condition'), bin) ? stmt : undefined;
}

/** An `if` that handles an empty or unset variable: it either sets a default or stops the program. */
function applyEmptyCheck(read: EnvRead, ifStmt: SyntaxNode, valueVar: SyntaxNode | undefined): void {
  const body = ifStmt.childForFieldName('consequence');
  const fallback = valueVar ? literalAssigned(body, valueVar.text) : undefined;
  if (fallback !== undefined) read.fallback ??= fallback;
  else if (body && stops(read.file, body)) read.required = true;
}

/** `{ name = "literal" }` (or a number): the value as the environment would spell it. */
function literalAssigned(block: SyntaxNode | null, name: string): string | undefined {
  const stmts = statements(block);
  const only = stmts.length === 1 ? stmts[0]! : undefined;
  if (only?.type !== 'assignment_statement' || only.childForFieldName('operator')?.text !== '=') return undefined;
  const left = children(only.childForFieldName('left')!);
  const right = children(only.childForFieldName('right')!);
  if (left.length !== 1 || left[0]!.text !== name || right.length !== 1) return undefined;
  return literalValue(right[0]);
}

/**
 * Whether the block ends the program or the function with an error: log.Fatal*, os.Exit, panic, or a
 * return whose last value is an error.
 */
function stops(file: GoFile, block: SyntaxNode): boolean {
  const stmts = statements(block);
  return stmts.some((s) => {
    if (s.type === 'return_statement') {
      const values = children(children(s)[0]);
      return values.length > 0 && isErrorValue(values[values.length - 1]!, file);
    }
    const call = s.type === 'expression_statement' ? children(s)[0] : undefined;
    if (call?.type !== 'call_expression') return false;
    if (call.childForFieldName('function')?.text === 'panic' && !resolve(call.childForFieldName('function')!)) return true;
    return (
      file.isPackageCall(call, 'os', ['Exit']) ||
      file.isPackageCall(call, 'log', ['Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln'])
    );
  });
}
