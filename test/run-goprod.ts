import { execFileSync } from 'node:child_process';
import { main } from '../src/cli.js';

export interface GoprodRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs goprod's command line in `cwd`, in this process, capturing its output. */
export async function runGoprod(cwd: string, ...args: string[]): Promise<GoprodRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

/** This machine's platform as goprod's summary names it (`linux/amd64`). */
export const HOST = execFileSync('go', ['env', 'GOHOSTOS', 'GOHOSTARCH'], { encoding: 'utf8' }).trim().split('\n').join('/');
