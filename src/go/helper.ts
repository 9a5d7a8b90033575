// goprod's Go helper (src/go/helper/*.go, standard library only): kept as source, built with
// the user's own go into goprod's cache directory once per helper source and Go version, and
// run from there. It type-checks packages from source with go/types (see its main.go).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporaryPath } from '../engine/interrupt.js';
import { runGo, type Toolchain } from './toolchain.js';

/**
 * goprod's cache directory: GOPROD_CACHE, else goprod/ in the user's cache directory as Go's
 * os.UserCacheDir finds it (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LocalAppData%).
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOPROD_CACHE) return env.GOPROD_CACHE;
  if (process.platform === 'win32' && env.LocalAppData) return join(env.LocalAppData, 'goprod');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'goprod');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'goprod');
}

/** The helper's source directory: src/go/helper of the package goprod runs from (from src/ or dist/src/). */
function sourceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`goprod's Go helper: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return join(dir, 'src', 'go', 'helper');
}

const built = new Map<string, Promise<string>>();

/** The helper's executable, built first if this source and Go version have none yet. */
export function helperBinary(toolchain: Toolchain): Promise<string> {
  const source = sourceDir();
  const hash = createHash('sha256').update(toolchain.version);
  for (const name of readdirSync(source).filter((n) => n.endsWith('.go') || n === 'go.mod').sort())
    hash.update(`\0${name}\0`).update(readFileSync(join(source, name)));
  const binary = join(
    cacheDir(),
    'helper',
    `goprod-helper-${hash.digest('hex').slice(0, 16)}${process.platform === 'win32' ? '.exe' : ''}`,
  );
  let done = built.get(binary);
  if (!done) {
    done = build(source, binary);
    built.set(binary, done);
  }
  return done;
}

async function build(source: string, binary: string): Promise<string> {
  if (existsSync(binary)) return binary;
  await mkdir(dirname(binary), { recursive: true }).catch((error: Error) => {
    throw new Error(
      `goprod cannot build its type checker in ${dirname(binary)} (set GOPROD_CACHE to a directory it can write): ${error.message}`,
    );
  });
  // Built beside its final name and renamed: another goprod (a bulk job) may build it at the same time.
  const temporary = `${binary}.${process.pid}.tmp`;
  const forget = temporaryPath(temporary);
  try {
    // For this machine, with none of the user's module settings: it is not the user's code.
    const run = await runGo(['build', '-trimpath', '-o', temporary, '.'], source, {
      GOOS: '',
      GOARCH: '',
      CGO_ENABLED: '0',
      GOFLAGS: '',
      GOWORK: 'off',
    });
    if (run.code !== 0)
      throw new Error(`goprod could not build its Go helper in ${source} (go build exited with status ${run.code}): ${run.stderr.trim()}`);
    renameSync(temporary, binary);
    return binary;
  } finally {
    rmSync(temporary, { force: true });
    forget();
  }
}
