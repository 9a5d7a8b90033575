// A directory's Go files, read once as bytes: the files a scan fixes and, for the package index,
// every other .go file the directory lists. A scan's result is a function of these bytes (and
// of its job), so their digest keys the scan cache (see scan-cache.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** By path: a file's bytes, or why it could not be read (an error code). */
export type ReadFiles = ReadonlyMap<string, Buffer | { error: string }>;

export interface DirectoryFiles {
  read: ReadFiles;
  /** The paths of the .go files the directory lists, in its order: the files of the package index. */
  listed: readonly string[];
  /** A digest of the listing and of every file read (its bytes or its error). */
  digest: string;
}

/** Reads `paths` (files of `dir`) and every .go file `dir` lists. */
export function readDirectoryFiles(dir: string, paths: readonly string[]): DirectoryFiles {
  let listing: string;
  let listed: string[];
  try {
    listed = readdirSync(dir)
      .filter((n) => n.endsWith('.go'))
      .map((n) => join(dir, n));
    listing = `${listed.join('\0')}\0\0`;
  } catch {
    listed = [];
    listing = 'unlisted\0';
  }
  const { read, digest } = readFiles([...new Set([...listed, ...paths])], listing);
  return { read, listed, digest };
}

/** Reads the files; the digest is of `salt` and of each file's path and bytes (or error). */
export function readFiles(paths: readonly string[], salt = ''): { read: ReadFiles; digest: string } {
  const hash = createHash('sha256').update(salt);
  const read = new Map<string, Buffer | { error: string }>();
  for (const path of paths) {
    const content = readBytes(path);
    read.set(path, content);
    hash.update(`${path}\0`);
    if ('error' in content) hash.update(`error ${content.error}\0`);
    else hash.update(`${content.length}\0`).update(content);
  }
  return { read, digest: hash.digest('hex') };
}

function readBytes(path: string): Buffer | { error: string } {
  try {
    return readFileSync(path);
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}
