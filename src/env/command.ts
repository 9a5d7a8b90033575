// `goprod env`: the command's body (the flags are declared in cli.ts).
import type { Config } from '../cli/config.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { displayPath, formatWarning } from '../output/text.js';
import { envInventory, envJson, envTable, writeEnvExample } from './report.js';

export interface EnvFlags {
  json?: boolean;
  markdown?: boolean;
  example?: boolean;
  force?: boolean;
  configPkg: string;
  includeTests?: boolean;
}

/** Prints each module's inventory (and writes .env.example with --example); the exit status. */
export async function envCommand(paths: readonly string[], opts: EnvFlags, io: Io, config: Config | undefined): Promise<number> {
  if (opts.force && !opts.example) throw new UsageError('--force only applies to --example');
  let exitCode = 0;
  const { modules, warnings } = await envInventory(paths, io.cwd, opts, {
    exclude: config?.exclude,
    goOutsideModule: config?.goOutsideModule,
  });
  if (opts.json) io.stdout(`${JSON.stringify(envJson(modules), null, 2)}\n`);
  else io.stdout(modules.map((m) => envTable(m, opts.markdown ? 'markdown' : 'table')).join('\n'));
  for (const w of warnings) io.stderr(`${formatWarning(w, io.cwd)}\n`);
  for (const m of opts.example ? modules : []) {
    const { path, outcome } = writeEnvExample(m, opts.force ?? false);
    const name = displayPath(path, io.cwd);
    if (outcome === 'differs') exitCode = 2;
    io.stderr(
      outcome === 'written'
        ? `goprod: wrote ${name}\n`
        : outcome === 'unchanged'
          ? `goprod: ${name} is up to date\n`
          : `goprod: ${name} differs from the inventory (edited by hand?); not overwritten: run with --force to replace it\n`,
    );
  }
  if (modules.length === 0) io.stderr('goprod: no Go module found (no go.mod above the given paths)\n');
  return exitCode;
}
