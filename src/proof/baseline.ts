// The baseline: what the toolchain says of the packages before goprod's fixes, taken only for
// packages where the fixed code has anything to say; the messages that are new since; and the
// packages set aside because they did not compile before the fixes either.
import { dirname, relative } from 'node:path';
import type { GoContext, Listing, ToolMessage } from '../go/toolchain.js';
import type { FileResult } from '../engine/model.js';
import { checkIsolated, dirsOf, overlayOf, type Checker, type IsolatedResult } from './checker.js';

/** One target's check under way: the files it proves, the baseline taken so far, and how a package is set aside (unverified). */
export class TargetCheck {
  /** What the toolchain says of the packages before the fixes, package by package, of those where the fixed code has anything to say. */
  readonly baseline: IsolatedResult = { messages: [], failed: new Map() };
  private readonly taken = new Set<string>();
  private readonly existing: Set<string>;

  constructor(
    readonly checker: Checker,
    readonly listing: Listing,
    readonly pending: FileResult[],
    readonly moduleFiles: FileResult[],
  ) {
    this.existing = new Set(dirsOf(moduleFiles.filter((f) => !f.created)));
  }

  /** Marks the pending files of these packages (those `which` admits) unverified, with the reason for their package. */
  unverify(dirs: { has(dir: string): boolean }, reason: (dir: string) => string, which: (path: string) => boolean = () => true): void {
    for (const f of this.pending) if (!f.unverified && dirs.has(dirname(f.path)) && which(f.path)) f.unverified = reason(dirname(f.path));
  }

  /** The packages still to prove. */
  dirs(): string[] {
    return dirsOf(this.pending.filter((f) => !f.unverified));
  }

  live(): Set<string> {
    return new Set(this.dirs());
  }

  check(dirs: readonly string[]): Promise<IsolatedResult> {
    return checkIsolated(this.checker, dirs, overlayOf(this.moduleFiles));
  }

  /** Takes the baseline of the packages wanted that existed before the fixes and have none yet. */
  async takeBaseline(wanted: Iterable<string>): Promise<void> {
    const missing = [...new Set(wanted)].filter((d) => this.existing.has(d) && !this.taken.has(d));
    if (missing.length === 0) return;
    for (const d of missing) this.taken.add(d);
    const more = await this.checker.baseline(missing, this.moduleFiles);
    const known = new Set(this.baseline.messages.map(messageKey));
    this.baseline.messages.push(...more.messages.filter((m) => !known.has(messageKey(m))));
    for (const [dir, why] of more.failed) this.baseline.failed.set(dir, why);
  }

  /**
   * The packages a check's messages concern: a message outside the checked packages is a dependency's
   * compile error, and concerns those importing it.
   */
  concerned(r: IsolatedResult): string[] {
    const live = this.live();
    const importers = (m: ToolMessage) => this.dirs().filter((d) => !m.importPath || this.listing.packages.get(d)?.deps.has(m.importPath));
    return [...r.failed.keys(), ...r.messages.flatMap((m) => (live.has(dirname(m.path)) ? [dirname(m.path)] : importers(m)))];
  }
}

/**
 * A package that does not compile before the fixes is not type-checked (nor vetted) after
 * them either, and neither is anything that imports it: nothing there could prove a fix.
 * Where only its test files do not compile, goprod's type checker still proves its other
 * files: it reports every error and runs its printf check whatever else fails (bbolt's
 * unix_test.go uses a constant aix and solaris lack). go vet checks a package with tests as
 * its test variant alone, and stops at its first compile error: there the whole package is
 * set aside.
 */
export function setAsideBrokenBefore(t: TargetCheck): void {
  const { context } = t.checker.target;
  const broken = new Map<string, ToolMessage>();
  const brokenTests = new Map<string, ToolMessage>(); // only test files do not compile
  const brokenImports = new Map<string, ToolMessage>();
  const testsApart = t.checker.tool === 'type-check';
  for (const m of t.baseline.messages.filter((m) => m.compileError)) {
    const into = testsApart && isTestFile(m.path) ? brokenTests : broken;
    if (t.live().has(dirname(m.path)) && !into.has(dirname(m.path))) into.set(dirname(m.path), m);
    // Test files that do not compile keep only their own package from being vetted.
    if (m.importPath && !isTestFile(m.path) && !brokenImports.has(m.importPath)) brokenImports.set(m.importPath, m);
  }
  t.unverify(broken, (dir) => `does not compile before goprod's fixes, so nothing proves them: ${where(context, broken.get(dir)!)}`);
  t.unverify(
    brokenTests,
    (dir) => `its tests do not compile before goprod's fixes, so nothing proves them: ${where(context, brokenTests.get(dir)!)}`,
    isTestFile,
  );
  const importers = new Map(
    t.dirs().flatMap((dir) => {
      const dep = [...(t.listing.packages.get(dir)?.deps ?? [])].find((d) => brokenImports.has(d));
      return dep ? [[dir, dep] as const] : [];
    }),
  );
  t.unverify(
    importers,
    (dir) =>
      `imports ${importers.get(dir)}, which does not compile before goprod's fixes: ` +
      `${where(context, brokenImports.get(importers.get(dir)!)!)}`,
  );
}

function isTestFile(path: string): boolean {
  return path.endsWith('_test.go');
}

function messageKey(m: ToolMessage): string {
  return `${m.path}:${m.line}:${m.column}: ${m.message}`;
}

/**
 * A message as it reads whatever the fixes changed around it. Positions inside it ("other
 * declaration at x.go:12:3") move with the fixes. The type checker names a package by its path
 * where two packages of one name are in sight ("github.com/x/lib/config".Wrapper for
 * config.Wrapper): env-config's new config package makes it do so in messages that were there
 * before.
 */
function sameWording(message: string): string {
  return message.replace(/\.go:\d+(:\d+)?/g, '.go').replace(/"(?:[^"\s]*\/)?([^"\s/]+)"\./g, '$1.');
}

export function where(context: GoContext, m: ToolMessage): string {
  return `${relative(context.dir, m.path)}:${m.line}:${m.column}: ${m.message}`;
}

/** Messages that the baseline (the unfixed code) did not have, compared as (file, message) multisets. */
export function newMessages(after: readonly ToolMessage[], before: readonly ToolMessage[]): ToolMessage[] {
  const counts = new Map<string, number>();
  const key = (m: ToolMessage) => `${m.path}\0${sameWording(m.message)}`;
  for (const m of before) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  return after.filter((m) => {
    const n = counts.get(key(m)) ?? 0;
    counts.set(key(m), n - 1);
    return n <= 0;
  });
}
