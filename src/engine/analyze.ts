// The per-file work: parse, run codemods, drop suppressed findings, merge fixes, apply them
// and check the result parses. A function of the text, its module's Go version and plain
// inputs, so it runs on the main thread or a worker's (see pool.ts) alike.
import { appliesTo, type Codemod, type OptionsByCodemod } from './codemod.js';
import { applyEdits, composePasses, insertedAs, mergeFixes, type Diagnostic, type Edit, type Fix } from './edits.js';
import { GoFile } from '../go/file.js';
import type { TypeFacts } from '../go/facts.js';
import type { PackageIndex } from '../go/package.js';
import { fileGoVersion, type GoVersion } from '../go/version.js';
import { children, type GoParser, type ParsedGo, type SyntaxNode } from './parse.js';
import { LineIndex } from './position.js';

export interface Finding extends Diagnostic {
  codemod: string;
}

export interface FixedFile {
  kind: 'fixed';
  goVersion: GoVersion;
  findings: Finding[];
  applied: Fix[];
  /** Fixes left for another run because they overlap applied ones. */
  deferred: Fix[];
  /** The text with the applied fixes; equal to the input when there are none. */
  output: string;
}

/** goprod produced text that does not parse: a bug in a codemod, never written. */
export interface BrokenFix {
  kind: 'broken-fix';
  at: number;
  codemods: string[];
}

/** The line that marks a generated file (the Go convention, golang.org/s/generatedcode). */
export const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

export interface FileInput {
  path: string;
  /** The text without BOM. */
  text: string;
  moduleVersion: GoVersion;
  /** What the package's files declare (see go/package.ts). */
  pkg?: PackageIndex;
  /** What Go's type checker knows of this text (see go/facts.ts). */
  types?: TypeFacts;
}

export type OpenedFile =
  { kind: 'open'; file: GoFile; parsed: ParsedGo; dispose(): void } | { kind: 'generated' } | { kind: 'unparsable'; at: number };

/**
 * Parses a file for codemods (or takes its tree, `parsed`, when it is parsed already), unless it
 * does not parse or is generated. An open file must be disposed.
 */
export function openGoFile(parser: GoParser, input: FileInput, parsed = parser.parse(input.text)): OpenedFile {
  const root = parsed.root;
  const pkg = children(root).find((n) => n.type === 'package_clause');
  const notGo = parsed.firstError ?? misplaced(root);
  const closed: OpenedFile | undefined = notGo
    ? { kind: 'unparsable', at: notGo.startIndex }
    : GENERATED.test(input.text.slice(0, pkg?.startIndex ?? input.text.length))
      ? { kind: 'generated' }
      : undefined;
  if (closed) {
    parsed.dispose();
    return closed;
  }
  const goVersion = fileGoVersion(input.moduleVersion, buildConstraint(root));
  return {
    kind: 'open',
    file: new GoFile(input.path, input.text, root, goVersion, input.pkg, input.types),
    parsed,
    dispose: parsed.dispose,
  };
}

/** Runs the per-file codemods on an open file and applies their fixes (its tree is stale after). */
export function analyzeFile(
  parser: GoParser,
  { file, parsed }: { file: GoFile; parsed: ParsedGo },
  codemods: readonly Codemod[],
  options: OptionsByCodemod = {},
): FixedFile | BrokenFix {
  // The fixed text is checked by reparsing the file's tree where the edits changed it.
  const reparsed: SyntaxCheck = (output, edits) => errorIn(parser.reparse(parsed, insertedAs(file.text, edits), output));
  return applyFindings(reparsed, file.text, file.goVersion, findingsIn(file, codemods, options));
}

/** Where a text whose edits are `edits` fails to parse first (undefined: it parses). */
export type SyntaxCheck = (text: string, edits: readonly Edit[]) => number | undefined;

/** The check of a text by parsing it whole. */
export function parses(parser: GoParser): SyntaxCheck {
  return (text) => errorIn(parser.parse(text));
}

/** Where the parsed text's first error is; the tree is freed. */
function errorIn(parsed: ParsedGo): number | undefined {
  try {
    return parsed.firstError?.startIndex;
  } finally {
    parsed.dispose();
  }
}

/** What the per-file codemods find in an open file, less what `//goprod:ignore` silences. */
export function findingsIn(file: GoFile, codemods: readonly Codemod[], options: OptionsByCodemod): Finding[] {
  const ignored = suppressions(file);
  const findings: Finding[] = [];
  for (const codemod of codemods) {
    if (!codemod.run || !appliesTo(codemod, file.goVersion)) continue;
    for (const d of codemod.run(file, options[codemod.name] ?? {}))
      if (!ignored.silences(codemod, d.start)) findings.push({ ...d, codemod: codemod.name });
  }
  return findings;
}

/** Passes of the codemods over a file in one run, at most (as ESLint's fixer does). */
export const MAX_PASSES = 10;

/**
 * Fixes deferred because they overlap applied ones get further passes: the codemods run
 * again on the fixed text (`findingsOn`, told the applied fixes of the original text that
 * made it; undefined when that text cannot be analysed),
 * until nothing is deferred, nothing more is found, or MAX_PASSES. The fixes of every pass
 * become fixes of the original text (composePasses), so they are formatted, verified and
 * backed out together. A finding whose fixes were all deferred gives way to what the next
 * pass finds; findings without fixes are those of the first pass.
 */
export function laterPasses(
  parser: GoParser,
  text: string,
  fixed: FixedFile,
  findingsOn: (text: string, applied: readonly Fix[]) => Finding[] | undefined,
): FixedFile | BrokenFix {
  for (let pass = 2; pass <= MAX_PASSES && fixed.deferred.length > 0; pass++) {
    const found = findingsOn(fixed.output, fixed.applied)?.filter((f) => f.fixes.length > 0);
    const kept = fixed.findings.filter(
      (f) => !f.fixes.some((x) => fixed.deferred.includes(x)) || f.fixes.some((x) => fixed.applied.includes(x)),
    );
    if (!found || found.length === 0) return { ...fixed, findings: kept, deferred: [] };
    const second = mergeFixes([...new Set(found.flatMap((f) => f.fixes))]);
    const c = composePasses(text, mergeFixes(fixed.applied), second);
    // What is still deferred after the last pass is placed in the original as well as it can be.
    const moved = new Map(
      second.conflicting.map((x) => [
        x,
        { ...x, edits: x.edits.map((e) => ({ ...e, start: c.toOriginal(e.start), end: c.toOriginal(e.end) })) },
      ]),
    );
    const carried = (x: Fix) => c.carrier.get(x) ?? moved.get(x) ?? x;
    const output = applyEdits(fixed.output, second.edits);
    const check = parser.parse(output);
    const bad = check.firstError?.startIndex;
    check.dispose();
    if (bad !== undefined) return { kind: 'broken-fix', at: c.toOriginal(bad), codemods: [...new Set(found.map((f) => f.codemod))] };
    const findings = [...kept, ...found.map((f) => ({ ...f, start: c.toOriginal(f.start), end: c.toOriginal(f.end) }))].map((f) => ({
      ...f,
      fixes: f.fixes.map(carried),
    }));
    fixed = { ...fixed, findings: findings.sort((a, b) => a.start - b.start), applied: c.applied, deferred: [...moved.values()], output };
  }
  return fixed;
}

/** Merges and applies findings' fixes; the result must parse (`check` says where it does not). */
export function applyFindings(check: SyntaxCheck, text: string, goVersion: GoVersion, findings: Finding[]): FixedFile | BrokenFix {
  findings.sort((a, b) => a.start - b.start);
  // Findings may share one fix (env-config's edits to a file's reads stand together): apply it once.
  const merged = mergeFixes([...new Set(findings.flatMap((f) => f.fixes))]);
  const output = applyEdits(text, merged.edits);
  if (output !== text) {
    const bad = check(output, merged.edits);
    if (bad !== undefined) return { kind: 'broken-fix', at: bad, codemods: [...new Set(findings.map((f) => f.codemod))] };
  }
  return { kind: 'fixed', goVersion, findings, applied: merged.accepted, deferred: merged.conflicting, output };
}

const TOP_LEVEL = new Set([
  'import_declaration',
  'function_declaration',
  'method_declaration',
  'var_declaration',
  'const_declaration',
  'type_declaration',
]);

/**
 * What tree-sitter's Go grammar accepts but Go does not: a file must start with its package
 * clause and hold only declarations (the grammar also takes statements at the top level).
 */
function misplaced(root: SyntaxNode): SyntaxNode | undefined {
  const [first, ...rest] = children(root);
  if (first?.type !== 'package_clause') return first ?? root;
  return rest.find((n) => !TOP_LEVEL.has(n.type));
}

/** The expression of the file's `//go:build` line, which must come before the package clause. */
function buildConstraint(root: SyntaxNode): string | undefined {
  for (const n of root.namedChildren) {
    if (n.type !== 'comment') break;
    const m = /^\/\/go:build\s+(.*)$/.exec(n.text.trimEnd());
    if (m) return m[1];
  }
  return undefined;
}

/** The file's `//goprod:ignore` comments. */
export function suppressions(file: GoFile): Suppressions {
  return new Suppressions(file.root, file.text);
}

/**
 * `//goprod:ignore` and `//goprod:ignore name,name` comments: at the end of a line they cover it,
 * alone on a line they cover the next. And linter directives, as golangci-lint reads them:
 * `//nolint:name,name` (all linters: `//nolint`) silences the codemods that fix what the linters
 * named report (Codemod.linters; not those that mirror none) in the whole statement or
 * declaration it stands on the first line of, or right above (a function's, when it is in its
 * doc comment).
 */
class Suppressions {
  private readonly byLine = new Map<number, Set<string> | 'all'>();
  private readonly nolint: Array<{ from: number; to: number; linters: Set<string> | 'all' }> = [];
  private readonly lines: LineIndex;

  constructor(root: SyntaxNode, text: string) {
    this.lines = new LineIndex(text);
    const ignores = text.includes('goprod:ignore');
    const directives = text.includes('nolint');
    if (!ignores && !directives) return;
    for (const c of root.descendantsOfType('comment')) {
      const line = this.lines.line(c.startIndex);
      const alone = text.slice(this.lines.lineStart(line), c.startIndex).trim() === '';
      const ignore = ignores && /^\/\/\s*goprod:ignore(?:\s+([\w,-]+))?/.exec(c.text);
      if (ignore) {
        // Alone on its line it covers the next; after code, its own line only.
        const names = ignore[1] ? new Set(ignore[1].split(',').filter(Boolean)) : 'all';
        for (const l of alone ? [line, line + 1] : [line]) {
          const had = this.byLine.get(l);
          this.byLine.set(l, had === 'all' || names === 'all' ? 'all' : new Set([...(had ?? []), ...names]));
        }
      }
      const directive = directives && /^\/\/nolint(?::([\w,-]+))?(?![\w:-])/.exec(c.text);
      if (directive) {
        // Alone on its line it covers the statement or declaration below; after code, the one that line starts.
        const linters = directive[1] ? new Set(directive[1].split(',').filter(Boolean)) : 'all';
        const first = alone ? nextCodeLine(c, this.lines) : line;
        if (first === undefined) continue;
        const to = this.lines.line(nodeStartingOn(root, text, this.lines, first).endIndex);
        this.nolint.push({ from: first, to, linters });
      }
    }
  }

  silences(codemod: Pick<Codemod, 'name' | 'linters'>, at: number): boolean {
    const line = this.lines.line(at);
    const names = this.byLine.get(line);
    if (names === 'all' || names?.has(codemod.name)) return true;
    // A codemod that mirrors no linter is not silenced by a bare //nolint either.
    const linters = codemod.linters ?? [];
    return this.nolint.some((d) => d.from <= line && line <= d.to && linters.some((l) => d.linters === 'all' || d.linters.has(l)));
  }
}

/** The line of the code after a comment that stands alone (past the rest of its comment group); undefined at the end of the file. */
function nextCodeLine(comment: SyntaxNode, lines: LineIndex): number | undefined {
  let next = comment.nextSibling;
  while (next?.type === 'comment') next = next.nextSibling;
  return next ? lines.line(next.startIndex) : undefined;
}

/** The outermost statement or declaration that starts on a line (its first token, where there is none). */
function nodeStartingOn(root: SyntaxNode, text: string, lines: LineIndex, line: number): SyntaxNode {
  let at = lines.lineStart(line);
  while (text[at] === ' ' || text[at] === '\t') at++;
  let node = root.descendantForIndex(at, at) ?? root;
  // A statement list starts with its first statement: the directive covers that one only.
  while (node.parent && !['source_file', 'statement_list'].includes(node.parent.type) && lines.line(node.parent.startIndex) === line)
    node = node.parent;
  return node;
}
