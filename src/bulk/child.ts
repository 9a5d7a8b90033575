// What a repository's job runs outside this process: git (a clone of a repository given by
// URL), and goprod itself as a child process in the repository (a crash or a timeout ends only
// that repository), with the repository's own config file.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_NAMES } from '../cli/config.js';
import { childProcess } from '../engine/interrupt.js';
import type { Repo } from './repos.js';

// Under vitest this module is loaded from src/bulk/*.ts; the child needs the compiled CLI, which `npm test` builds.
const CLI = new URL(import.meta.url.endsWith('.ts') ? '../../dist/src/cli.js' : '../cli.js', import.meta.url).pathname;

/** A local repository as it is; a URL cloned (shallow) under `reportDir/clones`, or the clone an interrupted run left there. */
export async function repositoryDir(repo: Repo, reportDir: string, onStage?: (stage: string) => void): Promise<string> {
  if (repo.local) return repo.local;
  const dir = join(reportDir, 'clones', repo.slug);
  if (existsSync(join(dir, '.git'))) return dir; // cloned by an earlier, interrupted run
  onStage?.('cloning');
  mkdirSync(dirname(dir), { recursive: true });
  // One commit suffices for a branch on top of HEAD; credentials are git's business.
  await git(dirname(dir), ['clone', '--quiet', '--depth=1', '--no-tags', '--', repo.id, dir]);
  return dir;
}

/** `--config=<dir>/goprod.yaml` when the repository has its own config file, else `--no-config` (none found above it applies). */
export function ownConfigFlag(dir: string): string {
  const config = CONFIG_NAMES.map((name) => join(dir, name)).find((path) => existsSync(path));
  return config ? `--config=${config}` : '--no-config';
}

export interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `goprod ARGS` in `cwd`, stopped with the run (Ctrl-C) and after `timeoutMinutes`; rejects
 * when a signal ended it. CI and NO_COLOR keep progress lines and colour out of its output.
 */
export function goprodChild(args: readonly string[], cwd: string, timeoutMinutes: number): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, CI: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    childProcess(child); // stopped with the run
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMinutes * 60_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal)
        return fail(new Error(signal === 'SIGTERM' ? `timed out after ${timeoutMinutes} minutes` : `goprod ${args[0]} ended by ${signal}`));
      done({ code: code ?? 2, stdout, stderr });
    });
  });
}

/** The last lines of a child's stderr, for a reason on one line. */
export function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

/** git's stdout; rejects with its stderr. */
export function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => (error ? fail(new Error(`git ${args[0]}: ${stderr.trim() || error.message}`)) : done(stdout)),
    ),
  );
}
