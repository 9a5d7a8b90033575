// goprod's type checker (src/go/helper) stands in for go vet under the build configurations
// other than the host's: what it reports of vet's printf and errorsas checks must be what vet
// reports, word for word and place for place, or a baseline and a back-out would disagree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FIXTURES } from './fixture-harness.js';
import { writeTree } from './tree.js';
import { helperBinary } from '../src/go/helper.js';
import { goEnv, installedToolchain, typeCheckPackages } from '../src/go/toolchain.js';

const WINDOWS = { goos: 'windows', goarch: 'amd64', cgo: false, tags: [] };

describe("goprod's type checker", () => {
  test("reports vet's printf and errorsas findings as go vet does, under another platform", async () => {
    const dir = join(FIXTURES, 'verify', 'vet-parity');
    const vet = execFileSync('go', ['vet', '-json', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...goEnv(), GOOS: 'windows', GOARCH: 'amd64', CGO_ENABLED: '0' } });
    type Found = Record<string, Record<string, Array<{ posn: string; message: string }>>>;
    const expected = Object.values(JSON.parse(vet) as Found)
      .flatMap((analyzers) => Object.values(analyzers).flat())
      .map((d) => `${d.posn.replace(`${dir}/`, '')}: ${d.message}`)
      .sort();
    expect(expected.length).toBeGreaterThan(10);

    const toolchain = await installedToolchain();
    const { listing, result } = await typeCheckPackages({ context: { dir, gowork: 'off' }, config: WINDOWS }, await helperBinary(toolchain), ['./.'], new Map());
    expect(result.failures).toEqual([]);
    expect([...listing.packages.values()].map((p) => [...p.compiled])).toEqual([['p_windows.go']]);
    const got = result.messages.map((m) => `${m.path.replace(`${dir}/`, '')}:${m.line}:${m.column}: ${m.message}`).sort();
    expect(got).toEqual(expected);
    expect(result.messages.every((m) => !m.compileError)).toBe(true);
  });

  test('knows generic type aliases (Go 1.24), in the package it checks and in its dependencies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goprod-alias-'));
    try {
      writeTree(dir, {
        'go.mod': 'module example.com/alias\n\ngo 1.24\n',
        'list/list.go': 'package list\n\n// Of is a list.\ntype Of[T any] = []T\n',
        'use/use_windows.go': 'package use\n\nimport "example.com/alias/list"\n\n// Ints are ints.\nvar Ints list.Of[int]\n\n// Names are names.\ntype Names = list.Of[string]\n',
      });
      const toolchain = await installedToolchain();
      const { result } = await typeCheckPackages({ context: { dir, gowork: 'off' }, config: WINDOWS }, await helperBinary(toolchain), ['./use'], new Map());
      expect(result).toEqual({ messages: [], failures: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
