// `goprod list`: the codemods with their summaries.
import type { Command } from 'commander';
import { codemods as allCodemods } from '../../codemods/index.js';
import type { CommandContext } from './context.js';

export function addListCommand(program: Command, { io }: CommandContext): void {
  program
    .command('list')
    .description('list the codemods with their summaries')
    .action(() => {
      const width = Math.max(...allCodemods.map((c) => c.name.length));
      for (const c of allCodemods) io.stdout(`${c.name.padEnd(width)}  ${c.summary}\n`);
    });
}
