// env-config's decision for each read: moved into the config package, kept live (a variable
// the module sets at run time or in its tests), or left (a computed name, a wrapper, a write
// goprod cannot enumerate, a hand-written package in the way).
import { join, relative } from 'node:path';
import type { ModuleFiles } from '../engine/codemod.js';
import type { GoFile } from '../go/file.js';
import type { GoModule } from '../go/module.js';
import { short } from '../go/values.js';
import { MARKER } from './generate.js';
import { inventory, isOwnProgram, type InventoryOptions } from './inventory.js';
import { envWrites, type EnvRead, type EnvWrapper } from './reads.js';

/**
 * What env-config does with one read: moves it into the config package, keeps it live (its variable
 * changes at run time), or leaves it (goprod cannot move it).
 */
export type ReadOutcome =
  { read: EnvRead; outcome: 'moved' } | { read: EnvRead; outcome: 'live' | 'left'; reason: string; message: string };

/** Why reads stay as they are, in words shared by every read it holds for (for grouping). */
export const REASONS = {
  wrapper: 'a wrapper reads the variable its callers name; they are listed under the names they pass',
  wrapped: 'a call of a wrapper, which reads the environment itself',
  computed: 'computed name: goprod cannot tell which variable it reads',
  setByProgram: 'set at run time by the program, so reading it once would change behaviour',
  setByTests: "set by the module's tests, kept live so that they still see what they set",
};

/**
 * Every read's outcome. A variable the module writes (by name, or by a name from a table the
 * code spells out) stays a live read everywhere: tests that set it still see their value. A
 * write goprod cannot enumerate (a name from input, os.Clearenv) blocks the whole module;
 * `blocked` names that one place.
 */
export function classify(module: GoModule, files: readonly GoFile[], options: InventoryOptions, moduleFiles: ModuleFiles) {
  const { configDir, reads, wrappers, variables } = inventory(module, files, options, moduleFiles);
  const ctx = { modulePath: module.path, moduleDir: module.dir, files };
  const at = (f: GoFile, node: { startIndex: number }) => `${relative(module.dir, f.path)}:${f.line(node.startIndex)}`;
  const writes =
    reads.length === 0
      ? []
      : files
          .filter((f) => !isOwnProgram(f, moduleFiles)) // a program of its own: its writes are not the module's
          .flatMap((f) =>
            envWrites(f, ctx).map((w) => ({ ...w, test: f.path.endsWith('_test.go'), at: at(f, w.call), text: w.call.text })),
          );
  const unknown = writes.filter((w) => w.names === undefined);
  const more = unknown.length > 1 ? `; ${unknown.length - 1} more ${unknown.length === 2 ? 'place does' : 'places do'} too` : '';
  const blocked =
    configBlocker(module, configDir, moduleFiles) ??
    (unknown[0] &&
      `${unknown[0].at} (${short(unknown[0].text, 60)}) changes variables goprod cannot name (${unknown[0].unknown})${more}, so reading ` +
        `the environment once would change behaviour`);
  // The program's own write decides (it changes behaviour outside tests too); else the first test's.
  const writer = (name: string) => writes.find((w) => !w.test && w.names!.includes(name)) ?? writes.find((w) => w.names?.includes(name));
  const outcomes = reads.map((read) => outcomeOf(read, { wrappers, blocked, configDir, writer }));
  return { configDir, variables, outcomes, blocked };
}

/** What decides a read's outcome besides the read itself. */
interface Decision {
  wrappers: readonly EnvWrapper[];
  /** Why no read of the module moves, if none does. */
  blocked: string | undefined;
  configDir: string;
  /** The write that sets the variable, if the module sets it: a test's or the program's. */
  writer: (name: string) => { test: boolean; at: string } | undefined;
}

function outcomeOf(read: EnvRead, { wrappers, blocked, configDir, writer }: Decision): ReadOutcome {
  const left = (reason: string, message: string): ReadOutcome => ({ read, outcome: 'left', reason, message });
  const wrapper = wrappers.find((x) => x.read === read);
  if (wrapper) {
    const message = `${wrapper.name} reads the variable its callers name: they are listed under the names they pass; left as it is`;
    return left(REASONS.wrapper, message);
  }
  if (read.name === undefined) {
    return left(REASONS.computed, `os.${read.kind} with a computed name: goprod cannot tell which variable it reads; left as it is`);
  }
  if (read.kind === 'wrapper') {
    const callee = read.call.childForFieldName('function')!.text;
    return left(REASONS.wrapped, `${callee}("${read.name}") calls a wrapper that reads the environment itself; left as it is`);
  }
  const call = `os.${read.kind}("${read.name}")`;
  if (blocked) return left(blocked, `${call} not moved to ${configDir}: ${blocked}`);
  const w = writer(read.name);
  if (!w) return { read, outcome: 'moved' };
  const when = w.test ? 'by a test' : 'at run time';
  return {
    read,
    outcome: 'live',
    reason: w.test ? REASONS.setByTests : REASONS.setByProgram,
    message: `${call} left as it is: ${read.name} is set ${when} (${w.at}), so reading it once would change behaviour`,
  };
}

/** Why the config package cannot be (re)generated: a hand-written package is in the way. */
function configBlocker(module: GoModule, configDir: string, moduleFiles: ModuleFiles): string | undefined {
  const dir = join(module.dir, configDir);
  const handWritten = moduleFiles.goFilesIn(dir).filter((f) => !(moduleFiles.text(join(dir, f)) ?? '').startsWith(MARKER));
  const files =
    handWritten.length > 3 ? `${handWritten.slice(0, 3).join(', ')} and ${handWritten.length - 3} more` : handWritten.join(', ');
  return handWritten.length > 0
    ? `${configDir} exists and was not generated by goprod (${files}); choose another package with --config-pkg`
    : undefined;
}
