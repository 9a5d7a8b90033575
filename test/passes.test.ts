import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { defineCodemod } from '../src/engine/codemod.js';
import { counts } from '../src/engine/model.js';
import { runCodemods } from '../src/engine/run.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-passes-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// A codemod for tests: `same(X)` → `X`. Nested calls give overlapping fixes: the outer one
// is applied, the inner one deferred, and found again on the fixed text.
const unwrap = defineCodemod({
  name: 'unwrap',
  summary: 'test',
  description: 'test',
  goVersions: {},
  run: (file) =>
    file.root.descendantsOfType('call_expression').flatMap((call) => {
      const arg = call.childForFieldName('arguments')!.namedChildren[0];
      if (call.childForFieldName('function')!.text !== 'same' || !arg) return [];
      return [{ start: call.startIndex, end: call.endIndex, message: `same(${arg.text})`, fixes: [{ message: 'unwrap', edits: [{ start: call.startIndex, end: call.endIndex, text: arg.text }] }] }];
    }),
});

const SOURCE = `package m

func same(v int) int { return v }

func F() int {
	return same(same(same(1))) + same(2)
}
`;

test('fixes that overlap land in further passes of the same run, verified together', async () => {
  writeFileSync(join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.21\n');
  writeFileSync(join(dir, 'm.go'), SOURCE);
  const result = await runCodemods(['.'], [unwrap], { cwd: dir });
  const [file] = result.files;
  expect(file!.output).toBe(SOURCE.replace('same(same(same(1))) + same(2)', '1 + 2'));
  expect(file!.deferred).toEqual([]);
  expect(file!.unverified).toBeUndefined();
  expect(result.verification?.configs).toHaveLength(1);
  // Four findings, each placed in the original text; the three nested ones stand or fall as one fix.
  const call = SOURCE.indexOf('same(same');
  expect(file!.findings.map((f) => [f.start, f.message])).toEqual([
    [call, 'same(same(same(1)))'],
    [call, 'same(same(1))'],
    [call, 'same(1)'],
    [SOURCE.indexOf('same(2)'), 'same(2)'],
  ]);
  expect(file!.applied).toHaveLength(2);
  expect(counts(result, true)).toMatchObject({ fixes: 2, deferred: 0 });
});
