// Build configurations: every changed file goes to one that compiles it (the host's when it
// can, else another platform or tags its constraints ask for), checked with go vet or
// goprod's type checker. A program of its own (`//go:build ignore`, run with `go run`, or a
// generator beside another package: see isProgramIn) is checked on its own, named by its file,
// as `go run` builds it.
import { basename, dirname } from 'node:path';
import { configKey, describeConfig, fileConstraint, isProgramIn, usesCgo, type BuildConfig } from '../go/constraint.js';
import type { HelperProcess } from '../go/helper-process.js';
import {
  listPackages,
  otherConfigsFor,
  packagePatterns,
  typeCheckPackages,
  unreadablePackage,
  type CheckResult,
  type GoTarget,
  type Listing,
  type Toolchain,
} from '../go/toolchain.js';
import type { FileResult } from '../engine/model.js';
import { dirsOf, overlayOf, typeChecker, vetChecker, type Checker } from './checker.js';

/** The changed files checked under one build configuration, and how. */
export interface ConfigGroup {
  target: GoTarget;
  files: FileResult[];
  listing?: Listing;
  first?: CheckResult;
  checker?: Checker;
  seconds: number;
  commands: number;
}

/**
 * Every changed file goes to a configuration that compiles it, the host's when it does; a
 * standalone program to a group of its own; a file none compiles is unverified.
 */
export function groupByConfig(
  files: readonly FileResult[],
  hostGroup: ConfigGroup,
  toolchain: Toolchain,
  explain: (problem: string) => string,
): Map<string, ConfigGroup> {
  const { context } = hostGroup.target;
  const hostKey = configKey(toolchain.host);
  const byConfig = new Map<string, ConfigGroup>([[hostKey, hostGroup]]);
  for (const f of files) {
    if (compiledIn(hostGroup.listing!, f)) {
      hostGroup.files.push(f);
      continue;
    }
    const unreadable = unreadablePackage(hostGroup.listing!, f.path);
    if (unreadable) {
      f.unverified = explain(unreadable);
      continue;
    }
    const program = isProgramIn(f.output, () => hostGroup.listing!.packages.get(dirname(f.path))?.name);
    const candidates = program ? [] : otherConfigsFor(f.path, f.output, toolchain);
    // One already in use first: fewer configurations, fewer builds.
    const config = candidates.find((c) => byConfig.has(configKey(c))) ?? candidates[0];
    if (program) {
      // Each on its own: programs side by side in one directory each declare main.
      const target = { context, config: toolchain.host, program: f.path };
      byConfig.set(`program ${f.path}`, { target, files: [f], seconds: 0, commands: 0 });
      continue;
    }
    if (!config) {
      f.unverified = notCompiled(f, toolchain.host);
      continue;
    }
    if (!byConfig.has(configKey(config)))
      byConfig.set(configKey(config), { target: { context, config }, files: [], seconds: 0, commands: 0 });
    byConfig.get(configKey(config))!.files.push(f);
  }
  return byConfig;
}

/**
 * Lists (and, with the type checker, checks at once) the packages of another configuration's
 * group; a file the listing does not compile after all is unverified.
 */
export async function listGroup(
  group: ConfigGroup,
  files: readonly FileResult[],
  helper: HelperProcess | undefined,
  toolchain: Toolchain,
  explain: (problem: string) => string,
): Promise<void> {
  const patterns = packagePatterns(group.target, dirsOf(group.files));
  // The type checker lists the packages as it checks them: one command for both. It does
  // not run cgo: packages with cgo files, and a check that fails, are left to go vet. A
  // standalone program is type-checked too: the user's `go vet ./...` never compiles its
  // dependencies, so go vet would compile them for goprod alone.
  const typed = helper && (await typeCheckPackages(group.target, helper, patterns, overlayOf(files)));
  if (typed && typed.result.failures.length === 0 && ![...typed.listing.packages.values()].some((p) => p.cgo)) {
    group.listing = typed.listing;
    group.first = typed.result;
    group.checker = typeChecker(group.target, helper);
  } else {
    group.listing = await listPackages(group.target, patterns, overlayOf(files));
    group.checker = vetChecker(group.target, helper);
  }
  for (const f of group.files) {
    if (group.listing.fatal) f.unverified = explain(group.listing.fatal);
    else if (!compiledIn(group.listing, f))
      f.unverified =
        `not compiled under ${describeConfig(group.target.config, toolchain.host)} either, though its name and build ` +
        `constraint say so`;
  }
}

/** Why no configuration compiles a file. */
function notCompiled(f: FileResult, host: BuildConfig): string {
  if (usesCgo(f.output))
    return (
      `uses cgo but is not compiled on this machine (${host.goos}/${host.goarch}${host.cgo ? '' : ', cgo off'}); goprod checks ` +
      `other platforms without cgo`
    );
  const constraint = fileConstraint(f.output);
  return constraint
    ? 'no build configuration compiles it (its build constraint excludes every platform and tag set goprod tries)'
    : 'no build configuration compiles it';
}

function compiledIn(listing: Listing, f: FileResult): boolean {
  return listing.packages.get(dirname(f.path))?.compiled.has(basename(f.path)) ?? false;
}
