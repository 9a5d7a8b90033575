// goprod's result cache: bytes kept under a key (a hex digest of everything they are a function
// of), in a directory of goprod's cache directory that concurrent runs share. The scan's and
// the module-wide codemods' findings (scan-cache.ts) and gofmt's outputs (format.ts) are kept
// here, so that a rerun over an unchanged tree neither parses nor formats again. Entries are written atomically (to a
// temporary file renamed into place), carry a checksum of their bytes (a corrupt or truncated
// one is a miss), and a trim removes those unused for days and the least recently used past a
// size: the cache does not grow without bound.
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { temporaryPath } from './interrupt.js';

/** Entries not used for this long are removed by a trim. */
const UNUSED_MS = 5 * 24 * 3600 * 1000;

/** Past this size, a trim removes the least recently used entries. */
const MAX_BYTES = 256 * 1024 * 1024;

/** A trim runs at most this often (it lists every entry), and removes temporary files older than this. */
const TRIM_EVERY_MS = 3600 * 1000;

/**
 * An entry starts with its payload's length and CRC-32 (4 bytes each, big-endian): a truncated or
 * corrupt entry is a miss. Entries are written whole and renamed into place, so this guards
 * against the disk, not against a writer; a CRC is cheaper than a cryptographic digest on the
 * tens of MB a rerun reads.
 */
const CHECK_BYTES = 8;

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
    let read: { bytes: Buffer; usedMs: number };
    try {
      read = readWithTime(path);
    } catch {
      return undefined;
    }
    const { bytes, usedMs } = read;
    const payload = bytes.subarray(CHECK_BYTES);
    if (bytes.length < CHECK_BYTES || bytes.readUInt32BE(0) !== payload.length || bytes.readUInt32BE(4) !== crc32(payload))
      return undefined;
    // Marked used (a trim keeps it) at most once per trim period: a rerun's thousands of hits need not each write.
    const now = Date.now();
    if (now - usedMs > TRIM_EVERY_MS) {
      try {
        utimesSync(path, now / 1000, now / 1000);
      } catch {
        // removed meanwhile by another run's trim: what was read is whole
      }
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
      const check = Buffer.alloc(CHECK_BYTES);
      check.writeUInt32BE(payload.length, 0);
      check.writeUInt32BE(crc32(payload), 4);
      writeFileSync(temporary, Buffer.concat([check, payload]));
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

/** A file's bytes and its time of last change (ms), from one opening. */
function readWithTime(path: string): { bytes: Buffer; usedMs: number } {
  const fd = openSync(path, 'r');
  try {
    return { usedMs: fstatSync(fd).mtimeMs, bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
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
