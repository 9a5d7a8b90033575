// What a codemod is: a plain value with a name, a one-line summary, the Go versions it
// applies to, and a pure function from a parsed file to diagnostics with fixes (or, for a
// codemod that needs to see a whole module at once, from the module's files).
import type { Diagnostic } from './edits.js';
import type { GoFile } from '../go/file.js';
import type { GoModule } from '../go/module.js';
import { atLeast, type GoVersion } from '../go/version.js';

/** One codemod's option values by name, as the command line or config file gave them (or their defaults). */
export type CodemodOptions = Readonly<Record<string, string | boolean | undefined>>;

/** Each codemod's option values, by codemod name: a codemod is given its own, and no flag of a command. */
export type OptionsByCodemod = Readonly<Record<string, CodemodOptions>>;

export interface CodemodOption {
  /** The command-line flag, commander style: `--config-pkg <path>` or `--include-tests`. */
  flag: string;
  description: string;
  default?: string | boolean;
  choices?: readonly string[];
}

/** A codemod's options, by the name it reads them under (camelCase of the flag). */
export type OptionDeclarations = Readonly<Record<string, CodemodOption>>;

/**
 * The values of declared options, as a codemod reads them: one of the choices, a string for a
 * flag that takes a value (`--config-pkg <dir>`), else a boolean; absent when not given and
 * without a default.
 */
export type OptionValues<D extends OptionDeclarations> = {
  readonly [K in keyof D]?: D[K] extends { choices: readonly (infer C)[] }
    ? C
    : D[K]['flag'] extends `${string}<${string}>`
      ? string
      : boolean;
};

/**
 * The module's files as a module-wide codemod may read them besides those it is given (the other Go
 * files of a directory, a package it generated before): the engine reads them from the disk, a test
 * from memory. A codemod reads other files through this view only: the result cache keeps what
 * it read, and its findings count only while those files read the same (see scan-cache.ts).
 */
export interface ModuleFiles {
  /** The names of the `.go` files in a directory, as the directory lists them; none if there is no such directory. */
  goFilesIn(dir: string): string[];
  /** A file's text, undefined if there is no such file. */
  text(path: string): string | undefined;
}

/** A finding of a module-wide codemod, for one file (which need not exist yet: then its text is empty). */
export interface ModuleDiagnostic {
  path: string;
  diagnostic: Diagnostic;
}

export interface Codemod {
  /** Equals the codemod's file name under codemods/. */
  name: string;
  summary: string;
  /** What it changes and where it holds back, in full (Markdown, one paragraph): `goprod explain`, SARIF and the README's table show it. */
  description: string;
  /** The file language versions it applies to: from `from` (inclusive) up to `before` (exclusive). */
  goVersions: { from?: GoVersion; before?: GoVersion };
  /** Options by the name the codemod reads them under (camelCase of the flag). */
  options?: Readonly<Record<string, CodemodOption>>;
  /**
   * The linters (as golangci-lint names them) that report what this codemod fixes: where a
   * `//nolint` directive silences one of them (see analyze.ts), the team has decided, and the
   * codemod is silent too.
   */
  linters?: readonly string[];
  /**
   * A cheap test of a file's text before it is parsed: false when the codemod can find
   * nothing in it at that language version. Never false for a file it would change (a file
   * no codemod wants is not parsed at all); absent, every file is wanted.
   */
  mayMatch?(text: string, goVersion: GoVersion): boolean;
  /**
   * For a codemod that decides from type facts alone (check-errors): whether, with them, it
   * could propose a fix in the file, as far as syntax tells (never false where it would). Such
   * a file gets the facts of a configuration that compiles it, as one where syntax proposes a
   * fix does (see type-facts.ts); the others need no configuration of their own.
   */
  mayFixWithTypes?(file: GoFile): boolean;
  /** For a module-wide codemod: a file whose text matches makes it need every file of the file's directory too. */
  needsDirectoryOf?: RegExp;
  run?(file: GoFile, options: CodemodOptions): Diagnostic[];
  /** For codemods that must see every file of a module (those its version range admits); others it reads through `moduleFiles`. */
  runModule?(module: GoModule, files: readonly GoFile[], options: CodemodOptions, moduleFiles: ModuleFiles): ModuleDiagnostic[];
}

/** A codemod as its module writes it: `run` and `runModule` see its own options, typed as declared. */
export interface CodemodDefinition<D extends OptionDeclarations> extends Omit<Codemod, 'options' | 'run' | 'runModule'> {
  options?: D;
  run?(file: GoFile, options: OptionValues<D>): Diagnostic[];
  runModule?(module: GoModule, files: readonly GoFile[], options: OptionValues<D>, moduleFiles: ModuleFiles): ModuleDiagnostic[];
}

/** The registry's codemod of a definition: its `run` and `runModule` are given their options checked against its declarations. */
export function defineCodemod<const D extends OptionDeclarations = Record<never, CodemodOption>>(
  definition: CodemodDefinition<D>,
): Codemod {
  const { run, runModule, ...codemod } = definition;
  const typed = (values: CodemodOptions) => declaredValues(definition.name, definition.options, values);
  return {
    ...codemod,
    ...(run && { run: (file: GoFile, values: CodemodOptions) => run(file, typed(values)) }),
    ...(runModule && {
      runModule: (module: GoModule, files: readonly GoFile[], values: CodemodOptions, moduleFiles: ModuleFiles) =>
        runModule(module, files, typed(values), moduleFiles),
    }),
  };
}

/** Option values, each checked against its declaration: one of its choices, a string for a flag that takes a value, else a boolean. */
function declaredValues<D extends OptionDeclarations>(codemod: string, declared: D | undefined, values: CodemodOptions): OptionValues<D> {
  const checked: Record<string, string | boolean> = {};
  for (const [name, option] of Object.entries(declared ?? {})) {
    const value = values[name];
    if (value === undefined) continue;
    const takesValue = /<[^>]+>/.test(option.flag);
    const valid = takesValue
      ? typeof value === 'string' && (!option.choices || option.choices.includes(value))
      : typeof value === 'boolean';
    if (!valid) throw new Error(`${codemod}: option ${name} (${option.flag}) given ${JSON.stringify(value)}`);
    checked[name] = value;
  }
  // Each value was checked against its declaration above, which is what OptionValues<D> says of it.
  return checked as OptionValues<D>;
}

/** Each codemod's declared options taken from `values` (a command's flags or a config file's options); nothing else. */
export function optionsByCodemod(codemods: readonly Codemod[], values: Readonly<Record<string, unknown>>): OptionsByCodemod {
  return Object.fromEntries(
    codemods.map((c) => [
      c.name,
      Object.fromEntries(
        Object.keys(c.options ?? {}).flatMap((name) => {
          const value = values[name];
          return typeof value === 'string' || typeof value === 'boolean' ? [[name, value]] : [];
        }),
      ),
    ]),
  );
}

export function appliesTo(codemod: Codemod, version: GoVersion): boolean {
  const { from, before } = codemod.goVersions;
  return (!from || atLeast(version, from)) && (!before || !atLeast(version, before));
}

/** Whether a file's text may hold something for the codemod, at any of its possible language versions. */
export function mayMatch(codemod: Codemod, text: string, versions: readonly GoVersion[]): boolean {
  return versions.some((v) => appliesTo(codemod, v) && (codemod.mayMatch?.(text, v) ?? true));
}
