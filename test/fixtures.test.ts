import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { codemods } from '../codemods/index.js';
import { checkFixtureCase, fixtureCases, vetGoldenOutput } from './fixture-harness.js';

describe.each(codemods.map((c) => [c.name, c] as const))('%s fixtures', (name, codemod) => {
  test.each(fixtureCases(name))('%s', async (caseName) => {
    expect(await checkFixtureCase(codemod, caseName)).toEqual([]);
    expect(vetGoldenOutput(name, caseName)).toBeUndefined();
  });
});

test("the README's codemod table shows every codemod's description", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const c of codemods) expect(readme, c.name).toContain(`\n| \`${c.name}\` | ${c.description} |\n`);
});

test('every codemod is registered under its file name and has fixtures', () => {
  const files = readdirSync(new URL('../codemods/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(codemods.map((c) => c.name).sort());
  for (const c of codemods) expect(fixtureCases(c.name).length, c.name).toBeGreaterThan(0);
});
