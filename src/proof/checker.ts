// How the packages of one target (a build configuration of a module) are checked: with go vet
// or with goprod's type checker, each with the files goprod fixed in place of the user's, and
// in isolation, so that one package the go command cannot load keeps no other from being checked.
import { dirname } from 'node:path';
import {
  checkPackages,
  packagePatterns,
  typeCheckPackages,
  uncached,
  type CheckResult,
  type GoTarget,
  type ToolMessage,
} from '../go/toolchain.js';
import type { HelperProcess } from '../go/helper-process.js';
import type { ConfigCheck, FileResult } from '../engine/model.js';
import { withBom } from '../engine/source.js';

export function dirsOf(files: readonly FileResult[]): string[] {
  return [...new Set(files.map((f) => dirname(f.path)))];
}

/** The fixed text of every file whose fixes may still be written. */
export function overlayOf(files: readonly FileResult[]): Map<string, string> {
  return new Map(files.filter((f) => f.applied.length > 0 && !f.unverified).map((f) => [f.path, withBom(f.source, f.output)]));
}

/** How the packages of one target are checked: with go vet, or with goprod's type checker. */
export interface Checker {
  target: GoTarget;
  tool: ConfigCheck['tool'];
  /** Checks the packages in `dirs` with the files in `overlay` in place of the user's. */
  check(dirs: readonly string[], overlay: ReadonlyMap<string, string>): Promise<CheckResult>;
  /** The packages in `dirs` before goprod's fixes, with compile errors told from findings. */
  baseline(dirs: readonly string[], moduleFiles: readonly FileResult[]): Promise<IsolatedResult>;
  /** What finds every fix that does not compile when this checker finds some (see backOutTypeErrors). */
  typeErrors?: Checker;
}

/** go vet, with goprod's type checker (when there is one) to list every fix that does not compile. */
export function vetChecker(target: GoTarget, helper?: HelperProcess): Checker {
  const checker: Checker = {
    target,
    tool: 'go vet',
    check: (dirs, overlay) => checkPackages(target, packagePatterns(target, dirs), overlay, false, !helper),
    ...(helper ? { typeErrors: typeChecker(target, helper) } : {}),
    /**
     * The go command (1.26) can answer `go vet P` from the facts-only vet it ran on P earlier
     * as another package's dependency, which prints none of P's findings: a baseline would
     * lack findings P already had, and a fix would be blamed for them. A comment appended to
     * one original file of each package gives it content no cache holds; vet's JSON output
     * then tells compile errors from findings.
     */
    baseline: (dirs, moduleFiles) => {
      const marked = new Map<string, FileResult>(); // package directory → its one marked file
      const inPackage = (f: FileResult) => (target.program ? f.path === target.program : dirs.includes(dirname(f.path)));
      for (const f of moduleFiles) if (!f.created && inPackage(f) && !marked.has(dirname(f.path))) marked.set(dirname(f.path), f);
      const overlay = new Map(
        [...marked.values()].map((f) => [f.path, withBom(f.source, uncached(f.source.text))] as const),
      );
      return checkIsolated(
        { ...checker, check: (some, files) => checkPackages(target, packagePatterns(target, some), files, true) },
        [...marked.keys()],
        overlay,
      );
    },
  };
  return checker;
}

export function typeChecker(target: GoTarget, helper: HelperProcess): Checker {
  const checker: Checker = {
    target,
    tool: 'type-check',
    check: async (dirs, overlay) => (await typeCheckPackages(target, helper, packagePatterns(target, dirs), overlay)).result,
    baseline: (dirs) => checkIsolated(checker, dirs, new Map()),
  };
  return checker;
}

export interface IsolatedResult {
  messages: ToolMessage[];
  /** Packages the toolchain could not check at all, with the first thing it said. */
  failed: Map<string, string>;
}

/**
 * Checks packages; when the check fails in a way that names no place (a package the go
 * command cannot load), the packages are checked in halves, one half after the other (never
 * two go commands compiling the same packages at once), until each failure has its package,
 * so one package never keeps the others from being checked.
 */
export async function checkIsolated(
  checker: Checker,
  dirs: readonly string[],
  overlay: ReadonlyMap<string, string>,
): Promise<IsolatedResult> {
  // No package: nothing to check (with no pattern the go command would check the module root's,
  // and halving nothing after a failure there would never end).
  if (dirs.length === 0) return { messages: [], failed: new Map() };
  const result = await checker.check(dirs, overlay);
  if (result.failures.length === 0) return { messages: result.messages, failed: new Map() };
  if (dirs.length === 1) return { messages: result.messages, failed: new Map([[dirs[0]!, result.failures[0]!]]) };
  const half = Math.ceil(dirs.length / 2);
  const a = await checkIsolated(checker, dirs.slice(0, half), overlay);
  const b = await checkIsolated(checker, dirs.slice(half), overlay);
  return { messages: [...a.messages, ...b.messages], failed: new Map([...a.failed, ...b.failed]) };
}
