// Reading back what goprod wrote: the words of a fix's status, the JSON document bulk reads, and
// the records --resume reads are checked, not trusted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../src/bulk/pool.js';
import { BULK_RECORDS } from '../src/bulk/model.js';
import { JsonShapeError, parseChecked } from '../src/checked-json.js';
import type { FixStatus } from '../src/engine/model.js';
import { fixDocument, statusOf, statusWords } from '../src/output/json.js';
import { UsageError } from '../src/errors.js';

describe('a fix status in words', () => {
  const backedOut = { fix: { message: 'm', edits: [] }, codemod: 'wrap-errors', line: 3, reason: 'undefined: x', at: { path: '/m/a.go', line: 3, column: 7 } };
  const statuses: FixStatus[] = [
    { kind: 'applied' },
    { kind: 'deferred' },
    { kind: 'backed-out', backedOut },
    { kind: 'unverified', reason: 'missing module' },
    { kind: 'not-written', reason: 'read-only' },
    { kind: 'not-applied', reason: 'gofmt: syntax error' },
    { kind: 'not-applied' },
  ];
  it('reads back as the kind it was written from, with its reason', () => {
    const read = statuses.map((s) => statusOf(statusWords(s, '/m')));
    expect(read.map((r) => r.kind)).toEqual(statuses.map((s) => s.kind));
    expect(read.map((r) => r.detail)).toEqual(['', '', 'undefined: x (at a.go:3:7)', 'missing module', 'read-only', 'gofmt: syntax error', 'not applied']);
  });
});

describe('the JSON document bulk reads', () => {
  const doc = { mode: 'write', verified: true, findings: [], warnings: [], typeFacts: null, summary: { files: 0, fixes: 0, backedOut: 0, unverified: 0, deferred: 0, notWritten: 0, scanned: 1 } };
  it('is accepted as goprod fix writes it', () => {
    expect(parseChecked(JSON.stringify(doc), fixDocument)).toEqual(doc);
  });
  it('is refused, saying where, when a finding is not what goprod writes', () => {
    const bad = { ...doc, findings: [{ codemod: 'loopvar', line: 1, column: 1, endLine: 1, endColumn: 2, message: 'm', fixes: [] }] };
    expect(() => parseChecked(JSON.stringify(bad), fixDocument)).toThrow(new JsonShapeError('findings[0].file: expected a string, found undefined'));
  });
});

describe('records read back by --resume', () => {
  it('are refused, naming the file, when one is not a record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goprod-records-'));
    try {
      mkdirSync(join(dir, 'repos'));
      writeFileSync(join(dir, 'repos', 'svc.json'), JSON.stringify({ id: '/src/svc', name: 'svc', status: 'changed', notes: [], fixes: { loopvar: { applied: '3' } } }));
      expect(() => readRecords(join(dir, 'repos'), BULK_RECORDS)).toThrow(UsageError);
      expect(() => readRecords(join(dir, 'repos'), BULK_RECORDS)).toThrow(/svc\.json is not a goprod result \(fixes\.loopvar\.applied: expected a number, found string\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
