// env-config's inventory: the environment reads of a module (direct, and through wrappers such
// as getEnv("PORT", "8080")), the variables they make, and those a previous run recorded in the
// generated package.
import { join } from 'node:path';
import { arrayOf, boolean, oneOf, object, optional, parseChecked, string } from '../checked-json.js';
import type { ModuleFiles } from '../engine/codemod.js';
import { isProgramIn, neighbourPackage } from '../go/constraint.js';
import type { GoFile } from '../go/file.js';
import type { GoModule } from '../go/module.js';
import { envReads, envVariables, envWrappers, wrappedReads, type EnvVariable } from './reads.js';

/** Where the generated config package goes by default, relative to the module root. */
export const DEFAULT_CONFIG_PKG = 'internal/config';

/** The options of env-config the inventory depends on. */
export interface InventoryOptions {
  configPkg?: string;
  includeTests?: boolean;
}

/** The line of the generated package that records its variables (JSON after it). */
export const INVENTORY = '// goprod:env-config ';

/** The module's environment reads (outside the config package; tests only if asked) and the variables they make. */
export function inventory(module: GoModule, files: readonly GoFile[], options: InventoryOptions, moduleFiles: ModuleFiles) {
  const configDir = (options.configPkg ?? DEFAULT_CONFIG_PKG).replace(/^\.?\/+|\/+$/g, '');
  // A program of its own (a `//go:build ignore` script run with go run, a generator) is not the module's: its reads stay.
  const sources = files.filter(
    (f) =>
      (options.includeTests || !f.path.endsWith('_test.go')) &&
      !f.path.startsWith(join(module.dir, configDir, '/')) &&
      !isOwnProgram(f, moduleFiles),
  );
  const direct = sources.flatMap(envReads);
  const wrappers = envWrappers(direct);
  const reads = [...direct, ...sources.flatMap((f) => wrappedReads(f, wrappers))];
  return { configDir, sources, reads, wrappers, variables: envVariables(reads) };
}

/** Whether a file is a program of its own (see isProgramIn), its directory's package told by its neighbours. */
export function isOwnProgram(f: GoFile, moduleFiles: ModuleFiles): boolean {
  return isProgramIn(f.text, () => neighbourPackage(f.path, moduleFiles));
}

/** The variables read now, plus those a previous run moved into the generated package. */
export function withPrevious(
  variables: readonly EnvVariable[],
  module: GoModule,
  configDir: string,
  moduleFiles: ModuleFiles,
): EnvVariable[] {
  const previous = previousInventory(moduleFiles.text(join(module.dir, configDir, 'config.go')));
  return [...variables, ...previous.filter((p) => !variables.some((v) => v.name === p.name))].sort((a, b) => a.name.localeCompare(b.name));
}

/** The variables a previous run recorded in the generated package (its text, if it exists), so an update keeps them. */
function previousInventory(generated: string | undefined): EnvVariable[] {
  if (generated === undefined) return [];
  const line = generated
    .split('\n')
    .find((l) => l.startsWith(INVENTORY));
  if (!line) return [];
  return parseChecked(line.slice(INVENTORY.length), recordedVariables).map((v) => ({ ...v, reads: [] }));
}

/** What the generated package records of each variable. */
const recordedVariables = arrayOf(
  object({
    name: string,
    type: oneOf('string', 'int', 'int64', 'uint64', 'float64', 'bool', 'time.Duration'),
    default: optional(string),
    required: boolean,
  }),
);
