// One repository of a bulk run: a worktree on a new branch from HEAD (the user's checkout,
// index and current branch stay as they are), `goprod fix --write` in it as a child process
// (verification and back-out included; a crash or a timeout ends only this repository), and
// one commit. No change, no branch.
import { existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git, goprodChild, lastLines, ownConfigFlag, repositoryDir, type ChildRun } from './child.js';
import type { CodemodCounts, RepoRecord } from './model.js';
import type { Repo } from './repos.js';
import { parseChecked } from '../checked-json.js';
import { fixDocument, statusOf, type FixDocument } from '../output/json.js';

export interface JobOptions {
  codemods: string[];
  branch: string;
  /** The report directory: clones of repositories given by URL live under it. */
  reportDir: string;
  /** Where worktrees are made (outside every repository, so no checkout sees them). */
  worktreesDir: string;
  download: boolean;
  /** Let codemods ask Go's type checker (goprod fix's default); false: --no-type-facts. */
  typeFacts?: boolean;
  /** Minutes before a repository's run is stopped. */
  timeoutMinutes: number;
  /** Continuing an interrupted run: a branch this run made before it was killed is taken as done. */
  resume: boolean;
  /** Runs the push command in the worktree of a changed repository (see run.ts: one at a time, spaced). */
  push?: (repo: Repo, worktree: string, env: Record<string, string>) => Promise<{ ok: boolean; output: string }>;
  /** Told what the repository is doing, for the progress display. */
  onStage?: (stage: string) => void;
}

export async function runJob(repo: Repo, options: JobOptions): Promise<RepoRecord> {
  const started = Date.now();
  const record: RepoRecord = {
    id: repo.id,
    name: repo.name,
    status: 'failed',
    notes: [],
    fixes: {},
    startedAt: new Date(started).toISOString(),
    seconds: 0,
  };
  const worktree = join(options.worktreesDir, repo.slug);
  let source: string | undefined;
  try {
    source = await repositoryDir(repo, options.reportDir, options.onStage);
    await work(repo, source, worktree, record, options);
  } catch (e) {
    record.status = 'failed';
    record.reason = e instanceof Error ? e.message : String(e);
  } finally {
    if (source && existsSync(worktree))
      await git(source, ['worktree', 'remove', '--force', worktree]).catch(() => rmSync(worktree, { recursive: true, force: true }));
    record.seconds = Math.round((Date.now() - started) / 100) / 10;
  }
  return record;
}

async function work(repo: Repo, source: string, worktree: string, record: RepoRecord, options: JobOptions): Promise<void> {
  const top = await git(source, ['rev-parse', '--show-toplevel']).then(
    (t) => realpathSync(t.trim()),
    () => undefined,
  );
  if (top === undefined) return skip(record, 'not a git repository');
  if (top !== realpathSync(source)) return skip(record, `not the top of a git repository (it is inside ${top})`);
  if (await branchExists(source, options.branch)) {
    if (options.resume && (await adopt(source, record, options))) return;
    return skip(record, `branch ${options.branch} already exists; not overwritten (delete it, or choose another --branch)`);
  }
  if ((await git(source, ['status', '--porcelain'])) !== '')
    record.notes.push('the checkout has uncommitted changes: the branch starts from HEAD, without them');
  if (existsSync(worktree))
    await git(source, ['worktree', 'remove', '--force', worktree]).catch(() => rmSync(worktree, { recursive: true, force: true }));
  await git(source, ['worktree', 'prune']);
  mkdirSync(dirname(worktree), { recursive: true });
  await git(source, ['worktree', 'add', '--quiet', '--detach', worktree, 'HEAD']);

  options.onStage?.('fixing and verifying');
  const run = await fixIn(worktree, options);
  const summary = summarize(run.json);
  record.fixes = summary.counts;
  const changed = (await git(worktree, ['status', '--porcelain', '--untracked-files=all'])) !== '';
  if (!changed) {
    if (run.code !== 0 && !run.json) throw new Error(`goprod fix failed (exit ${run.code}): ${lastLines(run.stderr)}`);
    const unverified = Object.values(summary.counts).some((c) => c.unverified > 0);
    record.status = unverified ? 'unverified' : 'unchanged';
    if (unverified) record.reason = summary.unverifiedReasons.join('; ');
    return;
  }
  if (summary.unverifiedReasons.length > 0)
    record.notes.push(`some fixes could not be verified and are not in the commit: ${summary.unverifiedReasons.join('; ')}`);
  if (run.code !== 0) record.notes.push(`goprod fix ended with status ${run.code} (a file it could not write?): ${lastLines(run.stderr)}`);

  await commitAndPush(repo, worktree, record, summary, options);
}

/** One commit of the fixes on the new branch (then the push command, if any): the repository is changed. */
async function commitAndPush(repo: Repo, worktree: string, record: RepoRecord, summary: FixSummary, options: JobOptions): Promise<void> {
  options.onStage?.('committing');
  await git(worktree, ['switch', '--quiet', '-c', options.branch]);
  await git(worktree, ['add', '--all']);
  const message = commitMessage(summary, options.codemods);
  await git(worktree, ['commit', '--quiet', '--no-verify', '-m', message.subject, ...(message.body ? ['-m', message.body] : [])]).catch(
    (e: Error) => {
      throw new Error(
        /user\.(name|email)|identity/i.test(e.message)
          ? 'git has no author identity to commit with: set user.name and user.email (git config --global …)'
          : e.message,
      );
    },
  );
  record.status = 'changed';
  record.branch = options.branch;
  record.commit = (await git(worktree, ['rev-parse', 'HEAD'])).trim();
  record.diff = await git(worktree, ['show', '--format=%B', '--no-color', 'HEAD']);
  if (options.push) {
    options.onStage?.('pushing');
    record.push = await options.push(repo, worktree, {
      GOPROD_REPO: repo.name,
      GOPROD_REPO_ID: repo.id,
      GOPROD_BRANCH: options.branch,
      GOPROD_COMMIT: record.commit,
      GOPROD_SUMMARY: message.subject,
    });
  }
}

/**
 * A run killed between its commit and its record left the branch: one commit on top of HEAD
 * with goprod's subject. Taken as this repository's result (counts from the subject).
 */
async function adopt(source: string, record: RepoRecord, options: JobOptions): Promise<boolean> {
  const [tip, parent, subject] = (await git(source, ['log', '-1', '--format=%H%n%P%n%s', `refs/heads/${options.branch}`])).split('\n');
  const head = (await git(source, ['rev-parse', 'HEAD'])).trim();
  if (parent !== head || !subject?.startsWith('goprod: ')) return false;
  for (const [, codemod, n] of subject.matchAll(/([\w-]+) \((\d+)/g))
    record.fixes[codemod!] = { applied: Number(n), backedOut: 0, unverified: 0 };
  Object.assign(record, {
    status: 'changed',
    branch: options.branch,
    commit: tip,
    diff: await git(source, ['show', '--format=%B', '--no-color', tip!]),
  });
  record.notes.push('committed by a run that was interrupted before recording it (backed-out counts are in the commit message)');
  return true;
}

function skip(record: RepoRecord, reason: string): void {
  record.status = 'skipped';
  record.reason = reason;
}

async function branchExists(repo: string, branch: string): Promise<boolean> {
  return git(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).then(
    () => true,
    () => false,
  );
}

/** `goprod fix --write --format=json` in the worktree, every module under it. */
async function fixIn(worktree: string, options: JobOptions): Promise<ChildRun & { json?: FixDocument }> {
  // The repository's own config file applies (excludes, options); none found above the worktree does.
  const args = [
    'fix',
    '--write',
    '--format=json',
    `--codemod=${options.codemods.join(',')}`,
    '--threads=1',
    ownConfigFlag(worktree),
    ...(options.download ? ['--download'] : []),
    ...(options.typeFacts === false ? ['--no-type-facts'] : []),
    '.',
  ];
  const run = await goprodChild(args, worktree, options.timeoutMinutes);
  try {
    return { ...run, json: parseChecked(run.stdout, fixDocument) };
  } catch {
    return run; // no document: the run failed before its report
  }
}

interface FixSummary {
  counts: Record<string, CodemodCounts>;
  backedOut: string[];
  unverifiedReasons: string[];
}

function summarize(json: FixDocument | undefined): FixSummary {
  const summary: FixSummary = { counts: {}, backedOut: [], unverifiedReasons: [] };
  for (const finding of json?.findings ?? []) {
    for (const fix of finding.fixes) {
      const c = (summary.counts[finding.codemod] ??= { applied: 0, backedOut: 0, unverified: 0 });
      const { kind, detail } = statusOf(fix.status);
      if (kind === 'applied') c.applied++;
      else if (kind === 'backed-out') {
        c.backedOut++;
        summary.backedOut.push(`${finding.codemod} at ${finding.file}:${finding.line}: ${detail}`);
      } else if (kind === 'unverified') {
        c.unverified++;
        if (!summary.unverifiedReasons.includes(detail) && summary.unverifiedReasons.length < 3) summary.unverifiedReasons.push(detail);
      }
    }
  }
  return summary;
}

/** `goprod: wrap-errors (12 fixes), loopvar (3)` (codemods in the order asked), with the backed-out fixes in the body. */
function commitMessage(summary: FixSummary, codemods: readonly string[]): { subject: string; body?: string } {
  const parts = codemods
    .flatMap((codemod) => (summary.counts[codemod]?.applied ? [[codemod, summary.counts[codemod].applied] as const] : []))
    .map(([codemod, n], i) => `${codemod} (${n}${i === 0 ? ` ${n === 1 ? 'fix' : 'fixes'}` : ''})`);
  const body =
    summary.backedOut.length > 0
      ? `Backed out (the Go toolchain rejected them; not in this commit):\n${summary.backedOut.map((b) => `- ${b}`).join('\n')}`
      : undefined;
  return { subject: `goprod: ${parts.join(', ')}`, body };
}
