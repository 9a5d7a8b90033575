// Turning a file's chosen fixes into its new text: apply the edits, then gofmt (see format.ts).
// Also records which lines each fix wrote, so toolchain errors can be traced to fixes.
import type { ResultCache } from './cache.js';
import { applyEdits, mergeFixes, type Edit, type Fix } from './edits.js';
import { editedLines, formatFixed, type FormatFailure } from './format.js';
import { dirname, relative } from 'node:path';
import type { FileResult } from './model.js';

export interface Rendered {
  text: string;
  /** 1-based lines of `text` that each fix wrote. */
  linesOf: Map<Fix, Set<number>>;
}

export type RenderResult = { ok: true; rendered: Rendered } | FormatFailure;

/** Renders several files' fixes at once (one gofmt run for all). */
export async function renderAll(
  files: ReadonlyArray<{ original: string; fixes: readonly Fix[] }>,
  cache?: ResultCache,
): Promise<RenderResult[]> {
  const prepared = files.map(({ original, fixes }) => {
    const { edits } = mergeFixes(fixes);
    return { original, fixes, edits, fixed: applyEdits(original, edits) };
  });
  const formatted = await formatFixed(prepared, cache);
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

/**
 * Recomputes the files' outputs from their applied fixes. A file gofmt rejects loses its
 * fixes, and so do the files of one change with it (see changeGroups); fixes that change
 * nothing once formatted (a regenerated file equal to the one on disk) are no fixes at all.
 */
export async function renderFiles(files: readonly FileResult[], cache?: ResultCache): Promise<void> {
  for (const batch of batches(files)) {
    const results = await renderAll(batch.map((f) => ({ original: f.source.text, fixes: f.applied })), cache);
    batch.forEach((file, i) => setOutput(file, results[i]!));
  }
  for (const group of changeGroups(files)) {
    const broken = group.find((f) => f.formatError);
    if (!broken) continue;
    for (const f of group) {
      if (f.formatError || f.applied.length === 0) continue;
      f.formatError = `not changed: part of one change with ${relative(dirname(f.path), broken.path)}, which was not changed`;
      f.applied = [];
      f.output = f.source.text;
    }
  }
}

/**
 * Files rendered together hold up to this much text: each has three texts besides its own while it is
 * formatted (the fixed text, and gofmt's outputs for it and for the original), so rendering every fixed file
 * of a large tree at once held hundreds of MB; one gofmt run per batch costs a few milliseconds.
 */
const BATCH_CHARS = 8 << 20;

/** The files in consecutive batches of at most BATCH_CHARS of original text (a larger file is a batch of its own). */
function batches(files: readonly FileResult[]): FileResult[][] {
  const all: FileResult[][] = [];
  let chars = Infinity;
  for (const file of files) {
    if (chars + file.source.text.length > BATCH_CHARS) {
      all.push([]);
      chars = 0;
    }
    all.at(-1)!.push(file);
    chars += file.source.text.length;
  }
  return all;
}

/** The file's output as rendered (see renderFiles). */
function setOutput(file: FileResult, r: RenderResult): void {
  if (!r.ok) {
    file.formatError = r.original
      ? `not changed: ${r.error}`
      : `gofmt rejects the fixed file, fixes not applied (please report it): ${r.error}`;
    file.applied = [];
    file.output = file.source.text;
  } else if (r.rendered.text === file.source.text && !file.created) {
    const noop = new Set(file.applied);
    file.findings = file.findings.filter((d) => d.fixes.length === 0 || !d.fixes.every((x) => noop.has(x)));
    file.applied = [];
    file.output = file.source.text;
  } else {
    file.output = r.rendered.text;
    file.linesOf = r.rendered.linesOf;
  }
}

/**
 * Files whose fixes stand or fall together: a file a codemod creates (env-config's config
 * package) and the files of that codemod that use it.
 */
export function changeGroups(files: readonly FileResult[]): FileResult[][] {
  return files
    .filter((f) => f.created)
    .map((created) => {
      const codemods = new Set(created.findings.map((d) => d.codemod));
      return files.filter((f) => f.findings.some((d) => codemods.has(d.codemod)));
    });
}
