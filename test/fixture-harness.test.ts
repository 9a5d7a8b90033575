// The fixture harness itself: a fix the Go toolchain backs out fails its case, unless the case
// says it expects that back-out; verification must not turn a codemod's bug into a passing
// case whose output equals its input.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defineCodemod } from '../src/engine/codemod.js';
import { checkFixtureCase } from './fixture-harness.js';

/** A codemod with a bug: it "fixes" `return nil` into a name that does not exist, which go vet rejects. */
const breaker = defineCodemod({
  name: 'breaker',
  summary: 'breaks the build',
  description: '',
  goVersions: {},
  run(file) {
    const start = file.text.indexOf('return nil') + 'return '.length;
    if (start < 'return '.length) return [];
    return [{ start, end: start + 3, message: 'returns nil', fixes: [{ message: 'return a name', edits: [{ start, end: start + 3, text: 'undefinedErr' }] }] }];
  },
});

describe('the fixture harness', () => {
  let fixtures: string;
  let dir: string;
  beforeEach(() => {
    fixtures = mkdtempSync(join(tmpdir(), 'goprod-harness-'));
    dir = join(fixtures, 'breaker', 'case');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.com/b\n\ngo 1.21\n');
    // No golden file: the output must equal the input, which it does once the fix is backed out.
    writeFileSync(join(dir, 'b.go'), 'package b\n\nfunc F() error {\n\treturn nil // want "returns nil"\n}\n');
  });
  afterEach(() => rmSync(fixtures, { recursive: true, force: true }));

  test('fails a case whose fix is backed out', async () => {
    expect(await checkFixtureCase(breaker, 'case', fixtures)).toEqual([expect.stringMatching(/^b\.go:4: fix backed out: .*undefinedErr/)]);
  });

  test('passes it when the case expects that back-out, and fails it when the expected one does not happen', async () => {
    writeFileSync(join(dir, 'backed-out.txt'), 'b.go:4 undefined: undefinedErr\n');
    expect(await checkFixtureCase(breaker, 'case', fixtures)).toEqual([]);
    writeFileSync(join(dir, 'backed-out.txt'), 'b.go:3 undefined: undefinedErr\n');
    expect(await checkFixtureCase(breaker, 'case', fixtures)).toEqual([expect.stringMatching(/^b\.go:4: fix backed out/), 'b.go:3: no fix backed out matching /undefined: undefinedErr/']);
  });
});
