// Backing out the fixes the toolchain blames: those that wrote the lines it complains about
// (the type checker's compile errors all at once, then go vet's), else the one bisection finds,
// round after round until the packages have nothing new since the baseline.
import { dirname } from 'node:path';
import { usesCgo } from '../go/constraint.js';
import type { ToolMessage } from '../go/toolchain.js';
import type { Fix } from '../engine/edits.js';
import { LineIndex } from '../engine/position.js';
import { renderFiles, renderFixes } from '../engine/render.js';
import type { FileResult } from '../engine/model.js';
import { withBom } from '../engine/source.js';
import { newMessages, where, type TargetCheck } from './baseline.js';
import { dirsOf, overlayOf, type Checker, type IsolatedResult } from './checker.js';

/** Rounds of back-out before giving up on a target (each round removes at least one fix). */
const MAX_ROUNDS = 100;

/**
 * When go vet has something to say about fixed code (a type error stops it at a package's
 * first one), the type checker finds every fix that does not compile, all at once and without
 * compiling anything, so that vet's rounds (each compiling packages again) are not spent on
 * them: a close-errors fix on a Close that returns nothing is one
 * round of go vet each, one type check for all. Only a new compile error on a line a fix
 * wrote backs that fix out here, in a file without cgo (the type checker does not run cgo);
 * nothing else is decided, and go vet remains the proof.
 */
export async function backOutTypeErrors(
  checker: Checker,
  pending: readonly FileResult[],
  moduleFiles: readonly FileResult[],
): Promise<boolean> {
  // One pass: go vet, which comes next, finds what this one's back-outs might uncover.
  const active = pending.filter((f) => f.applied.length > 0 && !usesCgo(f.output));
  if (active.length === 0) return false;
  const fixed = await checker.check(dirsOf(active), overlayOf(moduleFiles));
  const errors = fixed.messages.filter((m) => m.compileError);
  const existing = new Set(dirsOf(moduleFiles.filter((f) => !f.created)));
  const doubted = dirsOf(active).filter((d) => existing.has(d) && errors.some((m) => dirname(m.path) === d));
  if (fixed.failures.length > 0 || doubted.length === 0) return false;
  const before = await checker.check(doubted, new Map());
  if (before.failures.length > 0) return false;
  const culprits = fixesOnTheirLines(newMessages(errors, before.messages), active);
  for (const [fix, { file, message }] of culprits) backOut(file, fix, message);
  await renderFiles([...new Set([...culprits.values()].map((c) => c.file))]);
  return culprits.size > 0;
}

/** The fixes that wrote the lines the messages are about, each with its message. */
function fixesOnTheirLines(
  messages: readonly ToolMessage[],
  active: readonly FileResult[],
): Map<Fix, { file: FileResult; message: ToolMessage }> {
  const culprits = new Map<Fix, { file: FileResult; message: ToolMessage }>();
  for (const message of messages) {
    const file = active.find((f) => f.path === message.path);
    for (const fix of file?.applied ?? []) if (file!.linesOf.get(fix)?.has(message.line)) culprits.set(fix, { file: file!, message });
  }
  return culprits;
}

/**
 * Rounds of backing out the fixes the toolchain blames (each round checks the packages that failed)
 * until none is new since the baseline.
 */
export async function backOutUntilClean(t: TargetCheck, first: IsolatedResult): Promise<void> {
  let result = first;
  let failing = t.dirs();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    t.unverify(result.failed, (dir) => `the Go toolchain cannot check the fixed code: ${result.failed.get(dir)}`);
    const active = t.moduleFiles.filter((f) => !f.unverified && f.applied.length > 0);
    // Also in packages compiled only as dependencies here: their fixes are in the overlay too.
    const fixedDirs = new Set([...t.live(), ...dirsOf(active)]);
    const newSinceBaseline = () => newMessages(result.messages, t.baseline.messages).filter((m) => fixedDirs.has(dirname(m.path)));
    // Before a fix is blamed, the package's baseline (if it was not taken yet).
    await t.takeBaseline(newSinceBaseline().map((m) => dirname(m.path)));
    const fresh = newSinceBaseline();
    if (fresh.length === 0) {
      // A package whose dependency failed to compile was not checked itself: once the failing
      // packages are clean, check them all once more.
      if (failing.length === t.live().size) return;
      failing = t.dirs();
      result = await t.check(failing);
      continue;
    }
    const culprits = await blamed(t, fresh, active);
    if (!culprits) {
      failing = t.dirs();
      result = await t.check(failing);
      continue;
    }
    for (const [fix, { file, message }] of culprits) backOut(file, fix, message);
    await renderFiles([...new Set([...culprits.values()].map((c) => c.file))]);
    failing = [...new Set([...fresh.map((m) => dirname(m.path)), ...dirsOf([...culprits.values()].map((c) => c.file))])].filter((d) =>
      t.live().has(d),
    );
    result = await t.check(failing);
  }
  for (const f of t.pending)
    if (f.applied.length > 0 && !f.unverified) f.unverified = `still failing after ${MAX_ROUNDS} rounds of backing out fixes`;
}

/**
 * The fixes to back out for new messages: those that wrote the lines the toolchain complains
 * about, else the one bisection finds for the first message; undefined when none explains it
 * (its package is then set aside).
 */
async function blamed(
  t: TargetCheck,
  fresh: readonly ToolMessage[],
  active: readonly FileResult[],
): Promise<Map<Fix, { file: FileResult; message: ToolMessage }> | undefined> {
  const culprits = fixesOnTheirLines(fresh, active);
  if (culprits.size > 0) return culprits;
  const message = fresh[0]!;
  const suspects = active.filter((f) => dirname(f.path) === dirname(message.path));
  const found = await bisect(t.checker, active, suspects.length > 0 ? suspects : active, message, t.baseline.messages);
  if (!found) {
    t.unverify(
      new Set([dirname(message.path)]),
      () => `the Go toolchain reports an error no fix explains: ${where(t.checker.target.context, message)}`,
    );
    return undefined;
  }
  return culprits.set(found.fix, { file: found.file, message });
}

/**
 * Halves the suspects' fixes until one is left whose presence brings the message back. A half
 * whose removal leaves the message stays removed: with two fixes that each bring it (two
 * close-errors fixes naming the same result), the other would otherwise keep it there and the
 * search would end on an innocent fix.
 */
async function bisect(
  checker: Checker,
  active: readonly FileResult[],
  suspects: readonly FileResult[],
  message: ToolMessage,
  baseline: readonly ToolMessage[],
): Promise<{ file: FileResult; fix: Fix } | undefined> {
  let candidates = suspects.flatMap((file) => file.applied.map((fix) => ({ file, fix })));
  const cleared = new Set<Fix>();
  while (candidates.length > 1) {
    const half = candidates.slice(0, Math.ceil(candidates.length / 2));
    const removed = new Set([...cleared, ...half.map((c) => c.fix)]);
    const overlay = new Map<string, string>();
    for (const f of active) {
      const kept = f.applied.filter((fix) => !removed.has(fix));
      const rendered = await renderFixes(f.source.text, kept);
      overlay.set(f.path, withBom(f.source, rendered.ok ? rendered.rendered.text : f.source.text));
    }
    const result = await checker.check([dirname(message.path)], overlay);
    const persists = newMessages(result.messages, baseline).some((m) => m.path === message.path && m.message === message.message);
    if (persists) for (const c of half) cleared.add(c.fix);
    candidates = persists ? candidates.slice(half.length) : half;
  }
  return candidates[0];
}

function backOut(file: FileResult, fix: Fix, { message, ...at }: ToolMessage): void {
  const finding = file.findings.find((f) => f.fixes.includes(fix))!;
  file.applied = file.applied.filter((f) => f !== fix);
  file.backedOut.push({
    fix,
    codemod: finding.codemod,
    line: new LineIndex(file.source.text).line(finding.start),
    reason: message,
    at: { path: at.path, line: at.line, column: at.column },
  });
}
