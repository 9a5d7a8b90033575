import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { goEnv } from '../src/go/toolchain.js';
import { FIXTURES } from './fixture-harness.js';
import { runGoprod } from './run-goprod.js';

test("on a Go 1.21 module, loopvar makes go vet's loopclosure findings disappear", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goprod-loopvar-'));
  try {
    cpSync(join(FIXTURES, 'loopvar', 'go121-insert'), dir, { recursive: true, filter: (p) => !p.endsWith('.golden') });
    const vet = () => spawnSync('go', ['vet', './...'], { cwd: dir, env: goEnv(), encoding: 'utf8' });
    const before = vet();
    expect(before.status).not.toBe(0);
    expect(before.stderr.match(/loop variable \w+ captured by func literal/g)?.length).toBeGreaterThanOrEqual(5);
    expect((await runGoprod(dir, 'fix', '--codemod=loopvar', '--write', '--allow-dirty')).code).toBe(0);
    expect(vet()).toMatchObject({ status: 0, stderr: '' });
    execFileSync('go', ['test', './...'], { cwd: dir, env: goEnv() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
