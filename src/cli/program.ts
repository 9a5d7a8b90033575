// The command line: the program, its commands (one module each in this directory) and how an
// error becomes an exit status.
import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { addBulkCommand } from './bulk.js';
import { addCheckCommand } from './check.js';
import { version, type CommandContext } from './context.js';
import { addEnvCommand } from './env.js';
import { addExplainCommand } from './explain.js';
import { addFixCommand } from './fix.js';
import { addInitCommand } from './init.js';
import { addListCommand } from './list.js';
import { processIo } from './process-io.js';

/**
 * Exit codes: 0 done, 1 `--check` found pending fixes, 2 usage or fatal error or a file (fixed or
 * --output) not written, 130/143 interrupted.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const context: CommandContext = { io, setExitCode: (code) => void (exitCode = code) };
  const program = new Command('goprod')
    .description('Codemods that make Go code production-grade; every change is shown as a diff before it is written.')
    .version(version())
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    // Options belong to the command they follow (see bulk merge-reports).
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `
Examples:
  goprod list                          the codemods
  goprod explain wrap-errors           what one changes, with an example
  goprod fix                           every fix under ., as a diff (nothing is written)
  goprod fix -i                        review each fix; the accepted ones are verified and written
  goprod fix --write --codemod=loopvar apply one codemod's fixes, verified
  goprod env                           the environment variables each module reads
  goprod check                         the production-readiness score, with evidence
  goprod check --repos repos.txt       the fleet's report card: bands, weakest signals, migration plan
  goprod init                          write a commented goprod.yaml

\`goprod help fix\` explains verification, output formats and exit status.`,
    );

  // In the order `goprod --help` lists them.
  for (const add of [addFixCommand, addEnvCommand, addCheckCommand, addListCommand, addBulkCommand, addExplainCommand, addInitCommand])
    add(program, context);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.stderr(`goprod: ${e.message}\n`);
      return 2;
    }
    io.stderr(`goprod: fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
