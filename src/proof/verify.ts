// Verification: prove the fixed text with the Go toolchain and back out exactly the fixes
// that break it. Every changed file is checked under a build configuration that compiles it
// (configurations.ts): with `go vet` on the host, and with goprod's type checker (go/types
// from source, vet's printf and errorsas checks) under the others, which would otherwise
// compile their whole dependency tree first (checker.ts). Errors that were there before
// goprod's fixes (baseline.ts) are not blamed on them; the fixes that bring new ones are
// backed out (bisect.ts). A package that cannot be checked is unverified on its own, with its
// reason; the others go on.
import { basename, dirname, relative } from 'node:path';
import { describeConfig } from '../go/constraint.js';
import { helperBinary } from '../go/helper.js';
import { HelperProcesses, type HelperProcess } from '../go/helper-process.js';
import { workspaceOf } from '../go/module.js';
import {
  commandCount,
  downloadModules,
  installedToolchain,
  listPackages,
  packagePatterns,
  type CheckResult,
  type GoContext,
  type GoTarget,
  type Listing,
  type Toolchain,
} from '../go/toolchain.js';
import { changeGroups } from '../engine/render.js';
import type { ConfigCheck, FileResult, Progress, Verification } from '../engine/model.js';
import { setAsideBrokenBefore, TargetCheck } from './baseline.js';
import { backOutTypeErrors, backOutUntilClean } from './bisect.js';
import { dirsOf, overlayOf, vetChecker, type Checker } from './checker.js';
import { groupByConfig, listGroup, type ConfigGroup } from './configurations.js';

export interface VerifyOptions {
  /** Let the go command fill the module cache (`go mod download`, the user's GOPROXY) first. */
  download?: boolean;
  /** Check every configuration with go vet, not only the host's (each compiles its dependencies first). */
  vetEveryConfig?: boolean;
  onProgress?: (progress: Progress) => void;
  /** The run's helper processes, whose checked packages the proof reuses (else its own, ended when it is done). */
  helpers?: HelperProcesses;
}

const MISSING_MODULE = /module lookup disabled|missing go\.sum entry|no required module provides|cannot find module/;

export async function verifyFiles(files: readonly FileResult[], options: VerifyOptions = {}): Promise<Verification> {
  const byModule = new Map<string, FileResult[]>();
  for (const f of files) {
    if (f.applied.length === 0) continue;
    if (!f.module) f.unverified = 'no go.mod: cannot run the Go toolchain on it';
    else byModule.set(f.module.dir, [...(byModule.get(f.module.dir) ?? []), f]);
  }
  if (byModule.size === 0) return { configs: [], checks: [] };
  const toolchain = await installedToolchain();
  const progress = { stage: 'verify' as const, packages: 0, of: dirsOf([...byModule.values()].flat()).length };
  const checked = (dirs: number) => {
    progress.packages += dirs;
    // A package with files for two platforms is checked twice.
    progress.of = Math.max(progress.of, progress.packages);
    options.onProgress?.(progress);
  };
  const checks = new Map<string, ConfigCheck>();
  const helpers = options.helpers ?? new HelperProcesses();
  const build = typeCheckerBuild(toolchain, helpers);
  try {
    for (const [dir, moduleFiles] of byModule) await verifyModuleFiles(dir, moduleFiles, toolchain, build, options, checked, checks);
  } finally {
    if (!options.helpers) helpers.close();
  }
  const configs = [...new Set([...checks.values()].map((c) => c.config))];
  return { configs, checks: [...checks.values()], ...(build.problem ? { typeCheckerProblem: build.problem } : {}) };
}

/** Verifies the changed files of one module, adding the cost of each configuration to `checks`. */
async function verifyModuleFiles(
  dir: string,
  moduleFiles: FileResult[],
  toolchain: Toolchain,
  build: TypeCheckerBuild,
  options: VerifyOptions,
  checked: (dirs: number) => void,
  checks: Map<string, ConfigCheck>,
): Promise<void> {
  const context: GoContext = { dir, gowork: workspaceOf(dir) };
  const downloadProblem = options.download ? await downloadModules(context) : undefined;
  const explain = (problem: string) => explainProblem(problem, dir, options.download ?? false, downloadProblem);
  for (const check of await verifyModule(context, moduleFiles, toolchain, build, options, explain, checked)) {
    // By configuration and tool: the host's go vet, and the type checker of its go run programs.
    const key = `${check.config} ${check.tool}`;
    const known = checks.get(key);
    if (known) {
      known.seconds += check.seconds;
      known.commands += check.commands;
    } else checks.set(key, check);
  }
  unverifySplitChanges(moduleFiles);
}

/** A load problem as the user should read it: for a missing module, what to run. */
function explainProblem(problem: string, dir: string, downloaded: boolean, downloadProblem: string | undefined): string {
  if (!MISSING_MODULE.test(problem)) return problem;
  // goprod's own GOPROXY=off is not the user's business: say what is missing.
  problem = problem.replace('module lookup disabled by GOPROXY=off', 'a module it needs is not in the module cache');
  // The go command names the exact command when go.mod or go.sum needs changing ("to add it: go get …").
  if (/to add(?: it)?: go /.test(problem)) return `${problem} (run that in ${dir}, then goprod again)`;
  if (downloadProblem) return `${problem} (go mod download failed: ${downloadProblem})`;
  if (downloaded) return problem;
  return `${problem} (goprod does not download modules: run \`go mod download\` in ${dir}, or goprod with --download)`;
}

/** Checks a module's changed files; answers under which configurations packages were checked, how, and in how long. */
async function verifyModule(
  context: GoContext,
  files: FileResult[],
  toolchain: Toolchain,
  build: TypeCheckerBuild,
  options: VerifyOptions,
  explain: (problem: string) => string,
  checked: (dirs: number) => void,
): Promise<ConfigCheck[]> {
  const host: GoTarget = { context, config: toolchain.host };
  const start = performance.now();
  const commands = commandCount();
  const listing = await listPackages(host, packagePatterns(host, dirsOf(files)), overlayOf(files));
  if (listing.fatal) {
    for (const f of files) f.unverified = explain(listing.fatal);
    return [];
  }
  const hostGroup: ConfigGroup = {
    target: host,
    files: [],
    listing,
    seconds: (performance.now() - start) / 1000,
    commands: commandCount() - commands,
  };
  const byConfig = groupByConfig(files, hostGroup, toolchain, explain);
  // If it cannot be built, go vet checks every configuration, as with --vet-every-config.
  const helper = options.vetEveryConfig ? undefined : await build.process();
  hostGroup.checker = vetChecker(host, helper);
  return proveGroups([...byConfig.values()], files, helper, toolchain, explain, checked);
}

/**
 * Proves each group's files, the host's first; answers under which configurations packages were
 * checked, how, and in how long.
 */
async function proveGroups(
  groups: readonly ConfigGroup[],
  files: FileResult[],
  helper: HelperProcess | undefined,
  toolchain: Toolchain,
  explain: (problem: string) => string,
  checked: (dirs: number) => void,
): Promise<ConfigCheck[]> {
  const checks: ConfigCheck[] = [];
  /** Proves a group's pending files; answers its checker if it checked any package. */
  const prove = async (group: ConfigGroup): Promise<Checker | undefined> => {
    if (!group.listing) await listGroup(group, files, helper, toolchain, explain);
    const pending = group.files.filter((f) => !f.unverified && f.applied.length > 0);
    if (pending.length === 0) return undefined;
    const checkedAny = await checkTarget(group.checker!, group.listing!, pending, files, explain, group.first);
    checked(dirsOf(pending).length);
    return checkedAny ? group.checker : undefined;
  };
  /** Runs `some` groups through `proof`, adding what it cost (with what was spent on them before, such as the host's listing). */
  const costed = async (some: readonly ConfigGroup[], proof: () => Promise<Array<Checker | undefined>>) => {
    const begun = performance.now();
    const before = commandCount();
    const used = new Set((await proof()).flatMap((c) => (c ? [c.tool] : [])));
    const seconds = some.reduce((sum, g) => sum + g.seconds, (performance.now() - begun) / 1000);
    const cost = { seconds, commands: some.reduce((sum, g) => sum + g.commands, commandCount() - before) };
    for (const tool of used) checks.push({ config: describeConfig(some[0]!.target.config, toolchain.host), tool, ...cost });
  };
  const programs = groups.filter((g) => g.target.program);
  // One configuration after the other, the host's first: a fix backed out under one is out of the overlay of the next.
  for (const group of groups.filter((g) => !g.target.program)) await costed([group], async () => [await prove(group)]);
  // Then the go run programs, listed and type-checked side by side: nothing imports a program,
  // so what one backs out is in no other's check. Those go vet checks (cgo) go one after the
  // other, so that no two go commands compile the same packages at once.
  if (programs.length > 0)
    await costed(programs, async () => {
      await Promise.all(programs.map((g) => listGroup(g, files, helper, toolchain, explain)));
      const typed = programs.filter((g) => g.checker!.tool === 'type-check');
      const used = await Promise.all(typed.map(prove));
      for (const group of programs.filter((g) => !typed.includes(g))) used.push(await prove(group));
      return used;
    });
  return checks;
}

/** The type checker, built and started on first use; or why it cannot be (a Go older than its go.mod asks). */
interface TypeCheckerBuild {
  process(): Promise<HelperProcess | undefined>;
  problem?: string;
}

function typeCheckerBuild(toolchain: Toolchain, helpers: HelperProcesses): TypeCheckerBuild {
  let built: Promise<HelperProcess | undefined> | undefined;
  const build: TypeCheckerBuild = {
    process: () =>
      (built ??= helperBinary(toolchain).then(
        (binary) => helpers.of(binary),
        (error: unknown) => {
          build.problem = error instanceof Error ? error.message : String(error);
          return undefined;
        },
      )),
  };
  return build;
}

/**
 * Checks the packages of `pending` under one target, backing out fixes until they are clean;
 * `moduleFiles` (all changed files of the module) make up the overlay, since a package is
 * compiled with every fix in it. `first` is a check of the fixed packages already made. Answers
 * whether any package was checked.
 */
async function checkTarget(
  checker: Checker,
  listing: Listing,
  pending: FileResult[],
  moduleFiles: FileResult[],
  explain: (problem: string) => string,
  first?: CheckResult,
): Promise<boolean> {
  const t = new TargetCheck(checker, listing, pending, moduleFiles);
  const problems = new Map([...listing.packages].flatMap(([dir, p]) => (p.problem ? [[dir, p.problem] as const] : [])));
  t.unverify(problems, (dir) => explain(problems.get(dir)!));

  let result =
    first && first.failures.length === 0 ? { messages: first.messages, failed: new Map<string, string>() } : await t.check(t.dirs());
  // Any message will do: vet prints a package's compile error as the compiler does, like a
  // finding, when another checked package imports it.
  if (
    checker.typeErrors &&
    result.messages.some((m) => t.live().has(dirname(m.path))) &&
    (await backOutTypeErrors(checker.typeErrors, pending, moduleFiles))
  ) {
    result = await t.check(t.dirs());
  }
  await t.takeBaseline(t.concerned(result));
  t.unverify(t.baseline.failed, (dir) => `the Go toolchain cannot check it: ${t.baseline.failed.get(dir)}`);
  setAsideBrokenBefore(t);
  const checkedAny = t.dirs().length > 0;
  await backOutUntilClean(t, result);
  return checkedAny;
}

/**
 * A change that creates a file (env-config's config package) stands or falls as a whole: the
 * other files' fixes of that codemod use the new file, and the new file serves them all.
 */
function unverifySplitChanges(files: readonly FileResult[]): void {
  for (const group of changeGroups(files)) {
    const created = group.find((f) => f.created)!;
    const blocked = group.find((f) => f.unverified && f.applied.length > 0);
    if (!blocked) continue;
    for (const f of group)
      f.unverified ??=
        blocked === created
          ? `needs ${basename(created.path)}, which cannot be verified: ${created.unverified}`
          : `part of one change with ${relative(dirname(created.path), blocked.path)}, which cannot be verified: ${blocked.unverified}`;
  }
}
