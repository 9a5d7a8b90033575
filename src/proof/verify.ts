// Verification: prove the fixed text with the Go toolchain and back out exactly the fixes
// that break it. Every changed file is checked under a build configuration that compiles it
// (the host's when it can, else another platform or tags its constraints ask for): with
// `go vet` on the host, and with goprod's type checker (go/types from source, vet's printf
// and errorsas checks) under the others, which would otherwise compile their whole dependency
// tree first. Errors that were there before goprod's fixes (the baseline, taken only for
// packages where the fixed code has any) are not blamed on them. A package that cannot be
// checked is unverified on its own, with its reason; the others go on.
import { basename, dirname, relative } from 'node:path';
import { configKey, describeConfig, fileConstraint, usesCgo, type BuildConfig } from '../go/constraint.js';
import { helperBinary } from '../go/helper.js';
import { HelperProcesses, type HelperProcess } from '../go/helper-process.js';
import { workspaceOf } from '../go/module.js';
import {
  checkPackages,
  commandCount,
  downloadModules,
  installedToolchain,
  listPackages,
  otherConfigsFor,
  typeCheckPackages,
  unreadablePackage,
  type CheckResult,
  type GoContext,
  type GoTarget,
  type Listing,
  type ToolMessage,
  type Toolchain,
} from '../go/toolchain.js';
import type { Fix } from '../engine/edits.js';
import { LineIndex } from '../engine/position.js';
import { changeGroups, renderFiles, renderFixes } from '../engine/render.js';
import type { ConfigCheck, FileResult, Progress, Verification } from '../engine/model.js';
import { withBom } from '../engine/source.js';

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

/** Rounds of back-out before giving up on a target (each round removes at least one fix). */
const MAX_ROUNDS = 100;

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
  return { configs: [...checks.keys()], checks: [...checks.values()], ...(build.problem ? { typeCheckerProblem: build.problem } : {}) };
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
    const known = checks.get(check.config);
    if (known) {
      known.seconds += check.seconds;
      known.commands += check.commands;
    } else checks.set(check.config, check);
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
  let start = performance.now();
  let commands = commandCount();
  const listing = await listPackages(host, patternsOf(context, dirsOf(files)), overlayOf(files));
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
  const checks: ConfigCheck[] = [];
  // One configuration after the other, the host's first: a fix backed out under one is out of the overlay of the next.
  for (const group of byConfig.values()) {
    start = performance.now();
    commands = commandCount();
    if (!group.listing) await listGroup(group, files, helper, toolchain, explain);
    const pending = group.files.filter((f) => !f.unverified && f.applied.length > 0);
    if (pending.length === 0) continue;
    const checkedAny = await checkTarget(group.checker!, group.listing!, pending, files, explain, group.first);
    const cost = { seconds: group.seconds + (performance.now() - start) / 1000, commands: group.commands + commandCount() - commands };
    if (checkedAny) checks.push({ config: describeConfig(group.target.config, toolchain.host), tool: group.checker!.tool, ...cost });
    checked(dirsOf(pending).length);
  }
  return checks;
}

/** The changed files checked under one build configuration, and how. */
interface ConfigGroup {
  target: GoTarget;
  files: FileResult[];
  listing?: Listing;
  first?: CheckResult;
  checker?: Checker;
  seconds: number;
  commands: number;
}

/** Every changed file goes to a configuration that compiles it, the host's when it does; a file none compiles is unverified. */
function groupByConfig(
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
    const candidates = otherConfigsFor(f.path, f.output, toolchain);
    // One already in use first: fewer configurations, fewer builds.
    const config = candidates.find((c) => byConfig.has(configKey(c))) ?? candidates[0];
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
async function listGroup(
  group: ConfigGroup,
  files: readonly FileResult[],
  helper: HelperProcess | undefined,
  toolchain: Toolchain,
  explain: (problem: string) => string,
): Promise<void> {
  const patterns = patternsOf(group.target.context, dirsOf(group.files));
  // The type checker lists the packages as it checks them: one command for both. It does
  // not run cgo: packages with cgo files, and a check that fails, are left to go vet.
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

/** Why no configuration compiles a file. */
function notCompiled(f: FileResult, host: BuildConfig): string {
  if (usesCgo(f.output))
    return (
      `uses cgo but is not compiled on this machine (${host.goos}/${host.goarch}${host.cgo ? '' : ', cgo off'}); goprod checks ` +
      `other platforms without cgo`
    );
  const constraint = fileConstraint(f.output);
  return constraint
    ? 'no build configuration compiles it (its build constraint excludes every platform and tag set goprod tries, as `//go:build ignore` ' +
        'does)'
    : 'no build configuration compiles it';
}

function compiledIn(listing: Listing, f: FileResult): boolean {
  return listing.packages.get(dirname(f.path))?.compiled.has(basename(f.path)) ?? false;
}

function dirsOf(files: readonly FileResult[]): string[] {
  return [...new Set(files.map((f) => dirname(f.path)))];
}

function patternsOf(context: GoContext, dirs: readonly string[]): string[] {
  return dirs.map((d) => `./${relative(context.dir, d) || '.'}`);
}

/** The fixed text of every file whose fixes may still be written. */
function overlayOf(files: readonly FileResult[]): Map<string, string> {
  return new Map(files.filter((f) => f.applied.length > 0 && !f.unverified).map((f) => [f.path, withBom(f.source, f.output)]));
}

/**
 * When go vet has something to say about fixed code (a type error stops it at a package's
 * first one), the type checker finds every fix that does not compile, all at once and without
 * compiling anything, so that vet's rounds (each compiling packages again) are not spent on
 * them: a close-errors fix on a Close that returns nothing is one
 * round of go vet each, one type check for all. Only a new compile error on a line a fix
 * wrote backs that fix out here, in a file without cgo (the type checker does not run cgo);
 * nothing else is decided, and go vet remains the proof.
 */
async function backOutTypeErrors(checker: Checker, pending: readonly FileResult[], moduleFiles: readonly FileResult[]): Promise<boolean> {
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

/** How the packages of one target are checked: with go vet, or with goprod's type checker. */
interface Checker {
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
function vetChecker(target: GoTarget, helper?: HelperProcess): Checker {
  const checker: Checker = {
    target,
    tool: 'go vet',
    check: (dirs, overlay) => checkPackages(target, patternsOf(target.context, dirs), overlay, false, !helper),
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
      for (const f of moduleFiles)
        if (!f.created && dirs.includes(dirname(f.path)) && !marked.has(dirname(f.path))) marked.set(dirname(f.path), f);
      const overlay = new Map(
        [...marked.values()].map((f) => [f.path, withBom(f.source, `${f.source.text}\n// goprod: a baseline no cache answers\n`)] as const),
      );
      return checkIsolated(
        { ...checker, check: (some, files) => checkPackages(target, patternsOf(target.context, some), files, true) },
        [...marked.keys()],
        overlay,
      );
    },
  };
  return checker;
}

function typeChecker(target: GoTarget, helper: HelperProcess): Checker {
  const checker: Checker = {
    target,
    tool: 'type-check',
    check: async (dirs, overlay) => (await typeCheckPackages(target, helper, patternsOf(target.context, dirs), overlay)).result,
    baseline: (dirs) => checkIsolated(checker, dirs, new Map()),
  };
  return checker;
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

/** One target's check under way: the files it proves, the baseline taken so far, and how a package is set aside (unverified). */
class TargetCheck {
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

  /** Marks the pending files of these packages unverified (those not already), with the reason for their package. */
  unverify(dirs: { has(dir: string): boolean }, reason: (dir: string) => string): void {
    for (const f of this.pending) if (!f.unverified && dirs.has(dirname(f.path))) f.unverified = reason(dirname(f.path));
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
 */
function setAsideBrokenBefore(t: TargetCheck): void {
  const { context } = t.checker.target;
  const broken = new Map<string, ToolMessage>();
  const brokenImports = new Map<string, ToolMessage>();
  for (const m of t.baseline.messages.filter((m) => m.compileError)) {
    if (t.live().has(dirname(m.path)) && !broken.has(dirname(m.path))) broken.set(dirname(m.path), m);
    // Test files that do not compile keep only their own package from being vetted.
    if (m.importPath && !m.path.endsWith('_test.go') && !brokenImports.has(m.importPath)) brokenImports.set(m.importPath, m);
  }
  t.unverify(broken, (dir) => `does not compile before goprod's fixes, so nothing proves them: ${where(context, broken.get(dir)!)}`);
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

/**
 * Rounds of backing out the fixes the toolchain blames (each round checks the packages that failed)
 * until none is new since the baseline.
 */
async function backOutUntilClean(t: TargetCheck, first: IsolatedResult): Promise<void> {
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

function messageKey(m: ToolMessage): string {
  return `${m.path}:${m.line}:${m.column}: ${m.message}`;
}

function where(context: GoContext, m: ToolMessage): string {
  return `${relative(context.dir, m.path)}:${m.line}:${m.column}: ${m.message}`;
}

interface IsolatedResult {
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
async function checkIsolated(checker: Checker, dirs: readonly string[], overlay: ReadonlyMap<string, string>): Promise<IsolatedResult> {
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
