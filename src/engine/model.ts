// The whole run's data: what each stage adds to (discover → read → parse → codemods → merge →
// format → verify → write → report), and what becomes of each fix (FixStatus). The stages
// share these types through this module rather than through each other.
import type { Finding } from './analyze.js';
import type { Fix } from './edits.js';
import type { GoModule } from '../go/module.js';
import type { GoVersion } from '../go/version.js';
import { withBom, type SourceText } from './source.js';

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

/** What verification did, for the summary. */
export interface Verification {
  /** The build configurations packages were checked under, as the summary names them. */
  configs: string[];
  /** How each of them was checked, and how long that took (listing, checks, back-out rounds). */
  checks: ConfigCheck[];
  /** Why goprod's type checker could not be built, so that go vet checked every configuration. */
  typeCheckerProblem?: string;
}

/** `go vet` (the host's configuration), or goprod's type checker (go/types from source, vet's printf and errorsas checks). */
export interface ConfigCheck {
  config: string;
  tool: 'go vet' | 'type-check';
  seconds: number;
  /** Go commands and type checker runs it took. */
  commands: number;
}

export interface FileResult {
  /** Absolute path. */
  path: string;
  module: GoModule | undefined;
  goVersion: GoVersion;
  source: SourceText;
  findings: Finding[];
  applied: Fix[];
  deferred: Fix[];
  /** The new text (without BOM), gofmt-formatted; equal to source.text when nothing applies. */
  output: string;
  /** 1-based lines of `output` that each applied fix wrote. */
  linesOf: Map<Fix, Set<number>>;
  /** Fixes the Go toolchain rejected, with its reasons. */
  backedOut: BackedOut[];
  /** Why the fixes could not be verified; such a file is not written (unless verification is off). */
  unverified?: string;
  /** gofmt's complaint about the fixed text; the file's fixes are then dropped. */
  formatError?: string;
  /** A file a codemod creates: it does not exist yet. */
  created?: boolean;
  /** Why --write could not write the file (read-only, interrupted…). */
  notWritten?: string;
}

export interface Warning {
  path: string;
  message: string;
  /** A line and byte column, when the warning is about a place. */
  line?: number;
  column?: number;
}

export interface RunResult {
  /** Files with at least one finding. */
  files: FileResult[];
  warnings: Warning[];
  scanned: number;
  /** What verification did; absent when it was off. */
  verification?: Verification;
  /** What the type checker told codemods; absent when it was not asked (codemods decided from syntax alone). */
  types?: RunTypeFacts;
}

/** Type facts of a run (see type-facts.ts). */
export interface RunTypeFacts {
  /** The configurations packages were type-checked under, and how long each took (they overlap: see `seconds`). */
  checks: Array<{ config: string; seconds: number }>;
  /** How long the facts took in all, before the scan: the host's configuration, then the others side by side. */
  seconds: number;
  /** Files codemods looked at without facts (decided from syntax alone), and why, in the run's order. */
  untyped: Array<{ path: string; reason: string }>;
}

/** How far a run is: told to RunOptions.onProgress as it goes (for a progress line). */
export type Progress =
  { stage: 'types' } | { stage: 'scan'; files: number; of: number; fixes: number } | { stage: 'verify'; packages: number; of: number };

/**
 * Whether --write changes (or changed) the file: it has fixes left, they were proven (or proof was not
 * asked for), and it could be written.
 */
export function willChange(file: FileResult, verified: boolean): boolean {
  return file.applied.length > 0 && !(verified && file.unverified) && !file.notWritten;
}

/**
 * What became of a fix, as data: the outputs put it in words (json.ts, sarif.ts). `applied`:
 * written (or, without --write, would be). The others say why not.
 */
export type FixStatus =
  | { kind: 'applied' }
  /** The Go toolchain rejected it. */
  | { kind: 'backed-out'; backedOut: BackedOut }
  /** It overlaps a fix applied in this run: a later run applies it. */
  | { kind: 'deferred' }
  /** Its package could not be checked (reason), so it is not written. */
  | { kind: 'unverified'; reason: string }
  /** --write could not write its file (reason). */
  | { kind: 'not-written'; reason: string }
  /** It was dropped before verification: gofmt rejected the fixed file (reason), or none is known. */
  | { kind: 'not-applied'; reason?: string };

export function fixStatus(file: FileResult, fix: Fix, verified: boolean): FixStatus {
  const backedOut = file.backedOut.find((b) => b.fix === fix);
  if (backedOut) return { kind: 'backed-out', backedOut };
  if (file.deferred.includes(fix)) return { kind: 'deferred' };
  if (!file.applied.includes(fix)) return { kind: 'not-applied', reason: file.formatError };
  if (verified && file.unverified) return { kind: 'unverified', reason: file.unverified };
  return file.notWritten ? { kind: 'not-written', reason: file.notWritten } : { kind: 'applied' };
}

/** What a run does with its fixes: show them (dry run), write them, or list the files they would change. */
export type Mode = 'dry-run' | 'write' | 'check';

/** A run's fixes by what became of them, for the summary and the JSON document. */
export interface Counts {
  /** Files --write changes, and the fixes in them. */
  files: number;
  fixes: number;
  backedOut: number;
  unverified: number;
  deferred: number;
  /** Fixes in files --write could not write. */
  notWritten: number;
}

export function counts(result: RunResult, verified: boolean): Counts {
  const changed = result.files.filter((f) => willChange(f, verified));
  const sum = (fs: readonly FileResult[], n: (f: FileResult) => number) => fs.reduce((total, f) => total + n(f), 0);
  return {
    files: changed.length,
    fixes: sum(changed, (f) => f.applied.length),
    backedOut: sum(result.files, (f) => f.backedOut.length),
    unverified: sum(result.files, (f) => (verified && f.unverified ? f.applied.length : 0)),
    deferred: sum(result.files, (f) => f.deferred.length),
    notWritten: sum(result.files, (f) => (f.notWritten ? f.applied.length : 0)),
  };
}

export function originalContent(file: FileResult): string {
  return withBom(file.source, file.source.text);
}

export function fixedContent(file: FileResult): string {
  return withBom(file.source, file.output);
}
