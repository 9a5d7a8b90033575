// `goprod fix --format=sarif`, validated against the OASIS SARIF 2.1.0 schema (errata 01):
// test/sarif-schema-2.1.0.json is sarif-2.1/schema/sarif-schema-2.1.0.json of
// github.com/oasis-tcs/sarif-spec (commit e0583813964e), unchanged. It is a draft-04 schema,
// hence ajv-draft-04.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runGoprod } from './run-goprod.js';
import { writeTree } from './tree.js';

// Both are CommonJS modules that also export themselves as `default`, which is what TypeScript sees.
const ajv = new ajvDraft04.default({ allErrors: true });
ajvFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('sarif-schema-2.1.0.json', import.meta.url), 'utf8')));

/** Parses goprod's SARIF output and checks it against the schema. */
function sarif(text: string): Sarif.Run {
  const log = JSON.parse(text) as Sarif.Log;
  expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

// The first fix lands on a line with non-ASCII text; the second is backed out: errText's
// name says "error", so wrap-errors proposes %w from syntax (--no-type-facts), and vet rejects it.
const STORE = `package store

import (
	"fmt"
	"os"
	"strings"
)

// Read reads a file.
func Read(path string) error {
	_, err := os.ReadFile(path)
	if err != nil {
		/* é😀 */ return fmt.Errorf("read %s: %v", path, err)
	}
	errText := strings.TrimSpace(path)
	return fmt.Errorf("bad input: %v", errText)
}
`;

// An environment read goprod cannot fix: its name is computed.
const MAIN = `package main

import (
	"fmt"
	"os"
)

func main() {
	for _, name := range []string{"A", "B"} {
		fmt.Println(os.Getenv("APP_" + name))
	}
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'goprod-sarif-'));
  writeTree(dir, { 'go.mod': 'module example.com/m\n\ngo 1.21\n', 'internal/store/store.go': STORE, 'cmd/app/main.go': MAIN });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const goprod = (...args: string[]) => runGoprod(dir, ...args);

/** The text with SARIF replacements applied; regions are lines and UTF-16 columns. */
function applyReplacements(text: string, replacements: readonly Sarif.Replacement[]): string {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
  const index = (line: number, column: number) => lineStarts[line - 1]! + column - 1;
  const spans = replacements.map((r) => ({ start: index(r.deletedRegion.startLine!, r.deletedRegion.startColumn!), end: index(r.deletedRegion.endLine!, r.deletedRegion.endColumn!), text: r.insertedContent!.text! }));
  return spans.sort((a, b) => b.start - a.start).reduce((t, s) => t.slice(0, s.start) + s.text + t.slice(s.end), text);
}

describe('goprod fix --format=sarif', () => {
  test('a valid SARIF log: a rule per codemod, results in UTF-16 columns, applied fixes as SARIF fixes', async () => {
    const { code, stdout, stderr } = await goprod('fix', '--codemod=wrap-errors,env-config', '--format=sarif', '--no-type-facts');
    expect(code).toBe(0);
    const run = sarif(stdout);
    expect(run.tool.driver).toMatchObject({ name: 'goprod', version: expect.stringMatching(/^\d+\.\d+\.\d+/), informationUri: 'https://github.com/goprod/goprod' });
    expect(run.tool.driver.rules!.map((r) => [r.id, r.helpUri])).toEqual([
      ['wrap-errors', 'https://github.com/goprod/goprod#codemods'],
      ['env-config', 'https://github.com/goprod/goprod#codemods'],
    ]);
    expect(run.tool.driver.rules![0]!.shortDescription!.text).toMatch(/^fmt.Errorf formats an error/);
    expect(run.tool.driver.rules![0]!.fullDescription!.markdown).toMatch(/^`fmt.Errorf\("…: %v", err\)` → `%w`/);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: pathToFileURL(`${dir}/`).href } });
    expect(run.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);

    const [computed, applied, backedOut, ...rest] = run.results!;
    expect(rest).toEqual([]);
    const store = { artifactLocation: { uri: 'internal/store/store.go', uriBaseId: '%SRCROOT%' } };

    // "\t\t/* é😀 */ return " is 19 UTF-16 code units (22 bytes): the call starts at column 20.
    const line = STORE.split('\n')[12]!;
    expect(line.indexOf('fmt.Errorf')).toBe(19);
    expect(applied).toMatchObject({ ruleId: 'wrap-errors', ruleIndex: 0, level: 'warning', locations: [{ physicalLocation: { ...store, region: { startLine: 13, startColumn: 20, endLine: 13 } } }], properties: { fixStatus: ['applied'] } });
    expect(applied!.message.text).toBe('fmt.Errorf formats err without wrapping: errors.Is/As cannot see it');
    expect(applied!.fixes).toHaveLength(1);
    const [change] = applied!.fixes![0]!.artifactChanges;
    expect(change!.artifactLocation).toEqual(store.artifactLocation);
    // The "v" of "%v" is at string index 41: columns 42 to 43 (its byte column would be 45).
    expect(line.slice(41, 42)).toBe('v');
    expect(change!.replacements).toEqual([{ deletedRegion: { startLine: 13, startColumn: 42, endLine: 13, endColumn: 43 }, insertedContent: { text: 'w' } }]);

    // Backed out: reported, with the reason in the message, but without the fix.
    expect(backedOut).toMatchObject({ ruleId: 'wrap-errors', level: 'warning', locations: [{ physicalLocation: { ...store, region: { startLine: 16 } } }] });
    expect(backedOut!.fixes).toBeUndefined();
    expect(backedOut!.message.text).toMatch(/\(fix not included: backed out: fmt.Errorf format %w has arg errText of wrong type string \(at internal\/store\/store.go:16:\d+\)\)$/);
    expect(backedOut!.properties!.fixStatus).toEqual([expect.stringMatching(/^backed out: /)]);

    // No fix at all: a note.
    expect(computed).toMatchObject({ ruleId: 'env-config', ruleIndex: 1, level: 'note', locations: [{ physicalLocation: { artifactLocation: { uri: 'cmd/app/main.go', uriBaseId: '%SRCROOT%' }, region: { startLine: 10, startColumn: 15 } } }] });
    expect(computed!.message.text).toMatch(/computed name/);
    expect(computed).not.toHaveProperty('fixes');
    expect(computed).not.toHaveProperty('properties');

    // The SARIF fixes, applied to the file, give what --write writes.
    const edited = applyReplacements(STORE, applied!.fixes![0]!.artifactChanges[0]!.replacements!);
    expect(stderr).toContain('1 backed out (they break the build or vet, see the sarif report)');
    await goprod('fix', '--codemod=wrap-errors', '--write', '--allow-dirty', '--no-type-facts');
    expect(readFileSync(join(dir, 'internal/store/store.go'), 'utf8')).toBe(edited);
  });

  test('warnings become tool execution notifications; files outside the working directory get file: URIs', async () => {
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken/broken.go'), 'package broken\n\nimport "fmt"\n\nfunc F(err error) error {\n\treturn fmt.Errorf("x: %v", err\n}\n');
    const inside = join(dir, 'cmd');
    const { stdout } = await runGoprod(inside, 'fix', '--codemod=wrap-errors,env-config', '--no-verify', '--format=sarif', '..');
    const run = sarif(stdout);
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(pathToFileURL(`${inside}/`).href);
    expect(run.invocations![0]!.toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: expect.stringMatching(/parse/) }, locations: [{ physicalLocation: { artifactLocation: { uri: pathToFileURL(join(dir, 'broken/broken.go')).href }, region: { startLine: expect.any(Number) } } }] },
    ]);
    const uris = run.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation!);
    expect(uris).toContainEqual({ uri: 'app/main.go', uriBaseId: '%SRCROOT%' });
    expect(uris).toContainEqual({ uri: pathToFileURL(join(dir, 'internal/store/store.go')).href });
  });

  test('with --check the exit status stays; with --write the fixes written are those reported', async () => {
    const check = await goprod('fix', '--codemod=wrap-errors', '--check', '--format=sarif', '--no-type-facts');
    expect(check.code).toBe(1);
    expect(sarif(check.stdout).results!.filter((r) => r.fixes)).toHaveLength(1);

    const write = await goprod('fix', '--codemod=wrap-errors', '--write', '--allow-dirty', '--format=sarif', '--no-type-facts');
    expect(write.code).toBe(0);
    const run = sarif(write.stdout);
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
    expect(run.results!.map((r) => r.properties!.fixStatus)).toEqual([['applied'], [expect.stringMatching(/^backed out/)]]);
    expect(readFileSync(join(dir, 'internal/store/store.go'), 'utf8')).toBe(STORE.replace('read %s: %v', 'read %s: %w'));
  });
});
