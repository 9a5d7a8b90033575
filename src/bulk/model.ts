// The data of a bulk run (goprod bulk): one record per repository, written to the report
// directory as each finishes (repos/<slug>.json, which --resume reads) and gathered into
// report.json and report.html at the end (and by `goprod bulk merge-reports`).
import type { RecordKind } from './pool.js';
import { arrayOf, boolean, type Check, number, object, oneOf, optional, recordOf, string } from '../checked-json.js';

/** What happened to one repository. */
export type RepoStatus =
  /** A branch with a verified commit was made. */
  | 'changed'
  /** Nothing to fix: no branch is left behind. */
  | 'unchanged'
  /** Not attempted, with the reason (the branch exists, not a git repository, …). */
  | 'skipped'
  /** Fixes were found but none could be verified (missing modules, code that does not compile before): no branch. */
  | 'unverified'
  /** Something went wrong (clone, toolchain, crash, timeout): the reason says what. */
  | 'failed';

export interface CodemodCounts {
  /** Fixes in the commit. */
  applied: number;
  /** Fixes the Go toolchain rejected (not in the commit). */
  backedOut: number;
  /** Fixes that could not be verified (not in the commit). */
  unverified: number;
}

export interface RepoRecord {
  /** The repository's identity: its clone URL, or its absolute path for a local one. Shards hash it. */
  id: string;
  /** A short name for people and file names (`org/repo`, or the directory's name). */
  name: string;
  status: RepoStatus;
  /** Why it was skipped, unverified or failed; for changed repositories, what was noted on the way. */
  reason?: string;
  /** Remarks that change nothing (a dirty checkout, modules that could not be verified). */
  notes: string[];
  /** The branch made (changed only). */
  branch?: string;
  /** The commit on that branch (changed only). */
  commit?: string;
  /** Per codemod that found something. */
  fixes: Record<string, CodemodCounts>;
  /** The commit's message and diff, as `git show --format=%B` prints them (changed only). */
  diff?: string;
  /** What the push command did (when one was given and the repository changed). */
  push?: { ok: boolean; output: string };
  startedAt: string;
  seconds: number;
}

const codemodCounts: Check<CodemodCounts> = object({ applied: number, backedOut: number, unverified: number });

/** What --resume and merge-reports check a record read back against. */
export const repoRecord: Check<RepoRecord> = object({
  id: string,
  name: string,
  status: oneOf('changed', 'unchanged', 'skipped', 'unverified', 'failed'),
  reason: optional(string),
  notes: arrayOf(string),
  branch: optional(string),
  commit: optional(string),
  fixes: recordOf(codemodCounts),
  diff: optional(string),
  push: optional(object({ ok: boolean, output: string })),
  startedAt: string,
  seconds: number,
});

export interface BulkReport {
  /** Bumped when the shape changes incompatibly. */
  version: 1;
  codemods: string[];
  branch: string;
  /** Which shard made it (absent: the whole list, or a merge of shards). */
  shard?: { index: number; count: number };
  startedAt: string;
  finishedAt: string;
  repositories: RepoRecord[];
}

/** goprod bulk's records: they have no kind. */
export const BULK_RECORDS: RecordKind<RepoRecord> = { kind: undefined, command: 'goprod bulk', record: repoRecord };

/** What merge-reports reads of a shard's report.json. */
export const bulkReportSpan = object({ codemods: arrayOf(string), branch: string, startedAt: string, finishedAt: string });

/** Repositories per status, and fixes per codemod (applied), for summaries. */
export function tally(report: BulkReport): { byStatus: Record<RepoStatus, number>; applied: Record<string, number>; backedOut: number } {
  const byStatus: Record<RepoStatus, number> = { changed: 0, unchanged: 0, skipped: 0, unverified: 0, failed: 0 };
  const applied: Record<string, number> = {};
  let backedOut = 0;
  for (const r of report.repositories) {
    byStatus[r.status]++;
    for (const [codemod, c] of Object.entries(r.fixes)) {
      applied[codemod] = (applied[codemod] ?? 0) + (r.status === 'changed' ? c.applied : 0);
      backedOut += c.backedOut;
    }
  }
  return { byStatus, applied, backedOut };
}
