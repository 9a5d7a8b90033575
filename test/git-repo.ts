import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { writeTree } from './tree.js';

/** git with an author and committer, whatever the machine's configuration. */
export const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com' };

export const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV }).trim();

/** A git repository at `root` holding a Go module (example.com/<its name>, go 1.21) with the given files, committed on main unless `commit` is false. */
export function gitRepo(root: string, files: Record<string, string>, { commit = true } = {}): string {
  writeTree(root, { 'go.mod': `module example.com/${basename(root).replace(/\W/g, '')}\n\ngo 1.21\n`, ...files });
  if (commit) {
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'init');
  }
  return root;
}
