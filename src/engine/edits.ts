// The data model, after go/analysis: a codemod reports diagnostics; a diagnostic carries
// fixes; a fix is a message plus text edits that apply together or not at all.
// All offsets are JavaScript string indices into the file's text (BOM removed);
// byte offsets exist only at the edges (see position.ts).

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  message: string;
  edits: Edit[];
}

export interface Diagnostic {
  start: number;
  end: number;
  message: string;
  /** What kind of finding it is, as go/analysis's Category: a short name that `goprod check` counts by (its message is for people). */
  category?: string;
  /**
   * For a finding goprod cannot fix: why, in words shared by every finding it holds for (its message
   * without places and names), so they are reported as one group.
   */
  reason?: string;
  fixes: Fix[];
}

export interface MergeResult {
  /** Non-conflicting edits, sorted, identical ones coalesced. */
  edits: Edit[];
  accepted: Fix[];
  /** Fixes dropped because an edit overlapped one of an earlier accepted fix. */
  conflicting: Fix[];
}

/**
 * Merges independent fixes to the same original text, like commits with the same parent:
 * identical edits coalesce, touching edits are fine, and a fix with any other overlap is
 * dropped whole (a later run, on the new text, can apply it).
 */
export function mergeFixes(fixes: readonly Fix[]): MergeResult {
  const edits: Edit[] = [];
  const accepted: Fix[] = [];
  const conflicting: Fix[] = [];
  for (const fix of fixes) {
    const own = dedupe(fix.edits);
    if (own.some((e, i) => own.some((o, j) => i !== j && conflicts(e, o))) || own.some((e) => edits.some((o) => conflicts(e, o)))) {
      conflicting.push(fix);
      continue;
    }
    for (const e of own) if (!edits.some((o) => sameEdit(e, o))) edits.push(e);
    accepted.push(fix);
  }
  return { edits: sortEdits(edits), accepted, conflicting };
}

function sameEdit(a: Edit, b: Edit): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text;
}

function conflicts(a: Edit, b: Edit): boolean {
  if (sameEdit(a, b)) return false;
  // Two different insertions at one point: their order would be a guess.
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

function dedupe(edits: readonly Edit[]): Edit[] {
  return edits.filter((e, i) => edits.findIndex((o) => sameEdit(e, o)) === i);
}

/** Sorted by position; an insertion comes before a replacement starting at the same point. */
function sortEdits(edits: Edit[]): Edit[] {
  return edits.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Applies merged (non-overlapping) edits. In a file with CRLF line endings, the line breaks
 * that edits insert become CRLF too, so a fix never mixes line endings.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = '';
  let at = 0;
  for (const e of insertedAs(text, edits)) {
    if (e.start < at || e.end < e.start || e.end > text.length) throw new Error(`edit ${e.start}-${e.end} overlaps or is out of range`);
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The edits sorted, with the text applyEdits inserts for each (CRLF line breaks in a CRLF file). */
export function insertedAs(text: string, edits: readonly Edit[]): Edit[] {
  const crlf = /\r\n/.test(text);
  return sortEdits([...edits]).map((e) => (crlf ? { ...e, text: e.text.replace(/\r?\n/g, '\r\n') } : e));
}

/** Fixes of two passes, as fixes of the original text (see composePasses). */
export interface Composition {
  /** Every applied fix of both passes, as a fix of the original text. */
  applied: Fix[];
  /** For each applied fix of either pass, the fix of the original text that carries it. */
  carrier: Map<Fix, Fix>;
  /** A position in the text between the passes, in the original (inside text the first pass wrote: that edit's start). */
  toOriginal(position: number): number;
}

/**
 * Turns a second pass's fixes (merged, made on the text the first pass's fixes produced)
 * into fixes of the original text, so that every later stage (formatting, back-out,
 * reporting) sees one text and one set of fixes. A second-pass edit that overlaps or
 * touches text the first pass wrote cannot stand alone: the edits so connected become one
 * edit of the original text, and the fixes they belong to one fix (they stand or fall
 * together). Every other fix keeps its edits, moved to the original's positions.
 */
export function composePasses(original: string, first: MergeResult, second: MergeResult): Composition {
  const between = textBetween(original, first.edits);
  const standIns = joinConnected(between, first.edits, second.edits);
  return { ...groupFixes(first, second, standIns), toOriginal: between.toOriginal };
}

/** The text between two passes: the first's edits as inserted, where each now stands, and how a position maps back. */
interface TextBetween {
  text: string;
  written: Edit[];
  spans: Array<{ start: number; end: number; shift: number }>;
  toOriginal(position: number): number;
}

function textBetween(original: string, edits: readonly Edit[]): TextBetween {
  const written = insertedAs(original, edits);
  const spans: TextBetween['spans'] = [];
  let shift = 0;
  for (const e of written) {
    const start = e.start + shift;
    shift += e.text.length - (e.end - e.start);
    spans.push({ start, end: start + e.text.length, shift });
  }
  const toOriginal = (p: number): number => {
    let i = spans.length - 1;
    while (i >= 0 && spans[i]!.start > p) i--;
    if (i < 0) return p;
    return p < spans[i]!.end ? written[i]!.start : p - spans[i]!.shift;
  };
  return { text: applyEdits(original, edits), written, spans, toOriginal };
}

/** Sets of 0…n-1 joined together (union-find). */
function disjointSets(n: number): { find(i: number): number; join(i: number, j: number): void } {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  return { find, join: (i, j) => void (parent[find(i)] = find(j)) };
}

/** The original-text edit standing for each (merged) edit of either pass, and those that join edits of both. */
interface StandIns {
  forFirst: Edit[];
  forSecond: Edit[];
  joined: Set<Edit>;
}

/** Connected pieces (first- and second-pass edits that overlap or touch) become one edit of the original each. */
function joinConnected(
  { text: middle, written, spans, toOriginal }: TextBetween,
  firstEdits: readonly Edit[],
  secondEdits: readonly Edit[],
): StandIns {
  // First-pass edits are 0…n-1, second-pass edits n….
  const later = insertedAs(middle, secondEdits);
  const n = written.length;
  const sets = disjointSets(n + later.length);
  later.forEach((f, j) => spans.forEach((s, i) => void (f.start <= s.end && s.start <= f.end && sets.join(n + j, i))));
  const pieces = new Map<number, { first: number[]; second: number[] }>();
  for (let i = 0; i < n + later.length; i++) {
    const piece = pieces.get(sets.find(i)) ?? { first: [], second: [] };
    pieces.set(sets.find(i), piece);
    (i < n ? piece.first : piece.second).push(i < n ? i : i - n);
  }
  const standIns: StandIns = {
    forFirst: [...firstEdits],
    forSecond: later.map((f) => ({ start: toOriginal(f.start), end: toOriginal(f.end), text: f.text })),
    joined: new Set(),
  };
  for (const { first: firsts, second: seconds } of pieces.values()) {
    if (firsts.length === 0 || seconds.length === 0) continue;
    const from = Math.min(...firsts.map((i) => spans[i]!.start), ...seconds.map((j) => later[j]!.start));
    const to = Math.max(...firsts.map((i) => spans[i]!.end), ...seconds.map((j) => later[j]!.end));
    const inner = seconds.map((j) => ({ ...later[j]!, start: later[j]!.start - from, end: later[j]!.end - from }));
    const joined: Edit = {
      start: Math.min(...firsts.map((i) => written[i]!.start), ...seconds.map((j) => standIns.forSecond[j]!.start)),
      end: Math.max(...firsts.map((i) => written[i]!.end), ...seconds.map((j) => standIns.forSecond[j]!.end)),
      text: applyEdits(middle.slice(from, to), inner),
    };
    standIns.joined.add(joined);
    for (const i of firsts) standIns.forFirst[i] = joined;
    for (const j of seconds) standIns.forSecond[j] = joined;
  }
  return standIns;
}

/** Fixes sharing a joined edit become one fix (sharing any other edit is coalescing, as in mergeFixes); the others keep theirs, moved. */
function groupFixes(
  first: MergeResult,
  second: MergeResult,
  { forFirst, forSecond, joined }: StandIns,
): Pick<Composition, 'applied' | 'carrier'> {
  const fixes = [...first.accepted, ...second.accepted];
  const editsOf = (fix: Fix, pass: number) => {
    const [merged, standIns] = pass === 0 ? [first.edits, forFirst] : [second.edits, forSecond];
    return dedupe(fix.edits.map((e) => standIns[merged.findIndex((m) => sameEdit(m, e))]!));
  };
  const moved = fixes.map((fix, k) => editsOf(fix, k < first.accepted.length ? 0 : 1));
  const sets = disjointSets(fixes.length);
  const owner = new Map<Edit, number>();
  moved.forEach((edits, k) => {
    for (const e of edits) {
      if (!joined.has(e)) continue;
      const other = owner.get(e);
      if (other === undefined) owner.set(e, k);
      else sets.join(k, other);
    }
  });
  const carrier = new Map<Fix, Fix>();
  const applied: Fix[] = [];
  const byGroup = new Map<number, number[]>();
  fixes.forEach((_, k) => byGroup.set(sets.find(k), [...(byGroup.get(sets.find(k)) ?? []), k]));
  for (const members of byGroup.values()) {
    const only = members.length === 1 ? fixes[members[0]!]! : undefined;
    const edits = dedupe(members.flatMap((k) => moved[k]!));
    const unmoved = only && edits.length === only.edits.length && only.edits.every((e, i) => sameEdit(e, edits[i]!));
    const fix = unmoved ? only : { message: members.map((k) => fixes[k]!.message).join('; '), edits };
    applied.push(fix);
    for (const k of members) carrier.set(fixes[k]!, fix);
  }
  return { applied, carrier };
}
