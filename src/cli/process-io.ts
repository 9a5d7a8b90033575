// The process's streams and terminal, as the commands see them (src/io.ts).
import type { Io } from '../io.js';

/**
 * The process's streams. When the reader goes away (`goprod fix | head`, quitting `less`),
 * further output is dropped and the run ends as it would have, without a stack trace.
 */
export function processIo(): Io {
  const open = { stdout: true, stderr: true };
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      open[name] = false;
    });
  }
  return {
    stdout: (s) => void (open.stdout && process.stdout.write(s)),
    stderr: (s) => void (open.stderr && process.stderr.write(s)),
    cwd: process.cwd(),
    tty: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    env: process.env,
    readKey: keyReader(process.stdin),
  };
}

/**
 * Keys from a terminal in raw mode (Ctrl-C then arrives as a key, not a signal). Keys typed
 * ahead or pasted arrive together: each answers one question, in order; an escape sequence
 * (an arrow key) is one key.
 */
function keyReader(stdin: NodeJS.ReadStream): () => Promise<string> {
  const ahead: string[] = [];
  return () => {
    if (ahead.length > 0) return Promise.resolve(ahead.shift()!);
    return new Promise((resolve) => {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.once('data', (data) => {
        stdin.setRawMode(false);
        stdin.pause();
        ahead.push(...(data.toString('utf8').match(/\x1b\[[0-9;]*[A-Za-z~]|[^]/gu) ?? []));
        resolve(ahead.shift() ?? '');
      });
    });
  };
}
