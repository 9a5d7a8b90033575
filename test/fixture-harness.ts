// The fixture convention: fixtures/<codemod>/<case>/ is a tiny Go module. Input files mark
// expected findings with `// want "regexp"` on the flagged line; `x.go.golden` holds the
// expected output of `x.go` (no golden file: the file must stay byte-identical). The fixes
// are verified as in `goprod fix`: a fix the toolchain backs out fails the case unless the
// case's backed-out.txt expects it (a line `x.go:LINE regexp`: the finding's line and the
// toolchain's reason); a fix left unverified or that gofmt rejects always fails it, so that
// verification never hides a codemod's bug behind a golden file equal to the input.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { Codemod } from '../src/engine/codemod.js';
import { goEnv } from '../src/go/toolchain.js';
import { LineIndex } from '../src/engine/position.js';
import { fixedContent, type FileResult } from '../src/engine/model.js';
import { runCodemods } from '../src/engine/run.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

export function fixtureCases(codemod: string): string[] {
  const dir = join(FIXTURES, codemod);
  return existsSync(dir) ? readdirSync(dir).filter((c) => statSync(join(dir, c)).isDirectory()).sort() : [];
}

/** Every .go file under dir, relative, including those in vendor/ and testdata/. */
function goFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.go')).sort();
}

/** Golden files with no input beside them, by the path of the file they stand for. */
function createdGoldens(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.go.golden') && !existsSync(join(dir, f.slice(0, -'.golden'.length))))
    .map((f) => f.slice(0, -'.golden'.length));
}

/** `// want "re" "re2"` comments: line number → regexps. */
function wants(text: string): Map<number, RegExp[]> {
  const out = new Map<number, RegExp[]>();
  text.split('\n').forEach((line, i) => {
    const m = /\/\/ want((?:\s+(?:"(?:[^"\\]|\\.)*"|`[^`]*`))+)\s*$/.exec(line.replace(/\r$/, ''));
    if (!m) return;
    const res = [...m[1]!.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`/g)].map((q) => new RegExp(q[2] ?? JSON.parse(`"${q[1]}"`)));
    out.set(i + 1, res);
  });
  return out;
}

/**
 * Runs the codemod on a copy of the case and returns every mismatch: a finding without a
 * `want`, a `want` without a finding, an output that differs from its golden file.
 */
export async function checkFixtureCase(codemod: Codemod, caseName: string, fixtures = FIXTURES): Promise<string[]> {
  const src = join(fixtures, codemod.name, caseName);
  const work = mkdtempSync(join(tmpdir(), `goprod-${codemod.name}-`));
  const problems: string[] = [];
  try {
    cpSync(src, work, { recursive: true, filter: (p) => !p.endsWith('.golden') && basename(p) !== BACKED_OUT });
    const result = await runCodemods([work], [codemod]);
    problems.push(...verificationProblems(result.files, work, expectedBackOuts(src)));
    for (const rel of goFiles(work)) {
      const input = readFileSync(join(src, rel), 'utf8');
      const file = result.files.find((f) => relative(work, f.path) === rel);
      const lines = new LineIndex(file?.source.text ?? input);
      const expected = wants(input);
      for (const finding of file?.findings ?? []) {
        const line = lines.line(finding.start);
        const res = expected.get(line) ?? [];
        const i = res.findIndex((re) => re.test(finding.message));
        if (i === -1) problems.push(`${rel}:${line}: unexpected finding: ${finding.message}`);
        else res.splice(i, 1);
      }
      for (const [line, res] of expected) for (const re of res) problems.push(`${rel}:${line}: no finding matching ${re}`);
      const golden = join(src, `${rel}.golden`);
      const want = existsSync(golden) ? readFileSync(golden, 'utf8') : input;
      const got = file ? fixedContent(file) : readFileSync(join(work, rel), 'utf8');
      if (got !== want) problems.push(`${rel}: output differs from ${existsSync(golden) ? `${rel}.golden` : 'the input (no golden file)'}:\n--- want\n${want}\n--- got\n${got}`);
    }
    // A golden file without an input is a file the codemod must create.
    const created = result.files.filter((f) => f.created).map((f) => [relative(work, f.path), f] as const);
    for (const rel of createdGoldens(src)) {
      const file = created.find(([r]) => r === rel)?.[1];
      const want = readFileSync(join(src, `${rel}.golden`), 'utf8');
      if (!file) problems.push(`${rel}: not created`);
      else if (fixedContent(file) !== want) problems.push(`${rel}: created file differs from ${rel}.golden:\n--- want\n${want}\n--- got\n${fixedContent(file)}`);
    }
    for (const [rel] of created) if (!existsSync(join(src, `${rel}.golden`))) problems.push(`${rel}: unexpectedly created`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return problems;
}

/** The file of a case that lists the back-outs it expects. */
const BACKED_OUT = 'backed-out.txt';

interface ExpectedBackOut {
  file: string;
  line: number;
  reason: RegExp;
}

/** backed-out.txt: a line `x.go:LINE regexp` per fix the toolchain must back out. */
function expectedBackOuts(src: string): ExpectedBackOut[] {
  const path = join(src, BACKED_OUT);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    const m = /^(\S+):(\d+)\s+(.+)$/.exec(l);
    if (!m) throw new Error(`${path}: "${l}" is not "file.go:LINE regexp"`);
    return { file: m[1]!, line: Number(m[2]), reason: new RegExp(m[3]!) };
  });
}

/** What verification did that the case does not expect: fixes backed out (unless listed), files left unverified, fixes gofmt rejected. */
function verificationProblems(files: readonly FileResult[], work: string, expected: readonly ExpectedBackOut[]): string[] {
  const problems: string[] = [];
  const unmatched = [...expected];
  for (const f of files) {
    const rel = relative(work, f.path);
    for (const b of f.backedOut) {
      const i = unmatched.findIndex((e) => e.file === rel && e.line === b.line && e.reason.test(b.reason));
      if (i === -1) problems.push(`${rel}:${b.line}: fix backed out: ${b.reason}`);
      else unmatched.splice(i, 1);
    }
    if (f.unverified && f.applied.length > 0) problems.push(`${rel}: fixes unverified: ${f.unverified}`);
    if (f.formatError) problems.push(`${rel}: fixes dropped, gofmt rejected them: ${f.formatError}`);
  }
  for (const e of unmatched) problems.push(`${e.file}:${e.line}: no fix backed out matching ${e.reason}`);
  return problems;
}

/** Runs `go vet ./...` (and `go test ./...` where the case has tests) on the case with every golden file in place of its input; returns the complaint, if any. */
export function vetGoldenOutput(codemod: string, caseName: string): string | undefined {
  const src = join(FIXTURES, codemod, caseName);
  const work = mkdtempSync(join(tmpdir(), `goprod-golden-`));
  try {
    cpSync(src, work, { recursive: true, filter: (p) => !p.endsWith('.golden') });
    for (const rel of [...goFiles(src), ...createdGoldens(src)]) {
      const golden = join(src, `${rel}.golden`);
      mkdirSync(dirname(join(work, rel)), { recursive: true });
      if (existsSync(golden)) writeFileSync(join(work, rel), readFileSync(golden));
    }
    execFileSync('go', ['vet', './...'], { cwd: work, env: goEnv(), stdio: 'pipe' });
    // Tests in a case are behaviour checks of the fixed code (e.g. a Close error reaching the caller).
    if (goFiles(work).some((f) => f.endsWith('_test.go'))) execFileSync('go', ['test', './...'], { cwd: work, env: goEnv(), stdio: 'pipe' });
    return undefined;
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return err.stderr?.toString() || err.message;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
