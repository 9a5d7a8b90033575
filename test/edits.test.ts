import { describe, expect, test } from 'vitest';
import { applyEdits, mergeFixes, type Fix } from '../src/edits.js';

const fix = (message: string, ...edits: Array<[number, number, string]>): Fix => ({ message, edits: edits.map(([start, end, text]) => ({ start, end, text })) });

describe('mergeFixes', () => {
  test('identical edits coalesce and touching edits are fine', () => {
    const a = fix('a', [0, 1, 'X'], [4, 5, 'Y']);
    const b = fix('b', [4, 5, 'Y'], [5, 6, 'Z']);
    const m = mergeFixes([a, b]);
    expect(m.accepted).toEqual([a, b]);
    expect(m.conflicting).toEqual([]);
    expect(applyEdits('abcdefg', m.edits)).toBe('XbcdYZg');
  });

  test('an overlapping fix is dropped whole, with all its edits', () => {
    const a = fix('a', [2, 5, 'X']);
    const b = fix('b', [0, 1, 'Q'], [4, 6, 'Y']);
    const m = mergeFixes([a, b]);
    expect(m.accepted).toEqual([a]);
    expect(m.conflicting).toEqual([b]);
    expect(applyEdits('abcdefg', m.edits)).toBe('abXfg');
  });

  test('different insertions at one point conflict; an insertion before a replacement does not', () => {
    expect(mergeFixes([fix('a', [3, 3, 'X']), fix('b', [3, 3, 'Y'])]).conflicting).toHaveLength(1);
    const m = mergeFixes([fix('a', [3, 5, 'R']), fix('b', [3, 3, 'I'])]);
    expect(m.conflicting).toEqual([]);
    expect(applyEdits('abcdefg', m.edits)).toBe('abcIRfg');
  });

  test('a fix whose own edits overlap is refused', () => {
    expect(mergeFixes([fix('a', [0, 3, 'X'], [2, 4, 'Y'])]).conflicting).toHaveLength(1);
  });
});

describe('applyEdits', () => {
  test('line breaks inserted into a CRLF file become CRLF', () => {
    expect(applyEdits('a\r\nb\r\n', [{ start: 3, end: 3, text: 'x\ny\n' }])).toBe('a\r\nx\r\ny\r\nb\r\n');
  });

  test('refuses overlapping edits', () => {
    expect(() => applyEdits('abc', [{ start: 0, end: 2, text: '' }, { start: 1, end: 3, text: '' }])).toThrow(/overlaps/);
  });
});
