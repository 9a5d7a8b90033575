// Ctrl-C and SIGTERM leave nothing behind: the temporary files and directories goprod made
// (in TMPDIR, and while writing next to the user's files) are removed and running go
// commands are stopped. Each temporary name carries the process id, so a run can also
// clear what a killed run (SIGKILL, power loss) left.
import type { ChildProcess } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanups = new Set<() => void>();
const running = new Set<ChildProcess>();

/** Registers what to undo if the run is interrupted, until the returned function is called. */
export function onInterrupt(undo: () => void): () => void {
  cleanups.add(undo);
  return () => void cleanups.delete(undo);
}

/** Registers a temporary file or directory to remove if the run is interrupted. */
export function temporaryPath(path: string): () => void {
  return onInterrupt(() => rmSync(path, { recursive: true, force: true }));
}

export function childProcess(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/** The prefix of goprod's temporary directories: `<dir>/goprod-<kind>-<pid>-` (dir: TMPDIR unless given). */
export function tempPrefix(kind: string, dir: string = tmpdir()): string {
  return join(dir, `goprod-${kind}-${process.pid}-`);
}

/** Stops the go commands and undoes what is registered; synchronous, for a signal handler. */
export function cleanUp(): void {
  for (const child of running) child.kill('SIGTERM');
  for (const undo of cleanups) {
    try {
      undo();
    } catch {
      // best effort: the next run reports what is left
    }
  }
  cleanups.clear();
}

/** Whether the process with this id is gone (a temporary path of it is stale). */
export function isDead(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes the TMPDIR directories of goprod runs that are gone; their names. */
export function removeStaleTempDirs(): string[] {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return [];
  }
  const stale = names.filter((n) => {
    const m = /^goprod-[a-z]+-(\d+)-/.exec(n);
    return m !== null && isDead(Number(m[1]));
  });
  for (const n of stale) rmSync(join(tmpdir(), n), { recursive: true, force: true });
  return stale.map((n) => join(tmpdir(), n));
}

let received: NodeJS.Signals | undefined;

/** The signal that interrupted this run, if any. */
export function interruption(): NodeJS.Signals | undefined {
  return received;
}

const EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `work` with SIGINT and SIGTERM handled. Outside `writing` phases a signal cleans up,
 * says so (and `outcome`: what the run leaves), and exits at once; during one (see `writing`), the run stops after the file
 * being written and reports what it wrote, then exits with the signal's status.
 */
export async function withInterrupts<T>(
  say: (line: string) => void,
  work: () => Promise<T>,
  outcome = 'nothing was written',
): Promise<T | number> {
  received = undefined;
  const handler = (signal: NodeJS.Signals) => {
    received = signal;
    if (writingNow) return;
    cleanUp();
    say(`goprod: interrupted by ${signal}; ${outcome}\n`);
    process.exit(EXIT[signal as keyof typeof EXIT]);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    const result = await work();
    return received ? EXIT[received as keyof typeof EXIT] : result;
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

let writingNow = false;

/** Marks the phase in which files are being written: a signal then stops it between two files (see withInterrupts). */
export async function writing<T>(work: () => Promise<T>): Promise<T> {
  writingNow = true;
  try {
    return await work();
  } finally {
    writingNow = false;
  }
}
