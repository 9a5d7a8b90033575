// Reading and writing users' Go files without losing anything: the byte-order mark is kept
// aside and restored, text that is not UTF-8 is refused, and writes are atomic.
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ModuleFiles } from './codemod.js';
import { temporaryPath } from './interrupt.js';

const BOM = '\uFEFF';

export interface SourceText {
  /** The text without a byte-order mark; what parsing and edits see. */
  text: string;
  bom: boolean;
}

/** Reads a file as UTF-8; undefined if it is not valid UTF-8 (goprod will not rewrite it). */
export function readSource(path: string): SourceText | undefined {
  return decodeSource(readFileSync(path));
}

/** A file's bytes as UTF-8 text; undefined if they are not valid UTF-8. */
export function decodeSource(bytes: Uint8Array): SourceText | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    if (e instanceof TypeError) return undefined;
    throw e;
  }
  return text.startsWith(BOM) ? { text: text.slice(1), bom: true } : { text, bom: false };
}

/** The module's files as the disk has them, for a module-wide codemod (see ModuleFiles). */
export const filesOnDisk: ModuleFiles = {
  goFilesIn: (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.go')) : []),
  text: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
};

export function withBom(source: SourceText, text: string): string {
  return source.bom ? BOM + text : text;
}

/** A file goprod will not write, with the reason to show the user. */
export class NotWritable extends Error {}

/**
 * Replaces a file's content the way `gofmt -w` users expect, or creates it (0644, with its
 * directories). Through a symbolic link the target is written and the link stays. The mode,
 * owner and group are kept. A read-only file (no write bit, or one this user may not write)
 * is refused with NotWritable. Normally the new content goes to a temporary file in the same
 * directory that is renamed over the old one, so a reader never sees half a file; a file with
 * other hard links, in a directory this user may not write, or whose owner a rename would
 * change is rewritten in place instead (as gofmt does; the old content is put back if the
 * write fails), so every link sees the fix.
 */
export function writeSourceAtomic(path: string, content: string): { hardLinks: number } {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    viaTemporary(path, content, 0o644);
    return { hardLinks: 1 };
  }
  const target = realpathSync(path);
  const stat = statSync(target);
  // A device or a pipe (`--output /dev/stdout`, `/dev/null`) is written to: a rename would put a
  // regular file in its place (as root, even /dev/null).
  if (!stat.isFile()) {
    writeFileSync(target, content);
    return { hardLinks: stat.nlink };
  }
  if ((stat.mode & 0o222) === 0 || !canWrite(target))
    throw new NotWritable('read-only; not written (make it writable to let goprod fix it)');
  const mode = stat.mode & 0o7777;
  if (stat.nlink > 1 || !canWrite(dirname(target))) inPlace(target, content);
  else {
    viaTemporary(target, content, mode, () => {
      const temp = statSync(temporaryName(target));
      if (temp.uid !== stat.uid || temp.gid !== stat.gid) chownSync(temporaryName(target), stat.uid, stat.gid);
    });
  }
  return { hardLinks: stat.nlink };
}

/** Whether this process may write the path (root may write any file; the mode bits were checked first). */
function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.goprod-${process.pid}.tmp`);
}

/** The id of the goprod process that made a temporary file next to a user's file (see temporaryName). */
export const TEMPORARY_FILE = /^\..+\.goprod-(\d+)\.tmp$/;

function viaTemporary(path: string, content: string, mode: number, prepare?: () => void): void {
  const temp = temporaryName(path);
  const done = temporaryPath(temp);
  try {
    writeFileSync(temp, content, { mode });
    chmodSync(temp, mode);
    prepare?.();
    renameSync(temp, path);
  } catch (e) {
    removeQuietly(temp);
    // Not allowed to give the file its owner back: keep the owner by writing in place.
    if ((e as NodeJS.ErrnoException).code === 'EPERM' && prepare) return inPlace(path, content);
    throw e;
  } finally {
    done();
  }
}

function inPlace(path: string, content: string): void {
  const original = readFileSync(path);
  try {
    writeFileSync(path, content);
  } catch (e) {
    writeFileSync(path, original);
    throw e;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
