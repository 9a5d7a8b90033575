// gofmt after fixes, without churn: a file that was gofmt-clean is formatted whole; in one
// that was not, only the changes gofmt makes to lines goprod touched are kept.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { diffLines } from 'diff/lib/diff/line.js';
import { cacheKey, type ResultCache } from './cache.js';
import type { Edit } from './edits.js';
import { toolMissing } from '../errors.js';
import { childProcess, tempPrefix, temporaryPath } from './interrupt.js';
import { LineIndex } from './position.js';

export type Formatted = { ok: true; text: string } | { ok: false; error: string };

/**
 * A fixed file gofmt rejects; `original` when the unfixed file is the trouble (gofmt rejects it too:
 * it is not Go, whatever tree-sitter accepted).
 */
export type FormatFailure = { ok: false; error: string; original: boolean };

/**
 * gofmt's output for each text, or its complaint. One gofmt process for all of them
 * (starting a process per file dominated the run time): the texts are written to a
 * temporary directory and formatted in place. Line endings and BOM are the caller's.
 */
export async function gofmtAll(texts: readonly string[]): Promise<Formatted[]> {
  if (texts.length === 0) return [];
  const dir = mkdtempSync(tempPrefix('gofmt')); // registered at once: no signal finds it unregistered
  const done = temporaryPath(dir);
  try {
    const names = texts.map((_, i) => join(dir, `f${i}.go`));
    await Promise.all(texts.map((t, i) => writeFile(names[i]!, t)));
    const stderr = await runGofmt(['-w', dir]);
    const errors = new Map<string, string>();
    for (const line of stderr.split('\n')) {
      const m = /^(.*?\.go):(.*)$/.exec(line);
      if (m) errors.set(m[1]!, `${errors.has(m[1]!) ? `${errors.get(m[1]!)}; ` : ''}line ${m[2]!.trim()}`);
    }
    return await Promise.all(
      names.map(async (n): Promise<Formatted> =>
        errors.has(n) ? { ok: false, error: errors.get(n)! } : { ok: true, text: await readFile(n, 'utf8') },
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    done();
  }
}

/** Tells formatFixed's entries of the cache from others; bumped if what they hold changes. */
const FORMATTED_ENTRY = 'formatted-1';

/** The digest of each gofmt executable met, by its path, size and time of change. */
const gofmtDigests = new Map<string, string>();

/** The digest of the gofmt executable the PATH gives now (undefined when there is none: nothing is cached then). */
function gofmtDigest(): string | undefined {
  const name = process.platform === 'win32' ? 'gofmt.exe' : 'gofmt';
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      const path = join(dir, name);
      const stat = statSync(path);
      if (!stat.isFile()) continue;
      accessSync(path, constants.X_OK);
      const met = `${path}\0${stat.size}\0${stat.mtimeMs}\0${stat.ctimeMs}`;
      if (!gofmtDigests.has(met)) gofmtDigests.set(met, cacheKey(readFileSync(path)));
      return gofmtDigests.get(met);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs gofmt and returns what it printed on stderr (its exit status only says that some file had errors). */
function runGofmt(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    childProcess(
      execFile('gofmt', args, { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(toolMissing('gofmt', error));
        else resolve(stderr);
      }),
    );
  });
}

/** For each of the (sorted, merged) edits of `original`, the 1-based lines of the fixed text it wrote or joined. */
export function editedLines(original: string, edits: readonly Edit[]): number[][] {
  const index = new LineIndex(original);
  const newlines = (s: string) => s.split('\n').length - 1;
  let shift = 0; // lines added so far by earlier edits
  return edits.map((e) => {
    const first = index.line(e.start) + shift;
    shift += newlines(e.text) - newlines(original.slice(e.start, e.end));
    return Array.from({ length: newlines(e.text) + 1 }, (_, i) => first + i);
  });
}

/** `fixed` with only those of gofmt's changes that replace or sit next to touched lines. */
export function keepTouchedChanges(fixed: string, formatted: string, touched: Set<number>): string {
  let out = '';
  let line = 1; // line number in `fixed` of the current part
  const parts = diffLines(fixed, formatted);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      out += part.value;
      line += part.count;
      continue;
    }
    // A change is a run of removed lines, added lines, or removed followed by added.
    const removed = part.removed ? part : undefined;
    const added = removed ? (parts[i + 1]?.added ? parts[++i] : undefined) : part;
    const span = removed ? range(line, removed.count) : [line - 1, line];
    const mine = span.some((l) => touched.has(l));
    out += mine ? (added?.value ?? '') : (removed?.value ?? '');
    line += removed?.count ?? 0;
  }
  return out;
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

export interface FormatRequest {
  original: string;
  /** `original` with `edits` applied (the cache of formatFixed takes it to be just that). */
  fixed: string;
  /** The merged edits that turned `original` into `fixed`. */
  edits: readonly Edit[];
}

/**
 * Formats fixed files: each whole when its original was gofmt-clean, else only where goprod
 * changed it. CRLF files are formatted as LF (gofmt's only line ending) and converted back.
 * With a cache, the text this very gofmt (its executable's digest is in the key) made of the
 * same request is taken from it, and only the other requests are formatted (and kept).
 */
export async function formatFixed(
  requests: readonly FormatRequest[],
  cache?: ResultCache,
): Promise<Array<{ ok: true; text: string } | FormatFailure>> {
  const gofmt = cache && gofmtDigest();
  if (!cache || !gofmt) return formatAll(requests);
  // `fixed` is a function of the others (see FormatRequest): hashing it too would cost a rerun time for nothing.
  const keys = requests.map((r) => cacheKey(FORMATTED_ENTRY, gofmt, r.original, JSON.stringify(r.edits)));
  const kept = keys.map((k) => cache.get(k)?.toString('utf8'));
  const fresh = await formatAll(requests.filter((_, i) => kept[i] === undefined));
  let next = 0;
  return kept.map((text, i) => {
    if (text !== undefined) return { ok: true, text };
    const f = fresh[next++]!;
    // Only texts are kept: a complaint is rare, and may be gofmt's trouble rather than the text's.
    if (f.ok) cache.put(keys[i]!, Buffer.from(f.text, 'utf8'));
    return f;
  });
}

/** formatFixed without a cache. */
async function formatAll(requests: readonly FormatRequest[]): Promise<Array<{ ok: true; text: string } | FormatFailure>> {
  const lf = (s: string) => s.replace(/\r\n/g, '\n');
  const formatted = await gofmtAll(requests.flatMap((r) => [lf(r.original), lf(r.fixed)]));
  return requests.map((r, i) => {
    // gofmt drops a carriage return that does not end a line, and the lines around it could
    // not be kept byte for byte: such a file is left as it is.
    if (/\r(?!\n)/.test(r.original))
      return { ok: false, error: 'it has carriage returns that do not end a line, which gofmt would drop', original: true };
    const before = formatted[2 * i]!;
    const after = formatted[2 * i + 1]!;
    if (!after.ok)
      return before.ok
        ? { ...after, original: false }
        : { ok: false, error: `gofmt rejects it before any fix (${before.error})`, original: true };
    const clean = before.ok && before.text === lf(r.original);
    const text = clean ? after.text : keepTouchedChanges(lf(r.fixed), after.text, new Set(editedLines(r.original, r.edits).flat()));
    return { ok: true, text: r.original.includes('\r\n') ? text.replace(/\n/g, '\r\n') : text };
  });
}
