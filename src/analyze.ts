// The per-file work: parse, run codemods, drop suppressed findings, merge fixes, apply them
// and check the result parses. A pure function of the text and its module's Go version,
// so it can run anywhere (worker threads later).
import { appliesTo, type Codemod } from './codemod.js';
import { applyEdits, mergeFixes, type Diagnostic, type Fix } from './edits.js';
import { GoFile } from './go/file.js';
import { fileGoVersion, type GoVersion } from './go/version.js';
import type { GoParser, SyntaxNode } from './parser.js';
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

export type FileAnalysis =
  | FixedFile
  | { kind: 'generated' }
  | { kind: 'unparsable'; at: number }
  /** goprod produced text that does not parse: a bug in a codemod, never written. */
  | { kind: 'broken-fix'; at: number; codemods: string[] };

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;

export function analyzeFile(parser: GoParser, text: string, moduleVersion: GoVersion, codemods: readonly Codemod[], path = ''): FileAnalysis {
  const parsed = parser.parse(text);
  try {
    if (parsed.firstError) return { kind: 'unparsable', at: parsed.firstError.startIndex };
    const root = parsed.root;
    const pkg = root.namedChildren.find((n) => n.type === 'package_clause');
    if (GENERATED.test(text.slice(0, pkg?.startIndex ?? text.length))) return { kind: 'generated' };

    const goVersion = fileGoVersion(moduleVersion, buildConstraint(root));
    const file = new GoFile(path, text, root, goVersion);
    const ignored = new Suppressions(root, text);
    const findings: Finding[] = [];
    for (const codemod of codemods) {
      if (!appliesTo(codemod, goVersion)) continue;
      for (const d of codemod.run(file)) if (!ignored.silences(codemod.name, d.start)) findings.push({ ...d, codemod: codemod.name });
    }
    findings.sort((a, b) => a.start - b.start);
    const merged = mergeFixes(findings.flatMap((f) => f.fixes));
    const output = applyEdits(text, merged.edits);
    if (output !== text) {
      const check = parser.parse(output);
      const bad = check.firstError?.startIndex;
      check.dispose();
      if (bad !== undefined) return { kind: 'broken-fix', at: bad, codemods: [...new Set(findings.map((f) => f.codemod))] };
    }
    return { kind: 'fixed', goVersion, findings, applied: merged.accepted, deferred: merged.conflicting, output };
  } finally {
    parsed.dispose();
  }
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

/** `//goprod:ignore` and `//goprod:ignore name,name` comments, which cover their own line and the next. */
class Suppressions {
  private readonly byLine = new Map<number, Set<string> | 'all'>();
  private readonly lines: LineIndex;

  constructor(root: SyntaxNode, text: string) {
    this.lines = new LineIndex(text);
    if (!text.includes('goprod:ignore')) return;
    for (const c of root.descendantsOfType('comment')) {
      const m = /^\/\/\s*goprod:ignore(?:\s+([\w,-]+))?/.exec(c.text);
      if (!m) continue;
      const line = this.lines.line(c.startIndex);
      const names = m[1] ? new Set(m[1].split(',').filter(Boolean)) : 'all';
      for (const l of [line, line + 1]) {
        const had = this.byLine.get(l);
        this.byLine.set(l, had === 'all' || names === 'all' ? 'all' : new Set([...(had ?? []), ...names]));
      }
    }
  }

  silences(codemod: string, at: number): boolean {
    if (this.byLine.size === 0) return false;
    const names = this.byLine.get(this.lines.line(at));
    return names === 'all' || (names?.has(codemod) ?? false);
  }
}
