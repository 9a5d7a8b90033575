// Reading and writing users' Go files without losing anything: the byte-order mark is kept
// aside and restored, text that is not UTF-8 is refused, and writes are atomic.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const BOM = '\uFEFF';

export interface SourceText {
  /** The text without a byte-order mark; what parsing and edits see. */
  text: string;
  bom: boolean;
}

/** Reads a file as UTF-8; undefined if it is not valid UTF-8 (goprod will not rewrite it). */
export function readSource(path: string): SourceText | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(path));
  } catch (e) {
    if (e instanceof TypeError) return undefined;
    throw e;
  }
  return text.startsWith(BOM) ? { text: text.slice(1), bom: true } : { text, bom: false };
}

export function withBom(source: SourceText, text: string): string {
  return source.bom ? BOM + text : text;
}

/** Replaces a file's content atomically (temporary file and rename in its directory), keeping its mode; creates a new file (0644) and its directories. */
export function writeSourceAtomic(path: string, content: string): void {
  const mode = existsSync(path) ? statSync(path).mode & 0o7777 : 0o644;
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.goprod-${process.pid}.tmp`);
  try {
    writeFileSync(temp, content, { mode });
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw e;
  }
}
