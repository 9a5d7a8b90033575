// Waiting for a child process to reach a point (a file it writes) without polling forever: the
// wait ends when the condition holds, fails when the child exits without it, and fails after a
// deadline (a generous one: it guards against a hang, it measures nothing).
import type { ChildProcess } from 'node:child_process';

export function untilChildShows(child: ChildProcess, condition: () => boolean, what: string, deadlineMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const settle = (error?: Error) => {
      clearInterval(poll);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve();
    };
    // The child may write what is awaited and exit between two polls: look once more first.
    const exited = () => settle(condition() ? undefined : new Error(`the child exited (status ${child.exitCode}, signal ${child.signalCode}) before ${what}`));
    const poll = setInterval(() => {
      if (condition()) settle();
      else if (Date.now() - started > deadlineMs) settle(new Error(`no ${what} after ${deadlineMs / 1000} s`));
    }, 20);
    child.on('exit', exited);
    if (child.exitCode !== null || child.signalCode !== null) exited();
  });
}
