import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyEdits, composePasses, mergeFixes, type Fix } from '../src/engine/edits.js';

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

describe('composePasses', () => {
  test('a second-pass fix touching first-pass text joins it; the others stay apart', () => {
    const original = 'ab cd ef';
    const first = mergeFixes([fix('upper', [0, 2, 'AB']), fix('drop', [6, 8, ''])]);
    const middle = applyEdits(original, first.edits); // 'AB cd '
    const second = mergeFixes([fix('bang', [2, 2, '!']), fix('x', [3, 4, 'X'])]);
    const c = composePasses(original, first, second);
    expect(applyEdits(original, mergeFixes(c.applied).edits)).toBe(applyEdits(middle, second.edits));
    expect(c.applied.map((f) => f.message)).toEqual(['upper; bang', 'drop', 'x']);
    // A fix the second pass did not touch is the very same fix.
    expect(c.carrier.get(first.accepted[1]!)).toBe(first.accepted[1]);
    expect(c.carrier.get(first.accepted[0]!)).toBe(c.carrier.get(second.accepted[0]!));
    expect(c.toOriginal(1)).toBe(0);
    expect(c.toOriginal(4)).toBe(4);
  });

  test('in a CRLF file the composed fixes give the text of the second pass', () => {
    const original = 'a\r\nb\r\n';
    const first = mergeFixes([fix('insert', [3, 3, 'x\n'])]);
    const middle = applyEdits(original, first.edits);
    const second = mergeFixes([fix('y', [3, 4, 'y'])]);
    const c = composePasses(original, first, second);
    expect(applyEdits(original, mergeFixes(c.applied).edits)).toBe(applyEdits(middle, second.edits));
  });

  // The property every later stage relies on: the composed fixes, applied to the original,
  // give exactly the second pass's result, and they never conflict with each other.
  test('composed fixes applied to the original give the text after both passes', () => {
    const fixesOf = (text: string) =>
      fc
        .array(fc.tuple(fc.nat(text.length), fc.nat(4), fc.string({ unit: fc.constantFrom('X', 'Y', '\n'), maxLength: 4 })), { maxLength: 5 })
        .map((es) => mergeFixes(es.map(([start, length, t], i) => fix(`f${i}`, [start, Math.min(text.length, start + length), t]))));
    const passes = fc
      .string({ unit: fc.constantFrom('a', 'b', '\n', ' '), maxLength: 30 })
      .chain((original) => fixesOf(original).map((first) => ({ original, first, middle: applyEdits(original, first.edits) })))
      .chain((p) => fixesOf(p.middle).map((second) => ({ ...p, second })));
    fc.assert(
      fc.property(passes, ({ original, first, middle, second }) => {
        const c = composePasses(original, first, second);
        const merged = mergeFixes(c.applied);
        expect(merged.conflicting).toEqual([]);
        expect(applyEdits(original, merged.edits)).toBe(applyEdits(middle, second.edits));
        for (const f of [...first.accepted, ...second.accepted]) expect(c.applied).toContain(c.carrier.get(f));
      }),
      { numRuns: 2000 },
    );
  });
});
