// Running the Go toolchain the way goprod needs it: never downloading a toolchain or a
// module behind the user's back.
import { execFileSync } from 'node:child_process';

/** The environment for every go command goprod runs. */
export function goEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, GOTOOLCHAIN: 'local', GOPROXY: 'off' };
}

/** The installed Go's version ("go1.26.8"), or undefined when there is no go command. */
export function installedGo(): string | undefined {
  try {
    return /go\d+(\.\d+)*/.exec(execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[0];
  } catch {
    return undefined;
  }
}
