import { execFileSync } from 'node:child_process';
import { main } from '../src/cli.js';
import type { Io } from '../src/io.js';

export interface GoprodRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs goprod's command line in `cwd`, in this process, capturing its output. */
export async function runGoprod(cwd: string, ...args: string[]): Promise<GoprodRun> {
  return runGoprodOn({}, cwd, ...args);
}

/** The same, with what `io` says about the terminal: which streams are one, the environment, the keys typed. */
export async function runGoprodOn(io: Pick<Io, 'tty' | 'env' | 'readKey'>, cwd: string, ...args: string[]): Promise<GoprodRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { ...io, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

/** A terminal on every stream whose user types `keys`, one per question (the run fails if it asks more). */
export function typing(keys: string, env: NodeJS.ProcessEnv = {}): Pick<Io, 'tty' | 'env' | 'readKey'> {
  const left = [...keys];
  return {
    tty: { stdin: true, stdout: true, stderr: true },
    env,
    readKey: async () => {
      const key = left.shift();
      if (key === undefined) throw new Error('goprod asked more questions than the test answers');
      return key;
    },
  };
}

/** This machine's platform as goprod's summary names it (`linux/amd64`). */
export const HOST = execFileSync('go', ['env', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8' }).trim().split('\n').join('/');
