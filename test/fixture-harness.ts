// The fixture convention: fixtures/<codemod>/<case>/ is a tiny Go module. Input files mark
// expected findings with `// want "regexp"` on the flagged line; `x.go.golden` holds the
// expected output of `x.go` (no golden file: the file must stay byte-identical).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Codemod } from '../src/engine/codemod.js';
import { goEnv } from '../src/go/toolchain.js';
import { LineIndex } from '../src/engine/position.js';
import { fixedContent } from '../src/engine/model.js';
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
export async function checkFixtureCase(codemod: Codemod, caseName: string): Promise<string[]> {
  const src = join(FIXTURES, codemod.name, caseName);
  const work = mkdtempSync(join(tmpdir(), `goprod-${codemod.name}-`));
  const problems: string[] = [];
  try {
    cpSync(src, work, { recursive: true, filter: (p) => !p.endsWith('.golden') });
    const result = await runCodemods([work], [codemod]);
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
