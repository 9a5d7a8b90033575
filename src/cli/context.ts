// What every command's module shares: the streams, how it sets the exit status, goprod's
// version and the --codemod selection.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codemods as allCodemods } from '../../codemods/index.js';
import { object, parseChecked, string } from '../checked-json.js';
import type { Codemod } from '../engine/codemod.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { packageRoot } from '../output/explain.js';

/** What a command's action gets besides its flags. */
export interface CommandContext {
  io: Io;
  /** The process's exit status once the command is done (0 unless set). */
  setExitCode(code: number): void;
}

/** goprod's version, from its package.json. */
export function version(): string {
  const root = packageRoot();
  return root ? parseChecked(readFileSync(join(root, 'package.json'), 'utf8'), object({ version: string })).version : 'unknown';
}

export function selectCodemods(names: string | undefined): Codemod[] {
  if (names === undefined) return [...allCodemods];
  const wanted = names
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = wanted.filter((n) => !allCodemods.some((c) => c.name === n));
  if (unknown.length > 0 || wanted.length === 0) {
    const known = allCodemods.map((c) => c.name).join(', ');
    throw new UsageError(
      wanted.length === 0
        ? `--codemod needs at least one name; known codemods: ${known}`
        : `unknown codemod ${unknown.join(', ')}; known codemods: ${known}`,
    );
  }
  return allCodemods.filter((c) => wanted.includes(c.name));
}
