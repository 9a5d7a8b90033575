// `goprod check --run-tests`: the module's own tests under the race detector, with coverage.
// What the Testing signal then scores is measured, not inferred from which packages have tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadModules, runGo } from '../go/toolchain.js';

export interface TestRun {
  /** Covered statements over all statements of the module's packages (0 when none). */
  coverage: number;
  statements: number;
  /** DATA RACE reports, and whether the race detector ran at all (it needs cgo). */
  races: number;
  raceDetector: boolean;
  /** Import paths of packages whose tests failed or did not build. */
  failedPackages: string[];
  /** Why nothing could be measured (no test built), in the go command's words. */
  problem?: string;
}

/**
 * Runs `go test -race -cover ./...` in the module directory (without -race where cgo is
 * missing), after `go mod download` when asked: the go command downloads nothing otherwise.
 */
export async function runModuleTests(moduleDir: string, download: boolean): Promise<TestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'goprod-check-'));
  const profile = join(dir, 'cover.out');
  try {
    const downloadProblem = download ? await downloadModules({ dir: moduleDir, gowork: 'off' }) : undefined;
    const args = ['test', '-cover', `-coverprofile=${profile}`, './...'];
    let run = await runGo(['test', '-race', ...args.slice(1)], moduleDir);
    const raceDetector = !/-race requires cgo|race detector is not supported|cgo: C compiler .* not found/.test(run.stderr);
    if (!raceDetector) run = await runGo(args, moduleDir);
    const output = `${run.stdout}\n${run.stderr}`;
    let profileText = '';
    try {
      profileText = readFileSync(profile, 'utf8');
    } catch {
      // No profile: nothing built, so nothing is covered.
    }
    const coverage = coverageOf(profileText);
    const failedPackages = [...new Set([...output.matchAll(/^FAIL[ \t]+(\S+)/gm)].map((m) => m[1]!))].sort();
    const result: TestRun = { ...coverage, races: output.match(/^WARNING: DATA RACE$/gm)?.length ?? 0, raceDetector, failedPackages };
    if (coverage.statements === 0 && run.code !== 0) result.problem = downloadProblem ?? firstProblem(output, download);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first line of the go command's output that says what went wrong, with a hint where the modules are missing. */
function firstProblem(output: string, downloaded: boolean): string {
  const line =
    output
      .split('\n')
      .find((l) => l.trim() !== '' && !/^(#|FAIL|ok|\?|go: downloading)/.test(l))
      ?.trim() ?? 'go test failed';
  return /GOPROXY=off|missing go\.sum entry|cannot find module|no required module/.test(line) && !downloaded
    ? `${line} (the module's dependencies are not downloaded: add --download)`
    : line;
}

/** Statement coverage from a cover profile; a block listed by several packages counts once, covered if any covered it. */
export function coverageOf(profile: string): { coverage: number; statements: number } {
  const blocks = new Map<string, { statements: number; covered: boolean }>();
  for (const line of profile.split('\n')) {
    const m = /^(.+:\d+\.\d+,\d+\.\d+) (\d+) (\d+)$/.exec(line);
    if (!m) continue;
    const block = blocks.get(m[1]!) ?? { statements: Number(m[2]), covered: false };
    block.covered ||= Number(m[3]) > 0;
    blocks.set(m[1]!, block);
  }
  let statements = 0;
  let covered = 0;
  for (const b of blocks.values()) {
    statements += b.statements;
    if (b.covered) covered += b.statements;
  }
  return { coverage: statements === 0 ? 0 : covered / statements, statements };
}
