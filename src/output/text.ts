// What goprod prints as text: unified diffs, warnings, notes and the closing summary (the
// JSON document is json.ts). Paths are shown relative to the working directory.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff/lib/patch/create.js';
import { cacheKey, type ResultCache } from '../engine/cache.js';
import { LineIndex } from '../engine/position.js';
import {
  counts,
  fixedContent,
  originalContent,
  type BackedOut,
  type ConfigCheck,
  type FileResult,
  type Mode,
  type RunResult,
  type Warning,
} from '../engine/model.js';

/** A path as the user should see it: relative to the working directory, with forward slashes. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path) || '.';
  return rel.split(sep).join('/');
}

export function isUnder(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The directory a diff's paths are relative to: the working directory when every file is
 * under it, else the git work tree (or the deepest directory) holding them all, so that no
 * path climbs out with `..` (git apply rejects such paths).
 */
export function diffBase(paths: readonly string[], cwd: string): string {
  if (paths.every((p) => isUnder(p, cwd))) return cwd;
  let common = dirname(paths[0]!);
  while (!paths.every((p) => isUnder(p, common))) common = dirname(common);
  for (let d = common; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return common;
  }
}

/**
 * A unified diff `git apply` accepts when run from `base` (see diffBase). With a cache, its hunks
 * are kept by the two texts, so that a rerun prints the same diff without making it again.
 */
export function unifiedDiff(file: FileResult, base: string, cache?: ResultCache): string {
  const name = displayPath(file.path, base);
  const headers = `--- ${file.created ? '/dev/null' : `a/${name}`}\n+++ b/${name}\n`;
  const patch = headers + hunksOf(originalContent(file), fixedContent(file), cache);
  // git apply needs to be told that a file is new.
  return file.created ? `diff --git a/${name} b/${name}\nnew file mode 100644\n${patch}` : patch;
}

/** Bumped when what a kept diff holds changes. */
const HUNKS_ENTRY = 'goprod-hunks-1';

/** jsdiff's hunks from `before` to `after` (see diffHunks), kept by the texts and jsdiff's version. */
function hunksOf(before: string, after: string, cache: ResultCache | undefined): string {
  const key = cache && hunksKey(before, after);
  const kept = key && cache.get(key);
  if (kept) return kept.toString('utf8');
  const hunks = diffHunks(before, after).join('');
  if (key) cache.put(key, Buffer.from(hunks, 'utf8'));
  return hunks;
}

export function hunksKey(before: string, after: string): string {
  return cacheKey(HUNKS_ENTRY, jsdiffVersion(), before, after);
}

let jsdiff: string | undefined;
function jsdiffVersion(): string {
  return (jsdiff ??= (createRequire(import.meta.url)('diff/package.json') as { version: string }).version);
}

/** The hunks of a unified diff from `before` to `after`, without file headers (`context` lines around each change: jsdiff's 4 if not said). */
export function diffHunks(before: string, after: string, context?: number): string[] {
  return createTwoFilesPatch('', '', before, after, undefined, undefined, { context })
    .split(/^(?=@@)/m)
    .slice(1);
}

export function formatWarning(w: Warning, cwd: string): string {
  const where = w.line === undefined ? displayPath(w.path, cwd) : `${displayPath(w.path, cwd)}:${w.line}:${w.column}`;
  return `goprod: ${where}: ${w.message}`;
}

/** The closing line; `details` says where the reasons for backed-out, unverified and unwritten fixes are. */
export function summary(result: RunResult, mode: Mode, verified: boolean, details = 'see above'): string {
  const c = counts(result, verified);
  const fixes = `${c.fixes} ${plural(c.fixes, 'fix', 'fixes')} in ${c.files} ${plural(c.files, 'file', 'files')}`;
  const head =
    c.fixes === 0
      ? `no fixes to apply (${result.scanned} Go ${plural(result.scanned, 'file', 'files')} scanned)`
      : mode === 'write'
        ? `applied ${fixes}`
        : mode === 'check'
          ? `${fixes} pending`
          : fixes;
  const notes = [
    c.backedOut > 0 ? `${c.backedOut} backed out (they break the build or vet, ${details})` : '',
    c.unverified > 0 ? `${c.unverified} unverified and not applied (${details}; --no-verify applies them unchecked)` : '',
    c.notWritten > 0 ? `${c.notWritten} not written (${details})` : '',
    verified && result.verification && result.verification.configs.length > 0
      ? `checked under ${result.verification.configs.join(', ')}`
      : '',
    c.deferred > 0
      ? `${c.deferred} overlapping ${plural(c.deferred, 'fix', 'fixes')} deferred (applied ${c.fixes} of ${c.fixes + c.deferred}; run ` +
        `again for the rest)`
      : '',
    c.fixes > 0 && mode !== 'write' ? 'run with --write to apply' : '',
  ].filter(Boolean);
  return [head, ...notes].join('; ');
}

export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** Where the toolchain complained about a backed-out fix: `file:line:column`. */
export function where(b: BackedOut, cwd: string): string {
  return `${displayPath(b.at.path, cwd)}:${b.at.line}:${b.at.column}`;
}

/** How many places of one group of findings goprod cannot fix are named without --verbose. */
const FIRST_PLACES = 3;

/**
 * Findings goprod cannot fix. With `verbose`, one line each, like a linter's:
 * `goprod: file:line:col: message (codemod; no automatic fix)`. Otherwise those that share a
 * reason (or a message) are one group: its count and reason, then its first few places.
 */
export function unfixableNotes(result: RunResult, cwd: string, verbose = false): string[] {
  const groups = new Map<string, { codemod: string; reason: string; places: string[]; lines: string[] }>();
  for (const f of result.files) {
    const lines = new LineIndex(f.source.text);
    for (const d of f.findings.filter((x) => x.fixes.length === 0)) {
      const { line, column } = lines.position(d.start);
      const place = `${displayPath(f.path, cwd)}:${line}:${column}`;
      const reason = d.reason ?? d.message;
      const key = `${d.codemod}\0${reason}`;
      const group = groups.get(key) ?? { codemod: d.codemod, reason, places: [], lines: [] };
      groups.set(key, group);
      group.places.push(place);
      group.lines.push(`goprod: ${place}: ${d.message} (${d.codemod}; no automatic fix)`);
    }
  }
  return [...groups.values()].flatMap((g) => {
    if (verbose || g.lines.length === 1) return g.lines;
    return [`goprod: ${g.codemod}: ${g.places.length} places with no automatic fix: ${g.reason}`, `goprod:   ${firstOf(g.places)}`];
  });
}

/**
 * Which files codemods decided from syntax alone though type facts were asked for, for stderr:
 * grouped by reason, the first few places of each (all with `verbose`); with `verbose`, how
 * long type-checking took.
 */
export function typeNotes(result: RunResult, cwd: string, verbose = false): string[] {
  const types = result.types;
  // Without facts at all (--no-verify, --no-type-facts) every file was decided from syntax, as asked: --json says so (typeFacts: null).
  if (!types) return [];
  const notes: string[] = [];
  if (verbose && types.checks.length > 0)
    notes.push(
      `goprod: type facts: ${types.checks.map((c) => `${c.config} in ${c.seconds.toFixed(1)} s`).join(', ')}; ` +
        `${types.seconds.toFixed(1)} s in all`,
    );
  const byReason = new Map<string, string[]>();
  for (const u of types.untyped) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), displayPath(u.path, cwd)]);
  for (const [reason, paths] of byReason) {
    notes.push(`goprod: decided without type facts (${reason}): ${verbose ? paths.join(', ') : firstOf(paths)}`);
  }
  return notes;
}

/** Lines about what verification did, for stderr. */
export function verificationNotes(result: RunResult, cwd: string, verified: boolean, verbose = false): string[] {
  const notes: string[] = [];
  const checks = verbose ? (result.verification?.checks ?? []) : [];
  if (result.verification?.typeCheckerProblem)
    notes.push(`goprod: go vet checked every build configuration: ${result.verification.typeCheckerProblem}`);
  if (checks.length > 0) notes.push(`goprod: verification: ${checks.map(describeCheck).join(', ')}`);
  const unverified = new Map<string, string[]>(); // by reason
  for (const f of result.files) {
    const name = displayPath(f.path, cwd);
    for (const b of f.backedOut) {
      // Say where the toolchain complained only when that is not the fix's own line.
      const elsewhere = b.at.path === f.path && b.at.line === b.line ? '' : ` (at ${where(b, cwd)})`;
      notes.push(`goprod: backed out: ${b.codemod} at ${name}:${b.line}: ${b.reason}${elsewhere}`);
    }
    if (f.formatError) notes.push(`goprod: ${name}: ${f.formatError}`);
    if (verified && f.unverified && f.applied.length > 0) unverified.set(f.unverified, [...(unverified.get(f.unverified) ?? []), name]);
  }
  // Files unverified for one reason (a module that needs a newer Go) are told once, as the places with no automatic fix are.
  for (const [reason, names] of unverified)
    if (verbose || names.length === 1) notes.push(...names.map((name) => `goprod: unverified: ${name}: ${reason}`));
    else notes.push(`goprod: unverified: ${names.length} files: ${reason}`, `goprod:   ${firstOf(names)}`);
  return notes;
}

/** The first few of a list of places, and how many more there are. */
function firstOf(places: readonly string[]): string {
  const rest = places.length - FIRST_PLACES;
  return places.slice(0, FIRST_PLACES).join(', ') + (rest > 0 ? ` and ${rest} more (--verbose lists them)` : '');
}

/** How one configuration was checked: `linux/amd64 with go vet in 1.2 s (3 commands)`. */
function describeCheck(c: ConfigCheck): string {
  const how = c.tool === 'go vet' ? 'with go vet' : 'type-checked';
  return `${c.config} ${how} in ${c.seconds.toFixed(1)} s (${c.commands} ${plural(c.commands, 'command', 'commands')})`;
}
