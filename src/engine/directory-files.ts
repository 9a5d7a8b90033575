// A directory's Go files, read once as bytes: the files a scan fixes and, for the package index,
// every other .go file the directory lists. A scan's result is a function of these bytes (and
// of its job), so their digest keys the scan cache (see scan-cache.ts). Each file's stamp (what
// stat says of it as it is read) is kept with the digest, so that a rerun can tell an unchanged
// directory by stat alone, as git tells an unchanged work tree from its index (see unchangedDigest).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';

/** By path: a file's bytes, or why it could not be read (an error code). */
export type ReadFiles = ReadonlyMap<string, Buffer | { error: string }>;

export interface DirectoryFiles {
  read: ReadFiles;
  /** The paths of the .go files the directory lists, in its order: the files of the package index. */
  listed: readonly string[];
  /** A digest of the listing and of every file read (its bytes or its error). */
  digest: string;
  /** The digest with what stat said of the files as they were read; undefined when a file could not be read or changed meanwhile. */
  stamped: StampedDigest | undefined;
}

/**
 * A directory's digest with the stamp of each of its files (size, times of change in
 * nanoseconds, inode, device), the listing it was taken from, and the wall-clock time (ms) before
 * the files were looked at.
 */
export interface StampedDigest {
  digest: string;
  listing: string;
  stamps: Array<[path: string, stamp: string]>;
  at: number;
}

/**
 * A file changed less than this long before its stamp was taken is not known unchanged by its
 * stamp: written again within the same tick of its file system's clock (2 s on FAT, a few ms on
 * ext4), its size and times would read the same (git's "racily clean" files). The margin also
 * covers the file system's clock lagging the wall clock by a tick.
 */
const RACY_MS = 3000;

/**
 * Reads `paths` (files of `dir`) and every .go file `dir` lists (`names`, as a walk that just
 * read it found them, or listed now); `at`: the time of the reading (see StampedDigest).
 */
export function readDirectoryFiles(dir: string, paths: readonly string[], names?: readonly string[], at = Date.now()): DirectoryFiles {
  const listing = listGoFiles(dir, names);
  const read = new Map<string, Buffer | { error: string }>();
  const stamps: StampedDigest['stamps'] = [];
  let stampable = true;
  for (const path of allPaths(listing, paths)) {
    const file = readStamped(path);
    read.set(path, 'error' in file ? file : file.bytes);
    if ('error' in file || file.stamp === undefined) stampable = false;
    else stamps.push([path, file.stamp]);
  }
  const digest = digestOf(read, listing.text);
  return { read, listed: listing.listed, digest, stamped: stampable ? { digest, listing: listing.text, stamps, at } : undefined };
}

/**
 * The digest of the directory's files as they are now, from stat alone, if `stamped` (taken
 * on a run before) still describes them: the same listing, each file's stamp unchanged and
 * older than the stamping by RACY_MS; undefined otherwise (the files must be read).
 */
export function unchangedDigest(
  dir: string,
  paths: readonly string[],
  stamped: StampedDigest,
  names?: readonly string[],
): string | undefined {
  const listing = listGoFiles(dir, names);
  if (listing.text !== stamped.listing) return undefined;
  const stamps = new Map(stamped.stamps);
  const all = allPaths(listing, paths);
  if (all.length !== stamps.size) return undefined;
  for (const path of all) {
    const recorded = stamps.get(path);
    let now: BigIntStats;
    try {
      now = statSync(path, { bigint: true });
    } catch {
      return undefined;
    }
    if (recorded === undefined || !trusted(recorded, stampOf(now), stamped.at)) return undefined;
  }
  return stamped.digest;
}

/**
 * A file's bytes, read anew, if they are still those `stamped` describes (its stamp read with
 * them is the recorded one, and trusted); undefined otherwise.
 */
export function readUnchanged(path: string, stamped: StampedDigest): Buffer | undefined {
  const recorded = stamped.stamps.find(([p]) => p === path)?.[1];
  const file = readStamped(path);
  return recorded !== undefined && !('error' in file) && file.stamp !== undefined && trusted(recorded, file.stamp, stamped.at)
    ? file.bytes
    : undefined;
}

/**
 * Whether a file whose stamp was `recorded` at `at` (ms) and is `now` is known unchanged: the
 * stamps are equal, and the file had last changed RACY_MS before `at` (a later change, in
 * another tick of the clock, gives it other times).
 */
export function trusted(recorded: string, now: string, at: number): boolean {
  if (recorded !== now) return false;
  const [, mtimeNs, ctimeNs] = recorded.split(' ');
  const limit = BigInt(at - RACY_MS) * 1_000_000n;
  return BigInt(mtimeNs!) < limit && BigInt(ctimeNs!) < limit;
}

/** Reads the files; the digest is of each file's path and bytes (or error). */
export function readFiles(paths: readonly string[]): { read: ReadFiles; digest: string } {
  const read = new Map(paths.map((path) => [path, readBytes(path)]));
  return { read, digest: digestOf(read, '') };
}

/** The .go files `dir` lists (`names`, or listed now), and the listing as text (`unlisted` when it cannot be read). */
function listGoFiles(dir: string, names?: readonly string[]): { listed: string[]; text: string } {
  try {
    const listed = (names ?? readdirSync(dir).filter((n) => n.endsWith('.go'))).map((n) => join(dir, n));
    return { listed, text: `${listed.join('\0')}\0\0` };
  } catch {
    return { listed: [], text: 'unlisted\0' };
  }
}

function allPaths(listing: { listed: readonly string[] }, paths: readonly string[]): string[] {
  return [...new Set([...listing.listed, ...paths])];
}

/** The digest of `salt` and of each file's path and bytes (or error). */
function digestOf(read: ReadFiles, salt: string): string {
  const hash = createHash('sha256').update(salt);
  for (const [path, content] of read) {
    hash.update(`${path}\0`);
    if ('error' in content) hash.update(`error ${content.error}\0`);
    else hash.update(`${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** A file's bytes and its stamp, taken on the open file before reading (none when it changed size meanwhile). */
function readStamped(path: string): { bytes: Buffer; stamp: string | undefined } | { error: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return errorOf(e);
  }
  try {
    const before = fstatSync(fd, { bigint: true });
    const bytes = readFileSync(fd);
    return { bytes, stamp: BigInt(bytes.length) === before.size ? stampOf(before) : undefined };
  } catch (e) {
    return errorOf(e);
  } finally {
    closeSync(fd);
  }
}

function stampOf(s: BigIntStats): string {
  return `${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.ino} ${s.dev}`;
}

function readBytes(path: string): Buffer | { error: string } {
  try {
    return readFileSync(path);
  } catch (e) {
    return errorOf(e);
  }
}

function errorOf(e: unknown): { error: string } {
  return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
}
