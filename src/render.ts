// Turning a file's chosen fixes into its new text: apply the edits, then gofmt (see format.ts).
// Also records which lines each fix wrote, so toolchain errors can be traced to fixes.
import { applyEdits, mergeFixes, type Fix } from './edits.js';
import { editedLines, formatFixed } from './format.js';

export interface Rendered {
  text: string;
  /** 1-based lines of `text` that each fix wrote. */
  linesOf: Map<Fix, Set<number>>;
}

export async function renderFixes(original: string, fixes: readonly Fix[]): Promise<{ ok: true; rendered: Rendered } | { ok: false; error: string }> {
  const { edits } = mergeFixes(fixes);
  const fixed = applyEdits(original, edits);
  const formatted = await formatFixed(original, fixed, edits);
  if (!formatted.ok) return formatted;
  const lines = editedLines(original, edits);
  const linesOf = new Map<Fix, Set<number>>();
  for (const fix of fixes) {
    const own = new Set<number>();
    for (const e of fix.edits) {
      const i = edits.findIndex((m) => m.start === e.start && m.end === e.end && m.text === e.text);
      for (const l of lines[i] ?? []) own.add(l);
    }
    linesOf.set(fix, own);
  }
  return { ok: true, rendered: { text: formatted.text, linesOf } };
}
