// `goprod explain NAME`: what a codemod changes, with an example (src/output/explain.ts).
import type { Command } from 'commander';
import { explain } from '../output/explain.js';
import { selectCodemods, type CommandContext } from './context.js';

export function addExplainCommand(program: Command, { io }: CommandContext): void {
  program
    .command('explain')
    .description('print what a codemod changes and where it holds back, its options, and an example from its tests')
    .argument('<name>', 'a codemod (see `goprod list`)')
    .action((name: string) => io.stdout(selectCodemods(name).map(explain).join('\n')));
}
