// A worker thread of the scan (see pool.ts): its own Go parser, the codemods by name.
import { codemods } from '../../codemods/index.js';
import { loadGoParser } from './parse.js';
import { scanCached, ScanCache } from './scan-cache.js';
import type { DirectoryScan } from './scan.js';
import type { ScanTask } from './pool.js';

export default async function scan(task: ScanTask): Promise<DirectoryScan> {
  return scanCached(
    await loadGoParser(),
    task.job,
    codemods.filter((c) => task.codemods.includes(c.name)),
    task.options,
    task.cache && ScanCache.at(task.cache),
  );
}
