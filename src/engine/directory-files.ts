// A directory's Go files, read once as bytes: the files a scan fixes and, for the package index,
// every other .go file the directory lists. A scan's result is a function of these bytes (and
// of its job), so their digest keys the scan cache (see scan-cache.ts).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DirectoryFiles {
  /** By path: the file's bytes, or why it could not be read (an error code). */
  read: ReadonlyMap<string, Buffer | { error: string }>;
  /** The paths of the .go files the directory lists, in its order: the files of the package index. */
  listed: readonly string[];
  /** A digest of the listing and of every file read (its bytes or its error). */
  digest: string;
}

/** Reads `paths` (files of `dir`) and every .go file `dir` lists. */
export function readDirectoryFiles(dir: string, paths: readonly string[]): DirectoryFiles {
  const hash = createHash('sha256');
  let listed: string[];
  try {
    listed = readdirSync(dir)
      .filter((n) => n.endsWith('.go'))
      .map((n) => join(dir, n));
  } catch {
    listed = [];
    hash.update('unlisted\0');
  }
  hash.update(`${listed.join('\0')}\0\0`);
  const read = new Map<string, Buffer | { error: string }>();
  for (const path of [...listed, ...paths]) {
    if (read.has(path)) continue;
    const content = readBytes(path);
    read.set(path, content);
    hash.update(`${path}\0`);
    if ('error' in content) hash.update(`error ${content.error}\0`);
    else hash.update(`${content.length}\0`).update(content);
  }
  return { read, listed, digest: hash.digest('hex') };
}

function readBytes(path: string): Buffer | { error: string } {
  try {
    return readFileSync(path);
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}
