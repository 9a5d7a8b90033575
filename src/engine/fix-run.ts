// One fix run, the pipeline `goprod fix` goes through (and, in a child process, every
// repository of `goprod bulk`): analyse (run.ts: discover, scan, merge, render) → review (-i:
// the user picks; before verification, so what is accepted is what gets proven) → verify
// (proof/) → write. What it prints about the fixes is the outputs' (src/output/).
import type { Codemod } from './codemod.js';
import { uncommittedFiles } from './git.js';
import { interruption, writing } from './interrupt.js';
import { fixedContent, willChange, type FileResult, type Mode, type RunResult } from './model.js';
import { renderFiles } from './render.js';
import { runCodemods, type RunOptions } from './run.js';
import { NotWritable, writeSourceAtomic } from './source.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { displayPath } from '../output/text.js';
import { HelperProcesses } from '../go/helper-process.js';
import { verifyFiles } from '../proof/verify.js';

export interface FixRunOptions extends Omit<RunOptions, 'verify'> {
  mode: Mode;
  /** Prove the fixes with the Go toolchain (back out what it rejects); false: --no-verify. */
  verify: boolean;
  /** Let --write (and -i) change files with uncommitted changes. */
  allowDirty: boolean;
  /** -i: shown the files with fixes, it undoes those the user declines; false when the user ended the review (nothing is written). */
  review?: (candidates: FileResult[]) => Promise<boolean>;
  /** Told when a stage that reports progress is over (to clear a progress line). */
  onProgressEnd?: () => void;
  /** A line for the user, unless they asked for quiet. */
  note: (line: string) => void;
}

export interface FixRun {
  result: RunResult;
  /** The files --write changes (or changed, or would change). */
  changed: FileResult[];
}

/** Runs the pipeline; undefined when the user ended the review (nothing was written). */
export async function runFix(
  paths: readonly string[],
  codemods: readonly Codemod[],
  options: FixRunOptions,
  io: Io,
): Promise<FixRun | undefined> {
  const { mode, review, onProgressEnd, note, allowDirty, ...run } = options;
  const helpers = new HelperProcesses(run.cache?.dir);
  let result: RunResult;
  try {
    result = await runCodemods(paths, codemods, {
      ...run,
      verify: options.verify && !review,
      typeFacts: options.typeFacts ?? options.verify,
      helpers,
    });
    onProgressEnd?.();
    if (review) {
      if (!(await reviewed(result, review, allowDirty, io))) return undefined;
      if (options.verify)
        result.verification = await verifyFiles(result.files, {
          download: run.download ?? false,
          vetEveryConfig: run.vetEveryConfig ?? false,
          onProgress: run.onProgress,
          helpers,
        });
      onProgressEnd?.();
    }
  } finally {
    helpers.close();
  }
  const changed = result.files.filter((f) => willChange(f, options.verify));
  if (mode === 'write') await writeChanged(changed, allowDirty, io, note);
  return { result, changed };
}

/** The review: only the fixes the user accepts stay applied, formatted anew. False when the user ended it. */
async function reviewed(
  result: RunResult,
  review: (candidates: FileResult[]) => Promise<boolean>,
  allowDirty: boolean,
  io: Io,
): Promise<boolean> {
  const candidates = result.files.filter((f) => willChange(f, false));
  refuseDirty(await uncommittedFiles(candidates.map((f) => f.path)), allowDirty, io.cwd);
  if (!(await review(candidates))) return false;
  await renderFiles(candidates.filter((f) => f.applied.length > 0));
  for (const f of candidates) if (f.applied.length === 0) f.output = f.source.text;
  return true;
}

async function writeChanged(changed: readonly FileResult[], allowDirty: boolean, io: Io, note: (line: string) => void): Promise<void> {
  const git = await uncommittedFiles(changed.map((f) => f.path));
  refuseDirty(git, allowDirty, io.cwd);
  const outside = git.outsideGit.length;
  if (outside > 0)
    note(
      `goprod: warning: ${outside} ${outside === 1 ? 'file is' : 'files are'} not in a git work tree: there is no easy way back from ` +
        `--write`,
    );
  await writing(() => writeFiles(changed, io));
  const stopped = interruption();
  if (stopped) {
    const written = changed.filter((f) => !f.notWritten).length;
    const files = `${changed.length} ${changed.length === 1 ? 'file' : 'files'}`;
    io.stderr(
      `goprod: interrupted by ${stopped} after writing ${written} of ${files}; nothing is half-written: run goprod again to finish the ` +
        `rest\n`,
    );
  }
}

/** --write (and -i) refuse to mix fixes with uncommitted changes unless --allow-dirty. */
function refuseDirty(git: { dirty: string[] }, allowDirty: boolean, cwd: string): void {
  if (git.dirty.length === 0 || allowDirty) return;
  const names = git.dirty.map((p) => `  ${displayPath(p, cwd)}`).join('\n');
  throw new UsageError(
    `these files have uncommitted changes that goprod's fixes would mix with:\n${names}\ncommit or stash them first, or run again with ` +
      `--allow-dirty`,
  );
}

/**
 * Writes the fixed files one at a time. A file that cannot be written is reported and the
 * others are still written; an interrupt stops the run between two files.
 */
async function writeFiles(files: readonly FileResult[], io: Io): Promise<void> {
  for (const f of files) {
    const signal = interruption();
    if (signal) {
      f.notWritten = `interrupted by ${signal} before it was written`;
      continue;
    }
    try {
      const { hardLinks } = writeSourceAtomic(f.path, fixedContent(f));
      if (hardLinks > 1)
        io.stderr(`goprod: ${displayPath(f.path, io.cwd)}: has ${hardLinks} hard links; rewritten in place, so every link sees the fix\n`);
    } catch (e) {
      f.notWritten = e instanceof NotWritable ? e.message : `cannot write it (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
      io.stderr(`goprod: ${displayPath(f.path, io.cwd)}: ${f.notWritten}\n`);
    }
    // A signal handler runs only between two turns of the event loop.
    await new Promise((next) => setImmediate(next));
  }
}
