// Verification: prove the fixed text with the Go toolchain and back out exactly the fixes
// that break it. Errors that were there before goprod's fixes (the baseline) are not blamed
// on them; a package that cannot be checked at all is reported as unverified.
import { dirname, relative } from 'node:path';
import type { Fix } from './edits.js';
import { checkPackages, loadProblems, type ToolMessage } from './go/toolchain.js';
import { LineIndex } from './position.js';
import { renderFiles, renderFixes } from './render.js';
import type { FileResult } from './runner.js';
import { withBom } from './source.js';

export interface BackedOut {
  fix: Fix;
  codemod: string;
  /** 1-based line of the finding in the original file. */
  line: number;
  /** What the compiler or vet said. */
  reason: string;
  /** Where it said it. */
  at: { path: string; line: number; column: number };
}

const MISSING_MODULE = /module lookup disabled|missing go\.sum entry|no required module provides/;

/** Rounds of back-out before giving up on a module (each round removes at least one fix). */
const MAX_ROUNDS = 100;

export async function verifyFiles(files: readonly FileResult[]): Promise<void> {
  const byModule = new Map<string, FileResult[]>();
  for (const f of files) {
    if (f.applied.length === 0) continue;
    if (!f.module) f.unverified = 'no go.mod: cannot run the Go toolchain on it';
    else byModule.set(f.module.dir, [...(byModule.get(f.module.dir) ?? []), f]);
  }
  for (const [dir, moduleFiles] of byModule) await verifyModule(dir, moduleFiles);
}

async function verifyModule(dir: string, files: FileResult[]): Promise<void> {
  const pattern = (f: FileResult) => `./${relative(dir, dirname(f.path)) || '.'}`;
  const patternsOf = (fs: readonly FileResult[]) => [...new Set(fs.map(pattern))];

  const problems = await loadProblems(dir, patternsOf(files.filter((f) => !f.created)));
  for (const f of files) {
    const reason = problems.fatal ?? problems.byDir.get(dirname(f.path));
    if (reason) f.unverified = MISSING_MODULE.test(reason) ? `${reason} (goprod does not download modules: run \`go mod download\` in ${dir}, then goprod again)` : reason;
  }
  // A file a codemod creates serves the fixes in the others: it goes only where they all can.
  const blocked = files.find((f) => !f.created && f.unverified);
  for (const f of files) if (f.created && blocked) f.unverified = `made for fixes in files that cannot be verified, such as ${relative(dir, blocked.path)}`;
  const active = files.filter((f) => !f.unverified);
  if (active.length === 0) return;

  const overlay = () => new Map(active.filter((f) => f.applied.length > 0).map((f) => [f.path, withBom(f.source, f.output)]));
  let failing = patternsOf(active);
  // A package a codemod creates has no baseline.
  const existing = patternsOf(active.filter((f) => !f.created));
  const [baseline, first] = await Promise.all([checkPackages(dir, existing, new Map()), checkPackages(dir, failing, overlay())]);
  if (baseline.failures.length > 0) {
    for (const f of active) f.unverified = `the Go toolchain cannot check it: ${baseline.failures[0]}`;
    return;
  }
  let result = first;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (result.failures.length > 0) {
      for (const f of active) f.unverified = `the Go toolchain cannot check the fixed code: ${result.failures[0]}`;
      return;
    }
    const fresh = newMessages(result.messages, baseline.messages);
    if (fresh.length === 0) {
      // A package whose dependency failed to compile was not checked itself: once the failing
      // packages are clean, check them all once more.
      const all = patternsOf(active);
      if (failing.length === all.length) return;
      failing = all;
      result = await checkPackages(dir, failing, overlay());
      continue;
    }

    const culprits = new Map<Fix, { file: FileResult; message: ToolMessage }>();
    for (const message of fresh) {
      const file = active.find((f) => f.path === message.path);
      for (const fix of file?.applied ?? []) if (file!.linesOf.get(fix)?.has(message.line)) culprits.set(fix, { file: file!, message });
    }
    if (culprits.size === 0) {
      // No fix wrote the line the toolchain complains about: find the fix by bisection.
      const message = fresh[0]!;
      const suspects = active.filter((f) => dirname(f.path) === dirname(message.path) && f.applied.length > 0);
      const found = await bisect(dir, active, suspects.length > 0 ? suspects : active, message, baseline.messages);
      if (!found) {
        for (const f of active) f.unverified = `the Go toolchain reports an error no fix explains: ${relative(dir, message.path)}:${message.line}: ${message.message}`;
        return;
      }
      culprits.set(found.fix, { file: found.file, message });
    }
    for (const [fix, { file, message }] of culprits) backOut(file, fix, message);
    await renderFiles([...new Set([...culprits.values()].map((c) => c.file))]);
    failing = [...new Set(fresh.map((m) => `./${relative(dir, dirname(m.path)) || '.'}`).concat(patternsOf([...culprits.values()].map((c) => c.file))))];
    result = await checkPackages(dir, failing, overlay());
  }
  for (const f of active) if (f.applied.length > 0) f.unverified = `still failing after ${MAX_ROUNDS} rounds of backing out fixes`;
}

/** Messages that the baseline (the unfixed code) did not have, compared as (file, message) multisets. */
export function newMessages(after: readonly ToolMessage[], before: readonly ToolMessage[]): ToolMessage[] {
  const counts = new Map<string, number>();
  // Positions inside a message ("other declaration at x.go:12:3") move with the fixes.
  const key = (m: ToolMessage) => `${m.path}\0${m.message.replace(/\.go:\d+(:\d+)?/g, '.go')}`;
  for (const m of before) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  return after.filter((m) => {
    const n = counts.get(key(m)) ?? 0;
    counts.set(key(m), n - 1);
    return n <= 0;
  });
}

/** Halves the suspects' fixes until one is left whose presence brings the message back. */
async function bisect(dir: string, active: readonly FileResult[], suspects: readonly FileResult[], message: ToolMessage, baseline: readonly ToolMessage[]): Promise<{ file: FileResult; fix: Fix } | undefined> {
  let candidates = suspects.flatMap((file) => file.applied.map((fix) => ({ file, fix })));
  while (candidates.length > 1) {
    const half = candidates.slice(0, Math.ceil(candidates.length / 2));
    const overlay = new Map<string, string>();
    for (const f of active) {
      const kept = f.applied.filter((fix) => !half.some((c) => c.fix === fix));
      const rendered = await renderFixes(f.source.text, kept);
      overlay.set(f.path, withBom(f.source, rendered.ok ? rendered.rendered.text : f.source.text));
    }
    const result = await checkPackages(dir, [`./${relative(dir, dirname(message.path)) || '.'}`], overlay);
    const persists = newMessages(result.messages, baseline).some((m) => m.path === message.path && m.message === message.message);
    candidates = persists ? candidates.slice(half.length) : half;
  }
  return candidates[0];
}

function backOut(file: FileResult, fix: Fix, { message, ...at }: ToolMessage): void {
  const finding = file.findings.find((f) => f.fixes.includes(fix))!;
  file.applied = file.applied.filter((f) => f !== fix);
  file.backedOut.push({ fix, codemod: finding.codemod, line: new LineIndex(file.source.text).line(finding.start), reason: message, at });
}
