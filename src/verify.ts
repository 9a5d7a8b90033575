// Verification: prove the fixed text with the Go toolchain and back out exactly the fixes
// that break it. Every changed file is checked under a build configuration that compiles it
// (the host's when it can, else another platform or tags its constraints ask for). Errors
// that were there before goprod's fixes (the baseline) are not blamed on them. A package
// that cannot be checked is unverified on its own, with its reason; the others go on.
import { basename, dirname, relative } from 'node:path';
import { configKey, configsFor, describeConfig, fileConstraint, usesCgo, type BuildConfig } from './go/constraint.js';
import { workspaceOf } from './go/module.js';
import { checkPackages, downloadModules, installedToolchain, listPackages, type GoContext, type GoTarget, type Listing, type ToolMessage, type Toolchain } from './go/toolchain.js';
import type { Fix } from './edits.js';
import { LineIndex } from './position.js';
import { changeGroups, renderFiles, renderFixes } from './render.js';
import type { FileResult, Progress, Verification } from './model.js';
import { withBom } from './source.js';

export interface VerifyOptions {
  /** Let the go command fill the module cache (`go mod download`, the user's GOPROXY) first. */
  download?: boolean;
  onProgress?: (progress: Progress) => void;
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
  const configs = new Set<string>();
  if (byModule.size === 0) return { configs: [] };
  const toolchain = await installedToolchain();
  const progress = { stage: 'verify' as const, packages: 0, of: dirsOf([...byModule.values()].flat()).length };
  const checked = (dirs: number) => {
    progress.packages += dirs;
    // A package with files for two platforms is checked twice.
    progress.of = Math.max(progress.of, progress.packages);
    options.onProgress?.(progress);
  };
  for (const [dir, moduleFiles] of byModule) {
    const context: GoContext = { dir, gowork: workspaceOf(dir) };
    const downloadProblem = options.download ? await downloadModules(context) : undefined;
    const explain = (problem: string) => explainProblem(problem, dir, options.download ?? false, downloadProblem);
    for (const target of await verifyModule(context, moduleFiles, toolchain, explain, checked)) configs.add(describeConfig(target.config, toolchain.host));
    keepChangesWhole(moduleFiles);
  }
  return { configs: [...configs] };
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

/** Checks a module's changed files; returns the targets under which packages were checked. */
async function verifyModule(context: GoContext, files: FileResult[], toolchain: Toolchain, explain: (problem: string) => string, checked: (dirs: number) => void): Promise<GoTarget[]> {
  const host: GoTarget = { context, config: toolchain.host };
  const listing = await listPackages(host, patternsOf(context, dirsOf(files)), overlayOf(files));
  if (listing.fatal) {
    for (const f of files) f.unverified = explain(listing.fatal);
    return [];
  }
  // Every changed file goes to a configuration that compiles it, the host's when it does.
  const byConfig = new Map<string, { target: GoTarget; files: FileResult[]; listing?: Listing }>([[configKey(host.config), { target: host, files: [], listing }]]);
  for (const f of files) {
    if (compiledIn(listing, f)) {
      byConfig.get(configKey(host.config))!.files.push(f);
      continue;
    }
    // A package the go command cannot read at all (an invalid import path) is no matter of platforms.
    const pkg = listing.packages.get(dirname(f.path));
    if (pkg?.problem && pkg.compiled.size === 0 && !/build constraints exclude all Go files/.test(pkg.problem)) {
      f.unverified = explain(pkg.problem);
      continue;
    }
    const candidates = configsFor(basename(f.path), f.output, toolchain.host, toolchain.platforms, toolchain.goMinor).filter((c) => configKey(c) !== configKey(host.config));
    // One already in use first: fewer configurations, fewer builds.
    const config = candidates.find((c) => byConfig.has(configKey(c))) ?? candidates[0];
    if (!config) {
      f.unverified = notCompiled(f, toolchain.host);
      continue;
    }
    if (!byConfig.has(configKey(config))) byConfig.set(configKey(config), { target: { context, config }, files: [] });
    byConfig.get(configKey(config))!.files.push(f);
  }
  for (const group of byConfig.values()) {
    if (group.listing) continue;
    const other = (group.listing = await listPackages(group.target, patternsOf(context, dirsOf(group.files)), overlayOf(files)));
    for (const f of group.files) {
      if (other.fatal) f.unverified = explain(other.fatal);
      else if (!compiledIn(other, f)) f.unverified = `not compiled under ${describeConfig(group.target.config, toolchain.host)} either, though its name and build constraint say so`;
    }
  }
  const verified: GoTarget[] = [];
  for (const { target, files: targetFiles, listing: targetListing } of byConfig.values()) {
    const pending = targetFiles.filter((f) => !f.unverified && f.applied.length > 0);
    if (pending.length === 0) continue;
    if (await checkTarget(target, targetListing!, pending, files, explain)) verified.push(target);
    checked(dirsOf(pending).length);
  }
  return verified;
}

/** Why no configuration compiles a file. */
function notCompiled(f: FileResult, host: BuildConfig): string {
  if (usesCgo(f.output)) return `uses cgo but is not compiled on this machine (${host.goos}/${host.goarch}${host.cgo ? '' : ', cgo off'}); goprod checks other platforms without cgo`;
  const constraint = fileConstraint(f.output);
  return constraint ? 'no build configuration compiles it (its build constraint excludes every platform and tag set goprod tries, as `//go:build ignore` does)' : 'no build configuration compiles it';
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
 * Checks the packages of `pending` under one target, backing out fixes until they are clean;
 * `moduleFiles` (all changed files of the module) make up the overlay, since a package is
 * compiled with every fix in it. Answers whether any package was checked.
 */
async function checkTarget(target: GoTarget, listing: Listing, pending: FileResult[], moduleFiles: FileResult[], explain: (problem: string) => string): Promise<boolean> {
  const { context } = target;
  const unverify = (dirs: { has(dir: string): boolean }, reason: (dir: string) => string) => {
    for (const f of pending) if (!f.unverified && dirs.has(dirname(f.path))) f.unverified = reason(dirname(f.path));
  };
  const problems = new Map([...listing.packages].flatMap(([dir, p]) => (p.problem ? [[dir, p.problem] as const] : [])));
  unverify(problems, (dir) => explain(problems.get(dir)!));

  const dirs = () => dirsOf(pending.filter((f) => !f.unverified));
  const existing = dirsOf(pending.filter((f) => !f.unverified && !f.created));
  const [plainBaseline, first] = await Promise.all([checkIsolated(target, existing, new Map()), checkIsolated(target, dirs(), overlayOf(moduleFiles))]);
  const baseline = await classified(target, plainBaseline);
  unverify(baseline.failed, (dir) => `the Go toolchain cannot check it: ${baseline.failed.get(dir)}`);
  // A package that does not compile before the fixes is not type-checked (nor vetted) after
  // them either, and neither is anything that imports it: nothing there could prove a fix.
  const live = () => new Set(dirs());
  const broken = new Map<string, ToolMessage>();
  const brokenImports = new Map<string, ToolMessage>();
  for (const m of baseline.messages.filter((m) => m.compileError)) {
    if (live().has(dirname(m.path)) && !broken.has(dirname(m.path))) broken.set(dirname(m.path), m);
    // Test files that do not compile keep only their own package from being vetted.
    if (m.importPath && !m.path.endsWith('_test.go') && !brokenImports.has(m.importPath)) brokenImports.set(m.importPath, m);
  }
  unverify(broken, (dir) => `does not compile before goprod's fixes, so nothing proves them: ${where(context, broken.get(dir)!)}`);
  const importers = new Map(dirs().flatMap((dir) => {
    const dep = [...(listing.packages.get(dir)?.deps ?? [])].find((d) => brokenImports.has(d));
    return dep ? [[dir, dep] as const] : [];
  }));
  unverify(importers, (dir) => `imports ${importers.get(dir)}, which does not compile before goprod's fixes: ${where(context, brokenImports.get(importers.get(dir)!)!)}`);

  const checkedAny = dirs().length > 0;
  let failing = dirs();
  let result = first;
  const retaken = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    unverify(result.failed, (dir) => `the Go toolchain cannot check the fixed code: ${result.failed.get(dir)}`);
    const active = moduleFiles.filter((f) => !f.unverified && f.applied.length > 0);
    // Also in packages compiled only as dependencies here: their fixes are in the overlay too.
    const fixedDirs = new Set([...live(), ...dirsOf(active)]);
    const newSinceBaseline = () => newMessages(result.messages, baseline.messages).filter((m) => fixedDirs.has(dirname(m.path)));
    const doubted = new Set(newSinceBaseline().map((m) => dirname(m.path)).filter((d) => !retaken.has(d)));
    if (doubted.size > 0) {
      baseline.messages = await retakeBaseline(target, baseline.messages, moduleFiles, doubted);
      for (const d of doubted) retaken.add(d);
    }
    const fresh = newSinceBaseline();
    if (fresh.length === 0) {
      // A package whose dependency failed to compile was not checked itself: once the failing
      // packages are clean, check them all once more.
      if (failing.length === live().size) return checkedAny;
      failing = dirs();
      result = await checkIsolated(target, failing, overlayOf(moduleFiles));
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
      const suspects = active.filter((f) => dirname(f.path) === dirname(message.path));
      const found = await bisect(target, active, suspects.length > 0 ? suspects : active, message, baseline.messages);
      if (!found) {
        unverify(new Set([dirname(message.path)]), () => `the Go toolchain reports an error no fix explains: ${where(context, message)}`);
        failing = dirs();
        result = await checkIsolated(target, failing, overlayOf(moduleFiles));
        continue;
      }
      culprits.set(found.fix, { file: found.file, message });
    }
    for (const [fix, { file, message }] of culprits) backOut(file, fix, message);
    await renderFiles([...new Set([...culprits.values()].map((c) => c.file))]);
    failing = [...new Set([...fresh.map((m) => dirname(m.path)), ...dirsOf([...culprits.values()].map((c) => c.file))])].filter((d) => live().has(d));
    result = await checkIsolated(target, failing, overlayOf(moduleFiles));
  }
  for (const f of pending) if (f.applied.length > 0 && !f.unverified) f.unverified = `still failing after ${MAX_ROUNDS} rounds of backing out fixes`;
  return checkedAny;
}

/**
 * The baseline of `dirs` taken again where no cache can answer it. The go command (1.26) can
 * answer `go vet P` from the facts-only vet it ran on P earlier as another package's
 * dependency, which prints none of P's findings: the baseline then lacks findings P already
 * had, and a fix would be blamed for them. A comment appended to one original file of each
 * package gives it content no cache holds. Asked only before a fix is blamed.
 */
async function retakeBaseline(target: GoTarget, messages: readonly ToolMessage[], moduleFiles: readonly FileResult[], dirs: ReadonlySet<string>): Promise<ToolMessage[]> {
  const marked = new Map<string, FileResult>(); // package directory → its one marked file
  for (const f of moduleFiles) if (!f.created && dirs.has(dirname(f.path)) && !marked.has(dirname(f.path))) marked.set(dirname(f.path), f);
  const overlay = new Map([...marked.values()].map((f) => [f.path, withBom(f.source, `${f.source.text}\n// goprod: a baseline no cache answers\n`)] as const));
  const again = await checkIsolated(target, [...marked.keys()], overlay);
  return [...messages.filter((m) => !marked.has(dirname(m.path))), ...again.messages.filter((m) => marked.has(dirname(m.path)))];
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
 * The baseline with compile errors told from vet findings: vet's plain output (which finds
 * the user's build cache warm) leaves that open for a few places, whose packages are checked
 * again with vet's JSON output.
 */
async function classified(target: GoTarget, baseline: IsolatedResult): Promise<IsolatedResult> {
  const unsure = new Set(baseline.messages.filter((m) => !m.compileError).map((m) => dirname(m.path)));
  if (unsure.size === 0) return baseline;
  const again = await checkPackages(target, patternsOf(target.context, [...unsure]), new Map(), true);
  const sure = again.failures.length === 0 ? again.messages.filter((m) => unsure.has(dirname(m.path))) : undefined;
  // If the second look fails as a whole, the plain output stands.
  return sure ? { messages: [...baseline.messages.filter((m) => !unsure.has(dirname(m.path))), ...sure], failed: baseline.failed } : baseline;
}

/**
 * Checks packages; when the go command fails in a way that names no place (a package it
 * cannot load), the packages are checked in halves until each failure has its package, so
 * one package never keeps the others from being checked.
 */
async function checkIsolated(target: GoTarget, dirs: readonly string[], overlay: ReadonlyMap<string, string>): Promise<IsolatedResult> {
  const result = await checkPackages(target, patternsOf(target.context, dirs), overlay);
  if (result.failures.length === 0) return { messages: result.messages, failed: new Map() };
  if (dirs.length === 1) return { messages: result.messages, failed: new Map([[dirs[0]!, result.failures[0]!]]) };
  const half = Math.ceil(dirs.length / 2);
  const [a, b] = await Promise.all([checkIsolated(target, dirs.slice(0, half), overlay), checkIsolated(target, dirs.slice(half), overlay)]);
  return { messages: [...a.messages, ...b.messages], failed: new Map([...a.failed, ...b.failed]) };
}

/**
 * A change that creates a file (env-config's config package) stands or falls as a whole: the
 * other files' fixes of that codemod use the new file, and the new file serves them all.
 */
function keepChangesWhole(files: readonly FileResult[]): void {
  for (const group of changeGroups(files)) {
    const created = group.find((f) => f.created)!;
    const blocked = group.find((f) => f.unverified && f.applied.length > 0);
    if (!blocked) continue;
    for (const f of group) f.unverified ??= blocked === created ? `needs ${basename(created.path)}, which cannot be verified: ${created.unverified}` : `part of one change with ${relative(dirname(created.path), blocked.path)}, which cannot be verified: ${blocked.unverified}`;
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

/** Halves the suspects' fixes until one is left whose presence brings the message back. */
async function bisect(target: GoTarget, active: readonly FileResult[], suspects: readonly FileResult[], message: ToolMessage, baseline: readonly ToolMessage[]): Promise<{ file: FileResult; fix: Fix } | undefined> {
  let candidates = suspects.flatMap((file) => file.applied.map((fix) => ({ file, fix })));
  while (candidates.length > 1) {
    const half = candidates.slice(0, Math.ceil(candidates.length / 2));
    const overlay = new Map<string, string>();
    for (const f of active) {
      const kept = f.applied.filter((fix) => !half.some((c) => c.fix === fix));
      const rendered = await renderFixes(f.source.text, kept);
      overlay.set(f.path, withBom(f.source, rendered.ok ? rendered.rendered.text : f.source.text));
    }
    const result = await checkPackages(target, patternsOf(target.context, [dirname(message.path)]), overlay);
    const persists = newMessages(result.messages, baseline).some((m) => m.path === message.path && m.message === message.message);
    candidates = persists ? candidates.slice(half.length) : half;
  }
  return candidates[0];
}

function backOut(file: FileResult, fix: Fix, { message, ...at }: ToolMessage): void {
  const finding = file.findings.find((f) => f.fixes.includes(fix))!;
  file.applied = file.applied.filter((f) => f !== fix);
  file.backedOut.push({ fix, codemod: finding.codemod, line: new LineIndex(file.source.text).line(finding.start), reason: message, at: { path: at.path, line: at.line, column: at.column } });
}
