// `goprod env`: its flags; the inventory is src/env/.
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_PKG } from '../env-config/inventory.js';
import { codemods as allCodemods } from '../../codemods/index.js';
import { applyConfig } from './config.js';
import { envCommand, type EnvFlags } from '../env/command.js';
import type { CommandContext } from './context.js';

export function addEnvCommand(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('env')
    .description('list the environment variables each module reads: type, default, required, where (changes nothing unless --example)')
    .argument('[paths...]', 'Go files or directories (directories recursively)', ['.'])
    .addOption(new Option('--json', 'print JSON').conflicts('markdown'))
    .option('--markdown', 'print a Markdown table')
    .option('--example', 'also write a .env.example at each module root (an existing one that differs is kept unless --force)')
    .option('--force', 'with --example: replace a .env.example that differs')
    .option('--config-pkg <dir>', 'where env-config puts (or put) the generated config package', DEFAULT_CONFIG_PKG)
    .option('--include-tests', 'include reads in _test.go files')
    .option(
      '--config <file>',
      "read this config file (env-config's options, exclude) instead of the goprod.yaml found from the working directory upward",
    )
    .option('--no-config', 'read no config file')
    .action(async (paths: string[], _: unknown, command: Command) => {
      const config = applyConfig(command, allCodemods, io.cwd);
      setExitCode(await envCommand(paths, command.opts<EnvFlags>(), io, config));
    });
}
