// goprod touches nothing but the fix: hostile but valid files, file metadata, pipes and
// signals. Each test here failed before the change it guards.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { codemods } from '../codemods/index.js';
import { defineCodemod } from '../src/codemod.js';
import { runCodemods } from '../src/runner.js';
import { runGoprod } from './run-goprod.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-reliability-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const GO_MOD = 'module example.com/r\n\ngo 1.22\n';

describe('one file never ends the run', () => {
  test('comments inside result and argument lists are skipped like whitespace', async () => {
    write({
      'go.mod': GO_MOD,
      'k8s.go': 'package r\n\ntype T int\n\nfunc pair() ( /*a*/ T /*b*/, error) { return 0, nil }\n',
      'use.go': 'package r\n\nimport "fmt"\n\nfunc wrap(n int, err error) error {\n\treturn fmt.Errorf("step %d: %v", /* which */ n, err)\n}\n',
    });
    const { code, stdout, stderr } = await runGoprod(dir, 'fix', '--no-verify', '--codemod=wrap-errors');
    expect(stderr).toBe('goprod: 1 fix in 1 file; run with --write to apply\n');
    expect(code).toBe(0);
    // gofmt puts the comment before the comma on the line it formats.
    expect(stdout).toContain('+\treturn fmt.Errorf("step %d: %w" /* which */, n, err)');
  });

  test('a codemod that throws on one file is reported as a goprod bug there; the other files are fixed', async () => {
    write({
      'go.mod': GO_MOD,
      'a.go': 'package r\n\nimport "fmt"\n\nfunc a(err error) error { return fmt.Errorf("a: %v", err) }\n',
      'b.go': 'package r\n\nimport "fmt"\n\nfunc b(err error) error { return fmt.Errorf("b: %v", err) }\n',
    });
    const crashing = defineCodemod({ name: 'crash', summary: 'throws on b.go', goVersions: {}, run: (file) => {
        if (file.path.endsWith('b.go')) throw new TypeError('boom');
        return [];
      },
    });
    const wrap = codemods.find((c) => c.name === 'wrap-errors')!;
    const result = await runCodemods([dir], [crashing, wrap], { verify: false });
    expect(result.files.map((f) => f.path)).toEqual([join(dir, 'a.go')]);
    expect(result.warnings).toEqual([{ path: join(dir, 'b.go'), message: 'bug: goprod failed here (TypeError: boom); skipped (please report it)' }]);
    expect(readFileSync(join(dir, 'a.go'), 'utf8')).toContain('%v');
  });
});
