// What a codemod is: a plain value with a name, a one-line summary, the Go versions it
// applies to, and a pure function from a parsed file to diagnostics with fixes.
import type { Diagnostic } from './edits.js';
import type { GoFile } from './go/file.js';
import { atLeast, type GoVersion } from './go/version.js';

export interface Codemod {
  /** Equals the codemod's file name under codemods/. */
  name: string;
  summary: string;
  /** The file language versions it applies to: from `from` (inclusive) up to `before` (exclusive). */
  goVersions: { from?: GoVersion; before?: GoVersion };
  run(file: GoFile): Diagnostic[];
}

export function defineCodemod(codemod: Codemod): Codemod {
  return codemod;
}

export function appliesTo(codemod: Codemod, version: GoVersion): boolean {
  const { from, before } = codemod.goVersions;
  return (!from || atLeast(version, from)) && (!before || !atLeast(version, before));
}
