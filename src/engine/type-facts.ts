// The type facts of a run, before the scan: goprod's Go helper type-checks the packages of the
// files to fix and answers, for each file, what go/types knows of the places codemods ask
// about (see go/facts.ts), or why it cannot. Each file is checked under a configuration that
// compiles it, as verification chooses: the host's when it does, else another platform or
// tags its name and build constraint ask for. Facts are computed where verification runs
// (they use the same toolchain and environment); without them codemods decide from syntax.
// Under the host's configuration the dependencies come from the go command's export data, which
// verification's go vet needs compiled anyway; other configurations are checked from source.
import { basename, dirname } from 'node:path';
import { configKey, describeConfig, isProgramIn, type BuildConfig } from '../go/constraint.js';
import type { FileTypes } from '../go/facts.js';
import { helperBinary } from '../go/helper.js';
import { HelperProcesses, type HelperProcess } from '../go/helper-process.js';
import { workspaceOf, type GoModule } from '../go/module.js';
import {
  installedToolchain,
  otherConfigsFor,
  packagePatterns,
  typeFactsOf,
  unreadablePackage,
  type GoContext,
  type GoTarget,
  type Listing,
  type Toolchain,
  type TypedFileJson,
} from '../go/toolchain.js';
import type { RunTypeFacts, Warning } from './model.js';
import { readSource } from './source.js';

export interface RunTypes {
  /** By file path: the facts, or why the file has none. */
  files: Map<string, FileTypes>;
  warnings: Warning[];
  checks: RunTypeFacts['checks'];
}

/**
 * The type facts of `files` (each with its module) that `wanted` admits (a codemod may find
 * something in its text, see Codemod.mayMatch): the others' function bodies are not checked,
 * and no other configuration is tried for them. A file the host's configuration does not
 * compile gets the facts of another only where codemods deciding from syntax propose a fix in
 * it (`proposesFix`), or under a configuration checked anyway: each other configuration costs
 * a type check of its dependencies from source, and there the facts keep wrong fixes out (a
 * Close that returns nothing), while errorlint, which sees the host's files only, finds
 * nothing to match.
 */
export async function typeFactsFor(
  files: ReadonlyArray<{ path: string; module: GoModule | undefined }>,
  wanted: (text: string, module: GoModule) => boolean = () => true,
  proposesFix: (path: string, text: string, module: GoModule) => boolean = () => true,
  helpers?: HelperProcesses,
): Promise<RunTypes> {
  const out: RunTypes = { files: new Map(), warnings: [], checks: [] };
  const byModule = new Map<string, { module: GoModule; paths: string[] }>();
  for (const { path, module } of files) {
    if (!module) out.files.set(path, { untyped: 'no go.mod: the type checker needs a module' });
    else byModule.set(module.dir, { module, paths: [...(byModule.get(module.dir)?.paths ?? []), path] });
  }
  if (byModule.size === 0) return out;
  let toolchain: Toolchain;
  let binary: string;
  try {
    toolchain = await installedToolchain();
    binary = await helperBinary(toolchain);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    out.warnings.push({ path: [...byModule.keys()][0]!, message: `no type facts: ${why}; codemods decide from syntax alone` });
    for (const { paths } of byModule.values())
      for (const path of paths) out.files.set(path, { untyped: "goprod's Go helper could not be built" });
    return out;
  }
  const running = helpers ?? new HelperProcesses();
  try {
    for (const { module, paths } of byModule.values())
      await typeModule(module, paths, running.of(binary), { toolchain, wanted, proposesFix, out });
  } finally {
    if (!helpers) running.close();
  }
  return out;
}

/** The facts of a module's files that codemods may ask about (`wanted`). */
async function typeModule(
  module: GoModule,
  paths: readonly string[],
  helper: HelperProcess,
  { toolchain, wanted, proposesFix, out }: {
    toolchain: Toolchain;
    wanted: (text: string, module: GoModule) => boolean;
    proposesFix: (path: string, text: string, module: GoModule) => boolean;
    out: RunTypes;
  },
): Promise<void> {
  const texts = new Map<string, string>();
  for (const path of paths) {
    let text: string | undefined;
    try {
      text = readSource(path)?.text;
    } catch {
      text = undefined; // the scan says why it cannot read it
    }
    if (text !== undefined && wanted(text, module)) texts.set(path, text);
  }
  if (texts.size > 0) await moduleFacts(module, texts, toolchain, helper, out, (path, text) => proposesFix(path, text, module));
}

/** The helper's answer for some files under a configuration, and how long it took. */
interface FactsAnswer {
  run: Awaited<ReturnType<typeof typeFactsOf>>;
  seconds: number;
}

/** Type-checks the packages of `some` under the target's configuration. */
async function askFacts(target: GoTarget, some: readonly string[], helper: HelperProcess, toolchain: Toolchain): Promise<FactsAnswer> {
  const start = performance.now();
  // Export data where verification's go vet compiles the dependencies anyway: the host's
  // configuration. Under any other (tags on the host's platform too: restic's debug tag is
  // imported by every package, which then compiles again), and for a standalone program
  // (whose dependencies `go vet ./...` does not compile), from source without bodies.
  const host = configKey(target.config) === configKey(toolchain.host) && !target.program;
  const run = await typeFactsOf(target, helper, packagePatterns(target, [...new Set(some.map(dirname))]), some, host);
  return { run, seconds: (performance.now() - start) / 1000 };
}

/** The facts of a module's files (by path, with their texts). */
async function moduleFacts(
  module: GoModule,
  texts: ReadonlyMap<string, string>,
  toolchain: Toolchain,
  helper: HelperProcess,
  out: RunTypes,
  proposesFix: (path: string, text: string) => boolean,
): Promise<void> {
  const context: GoContext = { dir: module.dir, gowork: workspaceOf(module.dir) };
  const paths = [...texts.keys()];
  const pending = new Set(paths);
  const untyped = (path: string, reason: string) => {
    pending.delete(path);
    out.files.set(path, { untyped: reason });
  };
  const ask = (config: BuildConfig, some: readonly string[], program?: string) =>
    askFacts({ context, config, ...(program ? { program } : {}) }, some, helper, toolchain);
  /** Records an answer for the files of `some`; answers the listing, or undefined when the check failed (then its files are untyped). */
  const answered = (config: BuildConfig, some: readonly string[], { run, seconds }: FactsAnswer): Listing | undefined => {
    const described = describeConfig(config, toolchain.host);
    // A standalone program is checked under the host's configuration: its time is the host's.
    const known = out.checks.find((c) => c.config === described);
    if (known) known.seconds += seconds;
    else out.checks.push({ config: described, seconds });
    const failure = run.failure ?? run.listing.fatal;
    if (failure) {
      for (const path of some) untyped(path, failure);
      return undefined;
    }
    for (const typed of run.files) if (pending.has(typed.path)) record(typed, config);
    return run.listing;
  };
  const record = (typed: TypedFileJson, config: BuildConfig) => {
    if (typed.untyped === undefined) {
      pending.delete(typed.path);
      out.files.set(typed.path, { facts: typed.facts });
    } else
      untyped(
        typed.path,
        `its package does not type-check under ${describeConfig(config, toolchain.host)}: ` +
          typed.untyped.replaceAll(`${module.dir}/`, ''),
      );
  };

  const listing = answered(toolchain.host, paths, await ask(toolchain.host, paths));
  if (!listing) return;
  // The other configurations are asked at once (the helper answers them concurrently) and
  // recorded in order: a file two of them compile takes the first one's facts.
  const others = [...otherConfigs(listing, { texts, pending, toolchain, untyped, proposesFix }).values()];
  const answers = others.map(({ config, paths: some, program }) => ask(config, some, program));
  for (const [i, { config, paths: some }] of others.entries()) answered(config, some, await answers[i]!);
  for (const path of pending) untyped(path, 'no build configuration goprod tried type-checks it');
}

/**
 * The files the host's configuration does not compile go to one that does, one already in use
 * first, and a standalone program (`//go:build ignore`) to the host's, named by its file; a
 * file none compiles, or whose package the go command cannot read, is untyped.
 */
function otherConfigs(
  listing: Listing,
  files: {
    texts: ReadonlyMap<string, string>;
    pending: Set<string>;
    toolchain: Toolchain;
    untyped: (path: string, reason: string) => void;
    proposesFix: (path: string, text: string) => boolean;
  },
): Map<string, { config: BuildConfig; paths: string[]; program?: string }> {
  const { texts, pending, toolchain, untyped, proposesFix } = files;
  const byConfig = new Map<string, { config: BuildConfig; paths: string[]; program?: string }>();
  const elsewhere: string[] = [];
  for (const path of [...pending]) {
    const pkg = listing.packages.get(dirname(path));
    const unreadable = unreadablePackage(listing, path);
    if (pkg?.compiled.has(basename(path))) untyped(path, pkg.problem ?? 'the type checker did not check it');
    else if (unreadable) untyped(path, unreadable);
    else elsewhere.push(path);
  }
  const candidatesOf = (path: string) => otherConfigsFor(path, texts.get(path)!, toolchain);
  const join = (path: string, config: BuildConfig) =>
    byConfig.set(configKey(config), { config, paths: [...(byConfig.get(configKey(config))?.paths ?? []), path] });
  // A configuration is added for a file in which syntax proposes a fix; one without joins a
  // configuration already checked, or goes without facts (nothing is listed: syntax decides
  // as without verification, and finds nothing to fix there).
  const proposing: string[] = [];
  const quiet: string[] = [];
  for (const path of elsewhere) (proposesFix(path, texts.get(path)!) ? proposing : quiet).push(path);
  for (const path of proposing) {
    const program = isProgramIn(texts.get(path)!, () => listing.packages.get(dirname(path))?.name);
    const candidates = program ? [] : candidatesOf(path);
    const config = candidates.find((c) => byConfig.has(configKey(c))) ?? candidates[0];
    if (config) join(path, config);
    else if (program) byConfig.set(`program ${path}`, { config: toolchain.host, paths: [path], program: path });
    else untyped(path, 'no build configuration compiles it');
  }
  for (const path of quiet) {
    const config = candidatesOf(path).find((c) => byConfig.has(configKey(c)));
    if (config) join(path, config);
    else pending.delete(path);
  }
  return byConfig;
}
