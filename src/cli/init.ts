// `goprod init`: a commented goprod.yaml (src/cli/config.ts).
import type { Command } from 'commander';
import { codemods as allCodemods } from '../../codemods/index.js';
import { writeStarterConfig } from './config.js';
import { displayPath } from '../output/text.js';
import type { CommandContext } from './context.js';

export function addInitCommand(program: Command, { io }: CommandContext): void {
  program
    .command('init')
    .description('write a commented goprod.yaml in the working directory: every codemod and option with its default')
    .option('--force', 'replace the config file already there')
    .action((opts: { force?: boolean }) => {
      const path = writeStarterConfig(io.cwd, allCodemods, opts.force ?? false);
      io.stderr(`goprod: wrote ${displayPath(path, io.cwd)}; uncomment a setting to change it\n`);
    });
}
