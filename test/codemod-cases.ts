// Fast cases for a codemod, in the manner of ESLint's RuleTester: Go source inline, run in this
// process on one file without the Go toolchain (no gofmt, no verification, no type facts), so a
// codemod's decisions are checked in milliseconds. The fixtures (fixture-harness.ts) prove the
// same codemods end to end.
import { expect, test } from 'vitest';
import { applyFindings, findingsIn, openGoFile, parses, type Finding } from '../src/engine/analyze.js';
import type { Codemod } from '../src/engine/codemod.js';
import { loadGoParser } from '../src/engine/parse.js';
import type { GoVersion } from '../src/go/version.js';

export interface CodemodCases {
  /** The go directive of the module the file is in (default 1.22). */
  go?: GoVersion;
  /** Files in which the codemod finds nothing. */
  valid: string[];
  /** Files with findings: their messages (a regexp each, in order) and the file with every fix applied (the input when they have none). */
  invalid: Array<{ code: string; findings: RegExp[]; output: string }>;
}

const DIR = '/module';
const PATH = `${DIR}/a.go`;

/** The codemod's findings in `code` (module-wide codemods see it as their module's only file) and the text with their fixes. */
export async function runOnText(codemod: Codemod, code: string, go: GoVersion): Promise<{ findings: Finding[]; output: string }> {
  const parser = await loadGoParser();
  const opened = openGoFile(parser, { path: PATH, text: code, moduleVersion: go });
  if (opened.kind !== 'open') throw new Error(`the case does not open as Go: ${opened.kind}`);
  try {
    const findings = codemod.runModule
      ? codemod.runModule({ dir: DIR, path: 'example.com/module', goVersion: go }, [opened.file], {}).filter((d) => d.path === PATH).map((d) => ({ ...d.diagnostic, codemod: codemod.name }))
      : findingsIn(opened.file, [codemod], {});
    const fixed = applyFindings(parses(parser), code, opened.file.goVersion, findings);
    if (fixed.kind !== 'fixed') throw new Error(`the fixed text does not parse (at ${fixed.at})`);
    return { findings: fixed.findings, output: fixed.output };
  } finally {
    opened.dispose();
  }
}

/** A test per case. */
export function codemodCases(codemod: Codemod, cases: CodemodCases): void {
  const go = cases.go ?? '1.22';
  test.each(cases.valid.map((code, i) => [i + 1, code] as const))(`${codemod.name}: valid case %i`, async (_, code) => {
    expect((await runOnText(codemod, code, go)).findings.map((f) => f.message)).toEqual([]);
  });
  test.each(cases.invalid.map((c, i) => [i + 1, c] as const))(`${codemod.name}: invalid case %i`, async (_, c) => {
    const { findings, output } = await runOnText(codemod, c.code, go);
    expect(findings.map((f) => f.message)).toEqual(c.findings.map((re) => expect.stringMatching(re)));
    expect(output).toBe(c.output);
  });
}
