// Turning a file's chosen fixes into its new text: apply the edits, then gofmt (see format.ts).
// Also records which lines each fix wrote, so toolchain errors can be traced to fixes.
import { applyEdits, mergeFixes, type Edit, type Fix } from './edits.js';
import { editedLines, formatFixed } from './format.js';
import type { FileResult } from './runner.js';

export interface Rendered {
  text: string;
  /** 1-based lines of `text` that each fix wrote. */
  linesOf: Map<Fix, Set<number>>;
}

export type RenderResult = { ok: true; rendered: Rendered } | { ok: false; error: string };

/** Renders several files' fixes at once (one gofmt run for all). */
export async function renderAll(files: ReadonlyArray<{ original: string; fixes: readonly Fix[] }>): Promise<RenderResult[]> {
  const prepared = files.map(({ original, fixes }) => {
    const { edits } = mergeFixes(fixes);
    return { original, fixes, edits, fixed: applyEdits(original, edits) };
  });
  const formatted = await formatFixed(prepared);
  return prepared.map(({ original, fixes, edits }, i): RenderResult => {
    const f = formatted[i]!;
    return f.ok ? { ok: true, rendered: { text: f.text, linesOf: linesOfFixes(original, fixes, edits) } } : f;
  });
}

export async function renderFixes(original: string, fixes: readonly Fix[]): Promise<RenderResult> {
  return (await renderAll([{ original, fixes }]))[0]!;
}

/** The lines each fix wrote, from the lines its (merged) edits wrote. */
function linesOfFixes(original: string, fixes: readonly Fix[], edits: readonly Edit[]): Map<Fix, Set<number>> {
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
  return linesOf;
}

/** Recomputes the files' outputs from their applied fixes; a file gofmt rejects loses its fixes. */
export async function renderFiles(files: readonly FileResult[]): Promise<void> {
  const results = await renderAll(files.map((f) => ({ original: f.source.text, fixes: f.applied })));
  files.forEach((file, i) => {
    const r = results[i]!;
    if (r.ok) {
      file.output = r.rendered.text;
      file.linesOf = r.rendered.linesOf;
    } else {
      file.formatError = r.error;
      file.applied = [];
      file.output = file.source.text;
    }
  });
}
