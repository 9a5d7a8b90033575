// Scanning directories in parallel: the per-directory step (scan.ts) is a pure function of
// plain data, so worker threads run it, each with its own wasm parser. Results come back in
// the order of the jobs, whatever order the workers finish in: the output is the same as on
// one thread. Worker pool: tinypool (small, no dependencies; it replaces a worker that dies).
import { availableParallelism } from 'node:os';
import { codemods as registry } from '../../codemods/index.js';
import type { Codemod, OptionsByCodemod } from './codemod.js';
import type { GoParser } from './parse.js';
import { scanCached, type ScanCache, type ScanCacheAt } from './scan-cache.js';
import { bugMessage, type DirectoryJob, type DirectoryScan } from './scan.js';

export interface ScanTask {
  job: DirectoryJob;
  /** Names of registered codemods (functions do not cross to a worker). */
  codemods: string[];
  options: OptionsByCodemod;
  /** The scan cache to take the scan from or keep it in, if any. */
  cache?: ScanCacheAt;
}

/** Below this many files, starting workers (each loads the grammar) costs more than it saves. */
const FILES_FOR_WORKERS = 200;

/** Each worker holds its own heaps (tens of MB, more for huge files): the default stops here. */
const MAX_DEFAULT_THREADS = 8;

// Under vitest this module is loaded from src/*.ts; a worker needs the compiled JavaScript,
// which `npm test` builds first.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? '../../dist/src/engine/scan-worker.js' : './scan-worker.js', import.meta.url);

/**
 * Scans the directories: those stat shows unchanged since the cache kept their scan are taken
 * from it without reading them (see ScanCache.getUnchanged), the others are read and taken from
 * the cache if it keeps a scan of their bytes, else scanned (and kept), on `threads` worker
 * threads (default: one per core up to 8, none for a small number of files), or on this thread
 * when only one is asked for or a codemod is not a registered one. `scanned` hears of each
 * directory as it is done (in any order). `parser` is only asked for when this thread scans.
 */
export async function scanDirectories(
  parser: () => Promise<GoParser>,
  jobs: readonly DirectoryJob[],
  codemods: readonly Codemod[],
  options: OptionsByCodemod,
  { threads, scanned = () => {}, cache }: { threads?: number; scanned?: (scan: DirectoryScan) => void; cache?: ScanCache } = {},
): Promise<DirectoryScan[]> {
  const kept = jobs.map((job) => cache?.getUnchanged(job));
  kept.forEach((scan) => scan && scanned(scan));
  const missing = jobs.filter((_, i) => !kept[i]);
  const fresh = await scanJobs(parser, missing, { codemods, options, cache }, threads, scanned);
  let next = 0;
  return kept.map((scan) => scan ?? fresh[next++]!);
}

/** Scans the directories, on this thread or worker threads (see scanDirectories). */
async function scanJobs(
  parser: () => Promise<GoParser>,
  jobs: readonly DirectoryJob[],
  { codemods, options, cache }: { codemods: readonly Codemod[]; options: OptionsByCodemod; cache?: ScanCache },
  threads: number | undefined,
  scanned: (scan: DirectoryScan) => void,
): Promise<DirectoryScan[]> {
  if (jobs.length === 0) return [];
  const files = jobs.reduce((n, j) => n + j.files.length, 0);
  const n = threads ?? (files >= FILES_FOR_WORKERS ? Math.min(availableParallelism(), MAX_DEFAULT_THREADS) : 1);
  const told = (scan: DirectoryScan) => (scanned(scan), scan);
  if (n <= 1 || !codemods.every((c) => registry.includes(c))) {
    const here = await parser();
    return jobs.map((job) => told(scanCached(here, job, codemods, options, cache)));
  }
  // Loaded only here: a run that starts no worker does without it.
  const { default: Tinypool } = await import('tinypool');
  const pool = new Tinypool({ filename: WORKER.href, minThreads: n, maxThreads: n });
  const names = codemods.map((c) => c.name);
  try {
    return await Promise.all(
      jobs.map((job): Promise<DirectoryScan> =>
        pool.run({ job, codemods: names, options, cache: cache?.where } satisfies ScanTask).then(told, (e: unknown) => ({
          // A worker that died (out of memory, a wasm trap): the directory is skipped, the run goes on.
          scanned: 0,
          fixed: [],
          warnings: [{ order: job.files[0]!.order, stage: 'analysis', path: job.dir, message: bugMessage(e) }],
          moduleNeeds: {},
          untyped: [],
        })),
      ),
    );
  } finally {
    await pool.destroy();
  }
}
