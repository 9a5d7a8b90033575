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
