// Scanning directories in parallel: the per-directory step (scan.ts) is a pure function of
// plain data, so worker threads run it, each with its own wasm parser. Results come back in
// the order of the jobs, whatever order the workers finish in: the output is the same as on
// one thread. Worker pool: tinypool (small, no dependencies; it replaces a worker that dies).
import { availableParallelism } from 'node:os';
import Tinypool from 'tinypool';
import { codemods as registry } from '../../codemods/index.js';
import type { Codemod, OptionsByCodemod } from './codemod.js';
import type { GoParser } from './parse.js';
import type { ScanCache } from './scan-cache.js';
import { bugMessage, scanDirectory, type DirectoryJob, type DirectoryScan } from './scan.js';

export interface ScanTask {
  job: DirectoryJob;
  /** Names of registered codemods (functions do not cross to a worker). */
  codemods: string[];
  options: OptionsByCodemod;
}

/** Below this many files, starting workers (each loads the grammar) costs more than it saves. */
const FILES_FOR_WORKERS = 200;

/** Each worker holds its own heaps (tens of MB, more for huge files): the default stops here. */
const MAX_DEFAULT_THREADS = 8;

// Under vitest this module is loaded from src/*.ts; a worker needs the compiled JavaScript,
// which `npm test` builds first.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? '../../dist/src/engine/scan-worker.js' : './scan-worker.js', import.meta.url);

/**
 * Scans the directories: those the cache keeps a scan of are taken from it, the others are
 * scanned (and kept) on `threads` worker threads (default: one per core up to 8, none for a
 * small number of files), or on this thread when only one is asked for or a codemod is not a
 * registered one. `scanned` hears of each directory as it is done (in any order).
 */
export async function scanDirectories(
  parser: GoParser,
  jobs: readonly DirectoryJob[],
  codemods: readonly Codemod[],
  options: OptionsByCodemod,
  { threads, scanned = () => {}, cache }: { threads?: number; scanned?: (scan: DirectoryScan) => void; cache?: ScanCache } = {},
): Promise<DirectoryScan[]> {
  const kept = jobs.map((job) => cache?.get(job));
  kept.forEach((scan) => scan && scanned(scan));
  const missing = jobs.filter((_, i) => !kept[i]);
  const fresh = await scanJobs(parser, missing, codemods, options, threads, (scan, job) => {
    cache?.put(job, scan);
    scanned(scan);
  });
  let next = 0;
  return kept.map((scan) => scan ?? fresh[next++]!);
}

/** Scans the directories, on this thread or worker threads (see scanDirectories). */
async function scanJobs(
  parser: GoParser,
  jobs: readonly DirectoryJob[],
  codemods: readonly Codemod[],
  options: OptionsByCodemod,
  threads: number | undefined,
  scanned: (scan: DirectoryScan, job: DirectoryJob) => void,
): Promise<DirectoryScan[]> {
  const files = jobs.reduce((n, j) => n + j.files.length, 0);
  const n = threads ?? (files >= FILES_FOR_WORKERS ? Math.min(availableParallelism(), MAX_DEFAULT_THREADS) : 1);
  const told = (job: DirectoryJob) => (scan: DirectoryScan) => (scanned(scan, job), scan);
  if (n <= 1 || !codemods.every((c) => registry.includes(c)))
    return jobs.map((job) => told(job)(scanDirectory(parser, job, codemods, options)));
  const pool = new Tinypool({ filename: WORKER.href, minThreads: n, maxThreads: n });
  const names = codemods.map((c) => c.name);
  try {
    return await Promise.all(
      jobs.map((job): Promise<DirectoryScan> =>
        pool.run({ job, codemods: names, options } satisfies ScanTask).then(told(job), (e: unknown) => ({
          // A worker that died (out of memory, a wasm trap): the directory is skipped, the run goes on.
          scanned: 0,
          fixed: [],
          warnings: [{ order: job.files[0]!.order, stage: 'analysis', path: job.dir, message: bugMessage(e) }],
          moduleNeeds: {},
          untyped: [],
          digest: '',
        })),
      ),
    );
  } finally {
    await pool.destroy();
  }
}
