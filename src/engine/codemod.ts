// What a codemod is: a plain value with a name, a one-line summary, the Go versions it
// applies to, and a pure function from a parsed file to diagnostics with fixes (or, for a
// codemod that needs to see a whole module at once, from the module's files).
import type { Diagnostic } from './edits.js';
import type { GoFile } from '../go/file.js';
import type { GoModule } from '../go/module.js';
import { atLeast, type GoVersion } from '../go/version.js';

/** Option values by name, as the command line gave them (or their defaults). */
export type CodemodOptions = Readonly<Record<string, string | boolean | undefined>>;

export interface CodemodOption {
  /** The command-line flag, commander style: `--config-pkg <path>` or `--include-tests`. */
  flag: string;
  description: string;
  default?: string | boolean;
  choices?: readonly string[];
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
   * A cheap test of a file's text before it is parsed: false when the codemod can find
   * nothing in it at that language version. Never false for a file it would change (a file
   * no codemod wants is not parsed at all); absent, every file is wanted.
   */
  mayMatch?(text: string, goVersion: GoVersion): boolean;
  /** For a module-wide codemod: a file whose text matches makes it need every file of the file's directory too. */
  needsDirectoryOf?: RegExp;
  run?(file: GoFile, options: CodemodOptions): Diagnostic[];
  /** For codemods that must see every file of a module (those its version range admits). */
  runModule?(module: GoModule, files: readonly GoFile[], options: CodemodOptions): ModuleDiagnostic[];
}

export function defineCodemod(codemod: Codemod): Codemod {
  return codemod;
}

export function appliesTo(codemod: Codemod, version: GoVersion): boolean {
  const { from, before } = codemod.goVersions;
  return (!from || atLeast(version, from)) && (!before || !atLeast(version, before));
}

/** Whether a file's text may hold something for the codemod, at any of its possible language versions. */
export function mayMatch(codemod: Codemod, text: string, versions: readonly GoVersion[]): boolean {
  return versions.some((v) => appliesTo(codemod, v) && (codemod.mayMatch?.(text, v) ?? true));
}
