// The scan on worker threads (pool.ts) must print exactly what one thread prints.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { runGoprod } from './run-goprod.js';

const dir = mkdtempSync(join(tmpdir(), 'goprod-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every fixture, scanned on worker threads and on one thread: the same diffs, JSON document and warnings', async () => {
  cpSync(fileURLToPath(new URL('../fixtures', import.meta.url)), dir, { recursive: true });
  for (const format of [[], ['--json']]) {
    // Without the cache: the second run would take the first's scans from it.
    const one = await runGoprod(dir, 'fix', '--no-verify', '--no-cache', '--threads', '1', ...format);
    const many = await runGoprod(dir, 'fix', '--no-verify', '--no-cache', '--threads', '2', ...format);
    expect(many).toEqual(one);
    // Not vacuous: every codemod has findings there.
    for (const name of ['wrap-errors', 'loopvar', 'close-errors', 'env-config']) expect(one.stdout + one.stderr).toContain(name === 'wrap-errors' ? '%w' : name === 'loopvar' ? 'loop variable' : name === 'close-errors' ? 'Close()' : 'config');
  }
});

test('--threads takes a whole number', async () => {
  const { code, stderr } = await runGoprod(dir, 'fix', '--threads', 'many');
  expect(code).toBe(2);
  expect(stderr).toBe('goprod: --threads takes a whole number from 1 to 256, not "many"\n');
});
