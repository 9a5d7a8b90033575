// A codemod is given its own options, as it declares them, and nothing else: no flag of the
// command it runs under, no option of another codemod.
import { describe, expect, test } from 'vitest';
import { codemods } from '../codemods/index.js';
import { defineCodemod, optionsByCodemod, type CodemodOptions } from '../src/engine/codemod.js';
import type { GoFile } from '../src/go/file.js';

describe('codemod options', () => {
  test("each codemod gets its declared options from a command's flags, and nothing else", () => {
    const flags = { write: true, verify: true, codemod: 'close-errors', closeMode: 'explicit', configPkg: 'cfg', includeTests: true, threads: 2 };
    const byCodemod = optionsByCodemod(codemods, flags);
    expect(byCodemod['close-errors']).toEqual({ closeMode: 'explicit' });
    expect(byCodemod['env-config']).toEqual({ configPkg: 'cfg', includeTests: true });
    expect(byCodemod['wrap-errors']).toEqual({});
  });

  test('run sees the values checked against their declarations; a value of the wrong kind is a bug, not a guess', () => {
    const seen: unknown[] = [];
    const codemod = defineCodemod({
      name: 'probe',
      summary: '',
      description: '',
      goVersions: {},
      options: { mode: { flag: '--mode <m>', description: '', choices: ['a', 'b'] }, strict: { flag: '--strict', description: '' } },
      run(_file, options) {
        const mode: 'a' | 'b' | undefined = options.mode;
        seen.push({ mode, strict: options.strict });
        return [];
      },
    });
    const file = {} as GoFile; // run ignores it
    const run = (values: CodemodOptions) => codemod.run!(file, values);
    run({ mode: 'b', strict: true, other: 'x' });
    expect(seen).toEqual([{ mode: 'b', strict: true }]);
    expect(() => run({ mode: 'c' })).toThrow('probe: option mode (--mode <m>) given "c"');
    expect(() => run({ strict: 'yes' })).toThrow('probe: option strict (--strict) given "yes"');
  });
});
