// Robustness as a property: real Go sources from the fixtures, mutated (token deletions,
// duplications, random text, CRLF and byte-order-mark mixes, huge lines), never make goprod
// fail, never give output that does not parse, and a second run on what a first run wrote
// finds nothing new. CI runs a small fixed-seed sample; `npm run fuzz` runs 10,000 cases.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { codemods } from '../codemods/index.js';
import { loadGoParser } from '../src/engine/parse.js';
import { fixedContent, willChange, type RunResult } from '../src/engine/model.js';
import { runCodemods } from '../src/engine/run.js';
import { writeSourceAtomic } from '../src/engine/source.js';
import { FIXTURES } from './fixture-harness.js';

const RUNS = Number(process.env.GOPROD_FUZZ_RUNS ?? 60);
const SEED = Number(process.env.GOPROD_FUZZ_SEED ?? 20261124);

const corpus = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.go'))
  .sort()
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

type Mutation = (text: string) => string;

const at = (text: string, r: number) => Math.floor(r * (text.length + 1));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Delete a token-sized or larger run of text.
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 40 })).map(([r, n]) => (t: string) => t.slice(0, at(t, r)) + t.slice(at(t, r) + n)),
  // Duplicate a piece of the file somewhere else.
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true })).map(([r, n, to]) => (t: string) => {
    const piece = t.slice(at(t, r), at(t, r) + n);
    return t.slice(0, at(t, to)) + piece + t.slice(at(t, to));
  }),
  // Random text, Go punctuation and non-ASCII included.
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ unit: fc.oneof(fc.constantFrom('(', ')', '{', '}', ',', ';', '"', '`', '/*', '*/', '//', '\n', 'err', ' ', '%v', 'go ', 'func', ':=', 'for ', 'ü := ü', '.Close()', 'fmt.Errorf(', 'os.Getenv('), fc.string({ unit: 'grapheme', maxLength: 2 })), maxLength: 12 })).map(([r, s]) => (t: string) => t.slice(0, at(t, r)) + s + t.slice(at(t, r))),
  // Line endings: all CRLF, or a few.
  fc.constant((t: string) => t.replace(/\n/g, '\r\n')),
  fc.double({ min: 0, max: 1, noNaN: true }).map((r) => (t: string) => t.slice(0, at(t, r)) + t.slice(at(t, r)).replace('\n', '\r\n')),
  // A byte-order mark.
  fc.constant((t: string) => `\uFEFF${t.replace(/^\uFEFF/, '')}`),
  // A huge line: a long comment or a long string literal.
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1000, max: 200_000 }), fc.boolean()).map(([r, n, comment]) => (t: string) => {
    const i = t.indexOf('\n', at(t, r));
    const line = comment ? `\n// ${'x'.repeat(n)}` : `\nvar _ = "${'y'.repeat(n)}"`;
    return i === -1 ? t + line : t.slice(0, i) + line + t.slice(i);
  }),
);

const LAST_CASE = join(tmpdir(), 'goprod-fuzz-case.go');

/** The codemods without their text tests: every file is parsed. */
const UNFILTERED = codemods.map(({ mayMatch: _, ...codemod }) => codemod);
const outcome = (run: RunResult) => run.files.map((f) => ({ path: f.path, output: f.output, findings: f.findings.map((d) => `${d.codemod} ${d.start}: ${d.message}`) }));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test(`mutated Go never breaks goprod (${RUNS} cases, seed ${SEED})`, { timeout: 0 }, async () => {
  const parser = await loadGoParser();
  const dir = mkdtempSync(join(tmpdir(), 'goprod-fuzz-'));
  dirs.push(dir);
  const file = join(dir, 'f.go');
  let cases = 0;
  let fixedCases = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat(corpus.length - 1), fc.array(mutation, { maxLength: 4 }), async (seed, mutations) => {
      cases++;
      const text = mutations.reduce((t, m) => m(t), corpus[seed]!);
      // The case that fails is kept for a look with goprod itself.
      writeFileSync(LAST_CASE, text);
      // A fresh module each time: env-config creates files.
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'go.mod'), 'module example.com/fuzz\n\ngo 1.21\n');
      writeFileSync(file, text);
      const first = await runCodemods([dir], codemods, { verify: false });
      expect(first.warnings.filter((w) => w.message.startsWith('bug:'))).toEqual([]);
      // The text tests that spare parsing (mayMatch) must never lose a finding.
      const everyFile = await runCodemods([dir], UNFILTERED, { verify: false });
      expect(outcome(first), 'mayMatch dropped a file a codemod changes').toEqual(outcome(everyFile));
      const changed = first.files.filter((f) => willChange(f, false));
      for (const f of changed) {
        const parsed = parser.parse(f.output);
        const broken = parsed.firstError !== undefined;
        parsed.dispose();
        expect(broken, `${f.path} does not parse after the fixes`).toBe(false);
        writeSourceAtomic(f.path, fixedContent(f));
      }
      if (changed.length === 0) return;
      fixedCases++;
      // What was deferred (overlapping) may come now; nothing else may.
      const deferred = first.files.reduce((n, f) => n + f.deferred.length, 0);
      const second = await runCodemods([dir], codemods, { verify: false });
      const again = second.files.filter((f) => willChange(f, false));
      const what = again.flatMap((f) => f.findings.filter((d) => d.fixes.some((x) => f.applied.includes(x))).map((d) => `${d.codemod}: ${d.message}`));
      expect(what.length, `a second run fixes again: ${what.join('; ').slice(0, 500)}`).toBeLessThanOrEqual(deferred);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  rmSync(LAST_CASE, { force: true });
  console.log(`fuzz: ${cases} cases (${fixedCases} with fixes), seed ${SEED}: no failures`);
});
