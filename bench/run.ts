// npm run bench: times goprod on a generated Go module (many files, many findings), with and
// without verification, next to a plain `go vet ./...` of the same module.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codemods } from '../codemods/index.js';
import { goEnv } from '../src/go/toolchain.js';
import { runCodemods } from '../src/runner.js';

const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 20);
const FILES = Number(process.env.BENCH_FILES ?? 25);

function generate(dir: string): void {
  writeFileSync(join(dir, 'go.mod'), 'module example.com/bench\n\ngo 1.21\n');
  for (let p = 0; p < PACKAGES; p++) {
    mkdirSync(join(dir, `pkg${p}`));
    for (let f = 0; f < FILES; f++) {
      const funcs = Array.from({ length: 10 }, (_, i) => `
// F${f}x${i} reads a file.
func F${f}x${i}(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s (é): %v", path, err)
	}
	return data, nil
}
`).join('');
      writeFileSync(join(dir, `pkg${p}`, `f${f}.go`), `package pkg${p}\n\nimport (\n\t"fmt"\n\t"os"\n)\n${funcs}`);
    }
  }
}

async function time<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  const result = await fn();
  console.log(`${label.padEnd(44)} ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'goprod-bench-'));
try {
  generate(dir);
  console.log(`${PACKAGES} packages × ${FILES} files × 10 functions`);
  await time('go vet ./... (cold: first run)', () => execFileSync('go', ['vet', './...'], { cwd: dir, env: goEnv() }));
  await time('go vet ./... (warm)', () => execFileSync('go', ['vet', './...'], { cwd: dir, env: goEnv() }));
  const dry = await time('goprod fix, --no-verify (parse, fix, gofmt)', () => runCodemods([dir], codemods, { verify: false }));
  await time('goprod fix (with verification)', () => runCodemods([dir], codemods));
  console.log(`${dry.scanned} files scanned, ${dry.files.reduce((n, f) => n + f.applied.length, 0)} fixes`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
