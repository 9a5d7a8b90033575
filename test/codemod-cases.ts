// Fast cases for a codemod, in the manner of ESLint's RuleTester: Go source inline, run in this
// process on one file without the Go toolchain (no gofmt, no verification, no type facts), so a
// codemod's decisions are checked in milliseconds. The fixtures (fixture-harness.ts) prove the
// same codemods end to end.
import { basename, dirname, join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { applyFindings, findingsIn, openGoFile, parses, type Finding } from '../src/engine/analyze.js';
import type { Codemod, ModuleFiles } from '../src/engine/codemod.js';
import { loadGoParser } from '../src/engine/parse.js';
import type { GoVersion } from '../src/go/version.js';

/** The module's other files, by path from its root: a module-wide codemod may read them (ModuleFiles), but is not given them. */
export type OtherFiles = Readonly<Record<string, string>>;

export interface CodemodCases {
  /** The go directive of the module the file is in (default 1.22). */
  go?: GoVersion;
  /** Files in which the codemod finds nothing (here or, for a module-wide codemod, in any other file). */
  valid: Array<string | { code: string; files: OtherFiles }>;
  /**
   * Files with findings: their messages (a regexp each, in order) and the file with every fix applied (the input when they
   * have none); for a module-wide codemod, its findings in other files too (`path: message`, in order; none if not said).
   */
  invalid: Array<{ code: string; files?: OtherFiles; findings: RegExp[]; output: string; elsewhere?: RegExp[] }>;
}

const DIR = '/module';
const PATH = `${DIR}/a.go`;

/** The case's file and its other files, read from memory. */
function filesInMemory(code: string, others: OtherFiles): ModuleFiles {
  const texts = new Map([[PATH, code], ...Object.entries(others).map(([path, text]) => [join(DIR, path), text] as const)]);
  return {
    goFilesIn: (dir) => [...texts.keys()].filter((p) => dirname(p) === dir && p.endsWith('.go')).map((p) => basename(p)),
    text: (path) => texts.get(path),
  };
}

/**
 * The codemod's findings in `code` (module-wide codemods see it as the only file they are given, and `others` through
 * ModuleFiles), the text with their fixes, and a module-wide codemod's findings in other files (`path: message`).
 */
export async function runOnText(
  codemod: Codemod,
  code: string,
  go: GoVersion,
  others: OtherFiles = {},
): Promise<{ findings: Finding[]; output: string; elsewhere: string[] }> {
  const parser = await loadGoParser();
  const opened = openGoFile(parser, { path: PATH, text: code, moduleVersion: go });
  if (opened.kind !== 'open') throw new Error(`the case does not open as Go: ${opened.kind}`);
  try {
    const module = { dir: DIR, path: 'example.com/module', goVersion: go };
    const all = codemod.runModule?.(module, [opened.file], {}, filesInMemory(code, others));
    const findings = all
      ? all.filter((d) => d.path === PATH).map((d) => ({ ...d.diagnostic, codemod: codemod.name }))
      : findingsIn(opened.file, [codemod], {});
    const elsewhere = (all ?? []).filter((d) => d.path !== PATH).map((d) => `${relative(DIR, d.path)}: ${d.diagnostic.message}`);
    const fixed = applyFindings(parses(parser), code, opened.file.goVersion, findings);
    if (fixed.kind !== 'fixed') throw new Error(`the fixed text does not parse (at ${fixed.at})`);
    return { findings: fixed.findings, output: fixed.output, elsewhere };
  } finally {
    opened.dispose();
  }
}

/** A test per case. */
export function codemodCases(codemod: Codemod, cases: CodemodCases): void {
  const go = cases.go ?? '1.22';
  const valid = cases.valid.map((c) => (typeof c === 'string' ? { code: c, files: {} } : c));
  test.each(valid.map((c, i) => [i + 1, c] as const))(`${codemod.name}: valid case %i`, async (_, c) => {
    const { findings, elsewhere } = await runOnText(codemod, c.code, go, c.files);
    expect([...findings.map((f) => f.message), ...elsewhere]).toEqual([]);
  });
  test.each(cases.invalid.map((c, i) => [i + 1, c] as const))(`${codemod.name}: invalid case %i`, async (_, c) => {
    const { findings, output, elsewhere } = await runOnText(codemod, c.code, go, c.files);
    expect(findings.map((f) => f.message)).toEqual(c.findings.map((re) => expect.stringMatching(re)));
    expect(output).toBe(c.output);
    expect(elsewhere).toEqual((c.elsewhere ?? []).map((re) => expect.stringMatching(re)));
  });
}
