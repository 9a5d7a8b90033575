// goprod's result cache: bytes kept under a key (a hex digest of everything they are a function
// of), in a directory of goprod's cache directory that concurrent runs share. The scan's and
// the module-wide codemods' findings (scan-cache.ts) and gofmt's outputs (format.ts) are kept
// here, so that a rerun over an unchanged tree neither parses nor formats again. Entries are written atomically (to a
// temporary file renamed into place), carry a digest of their bytes (a corrupt or truncated
// one is a miss), and a trim removes those unused for days and the least recently used past a
// size: the cache does not grow without bound.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { temporaryPath } from './interrupt.js';

/** Entries not used for this long are removed by a trim. */
const UNUSED_MS = 5 * 24 * 3600 * 1000;

/** Past this size, a trim removes the least recently used entries. */
const MAX_BYTES = 256 * 1024 * 1024;

/** A trim runs at most this often (it lists every entry), and removes temporary files older than this. */
const TRIM_EVERY_MS = 3600 * 1000;

const DIGEST_BYTES = 32;

export class ResultCache {
  private readonly maxBytes: number;

  constructor(
    readonly dir: string,
    { maxBytes = MAX_BYTES }: { maxBytes?: number } = {},
  ) {
    this.maxBytes = maxBytes;
  }

  /** The bytes kept under the key, if they are there whole. */
  get(key: string): Buffer | undefined {
    const path = this.pathOf(key);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return undefined;
    }
    const payload = bytes.subarray(DIGEST_BYTES);
    if (bytes.length < DIGEST_BYTES || !digest(payload).equals(bytes.subarray(0, DIGEST_BYTES))) return undefined;
    try {
      const now = new Date();
      utimesSync(path, now, now); // used: a trim keeps it
    } catch {
      // removed meanwhile by another run's trim: what was read is whole
    }
    return payload;
  }

  /** Keeps the bytes under the key; a cache that cannot be written only costs time. */
  put(key: string, payload: Uint8Array): void {
    const path = this.pathOf(key);
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const done = temporaryPath(temporary);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(temporary, Buffer.concat([digest(payload), payload]));
      renameSync(temporary, path);
    } catch {
      removeQuietly(temporary);
    } finally {
      done();
    }
  }

  /**
   * At most once an hour: removes entries unused for 5 days, then the least recently used
   * until the cache is under its size, and temporary files of runs that died.
   */
  trim(now = Date.now()): void {
    const stamp = join(this.dir, 'trimmed');
    try {
      if (now - statSync(stamp).mtimeMs < TRIM_EVERY_MS) return;
    } catch {
      // never trimmed
    }
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(stamp, '');
    } catch {
      return;
    }
    let total = 0;
    for (const e of listEntries(this.dir).sort((a, b) => b.mtimeMs - a.mtimeMs)) {
      const stale = now - e.mtimeMs > (e.temporary ? TRIM_EVERY_MS : UNUSED_MS);
      if (stale || (!e.temporary && total + e.size > this.maxBytes)) removeQuietly(e.path);
      else total += e.size;
    }
  }

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{16,}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return join(this.dir, key.slice(0, 2), key.slice(2));
  }
}

/** A key: the digest of the parts, each told apart from the next. */
export function cacheKey(...parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}\0`).update(part);
  return hash.digest('hex');
}

function digest(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function listEntries(dir: string): Array<{ path: string; size: number; mtimeMs: number; temporary: boolean }> {
  const found = [];
  for (const sub of readdirSafely(dir).filter((n) => /^[0-9a-f]{2}$/.test(n))) {
    for (const name of readdirSafely(join(dir, sub))) {
      const path = join(dir, sub, name);
      try {
        const { size, mtimeMs } = statSync(path);
        found.push({ path, size, mtimeMs, temporary: name.endsWith('.tmp') });
      } catch {
        // removed by another run meanwhile
      }
    }
  }
  return found;
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // not there, or not ours to remove
  }
}

function readdirSafely(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
