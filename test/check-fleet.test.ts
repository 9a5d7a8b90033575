// goprod check over many repositories: the records, report.json and its summary, the migration
// plan's lists and commands, shards merged, --resume, and that no repository is touched.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { RepoRecord } from '../src/bulk/model.js';
import { inShard, listRepos } from '../src/bulk/repos.js';
import type { CheckDocument } from '../src/check/command.js';
import { fleetSummary, type CheckRecord, type FleetReport } from '../src/check/fleet.js';
import type { Signal } from '../src/check/signals.js';
import { git, gitRepo } from './git-repo.js';
import { runGoprod } from './run-goprod.js';
import { writeTree } from './tree.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-fleet-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const WRAPS = 'package m\n\nimport "fmt"\n\n// F fails.\nfunc F(err error) error {\n\treturn fmt.Errorf("f: %v", err)\n}\n';
const CLOSES = 'package m\n\nimport "os"\n\n// W writes.\nfunc W(p string) error {\n\tf, err := os.Create(p)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\t_, err = f.Write([]byte("x"))\n\treturn err\n}\n';
const CLEAN = 'package m\n\n// F does nothing.\nfunc F() {}\n';
const CI = { '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: golangci-lint run\n      - run: go test -race ./...\n', 'README.md': '# m\n' };

const repo = (name: string, files: Record<string, string>) => gitRepo(join(dir, name), files);
const readJson = <T>(...path: string[]) => JSON.parse(readFileSync(join(dir, ...path), 'utf8')) as T;
const byName = (report: FleetReport) => new Map(report.repositories.map((r) => [r.name, r]));

/** Every file under `root` (.git included) with its content's hash and its modification time: what "untouched" means. */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else files[relative(root, path)] = `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${statSync(path).mtimeMs}`;
    }
  };
  walk(root);
  return files;
}

describe('goprod check --report over many repositories', () => {
  test('a record per repository, report.json with the summary, the plan lists; nothing in any repository changes', async () => {
    const wraps = repo('wraps', { 'a.go': WRAPS, 'b.go': WRAPS.replace('func F', 'func G').replace('F fails', 'G fails'), ...CI });
    const both = repo('both', { 'a.go': WRAPS, 'c.go': CLOSES });
    repo('clean', { 'a.go': CLEAN, ...CI });
    writeTree(join(dir, 'notgo'), { 'README.md': '# no Go here\n' });
    const remote = repo('remote', { 'a.go': WRAPS });
    writeFileSync(join(dir, 'repos.txt'), `# the fleet\nwraps\nboth\nclean\nnotgo\n${pathToFileURL(remote).href}\n`);
    const before = Object.fromEntries(['wraps', 'both', 'clean', 'remote'].map((n) => [n, snapshot(join(dir, n))]));

    const { code, stderr } = await runGoprod(dir, 'check', '--repos', 'repos.txt', '--jobs', '2');
    expect(code, stderr).toBe(1); // notgo could not be checked
    for (const [name, files] of Object.entries(before)) expect(snapshot(join(dir, name)), name).toEqual(files);
    expect(git(wraps, 'status', '--porcelain', '--ignored')).toBe('');
    expect(git(both, 'worktree', 'list').split('\n')).toHaveLength(1);

    const report = readJson<FleetReport>('goprod-check-report', 'report.json');
    expect(report).toMatchObject({ kind: 'check', version: 1, measured: 'from the repository (tests not run)' });
    // A URL's name is its last two segments.
    const remoteName = `${basename(dir)}/remote`;
    expect(report.repositories.map((r) => r.name)).toEqual(['both', 'clean', remoteName, 'notgo', 'wraps']);
    const r = byName(report);
    expect(r.get('notgo')).toMatchObject({ status: 'failed', reason: 'no Go module found (no go.mod above the Go files under the given paths)' });
    // The URL was cloned under the report directory, and checked there.
    expect(r.get(remoteName)).toMatchObject({ status: 'checked', id: pathToFileURL(remote).href });
    expect(existsSync(join(dir, 'goprod-check-report', 'clones'))).toBe(true);
    // Each record holds the repository's goprod check --format=json document, as run in it.
    const wrapsCheck = r.get('wraps')!.check!;
    const direct = JSON.parse((await runGoprod(wraps, 'check', '--format=json')).stdout) as CheckDocument;
    expect(wrapsCheck).toEqual(direct);
    expect(wrapsCheck.modules[0]!.codemods).toEqual({ 'wrap-errors': { findings: 2, fixes: 2 } });
    expect(r.get('both')!.check!.modules[0]!.codemods).toEqual({ 'wrap-errors': { findings: 1, fixes: 1 }, 'close-errors': { findings: 1, fixes: 1 } });

    const s = report.summary;
    expect(s).toMatchObject({ repositories: 5, checked: 4, failed: 1 });
    expect(Object.values(s.bands).reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.plan).toEqual([
      { codemod: 'wrap-errors', fixes: 4, findings: 4, repositories: 3, reposFile: 'plan/wrap-errors.txt', command: 'goprod bulk --codemod=wrap-errors --repos plan/wrap-errors.txt --report bulk-wrap-errors' },
      { codemod: 'close-errors', fixes: 1, findings: 1, repositories: 1, reposFile: 'plan/close-errors.txt', command: 'goprod bulk --codemod=close-errors --repos plan/close-errors.txt --report bulk-close-errors' },
    ]);
    const listed = (codemod: string) => listRepos([], join('goprod-check-report', 'plan', `${codemod}.txt`), dir).map((x) => x.name);
    expect(listed('wrap-errors')).toEqual(['both', remoteName, 'wraps']);
    expect(listed('close-errors')).toEqual(['both']);
    expect(readFileSync(join(dir, 'goprod-check-report', 'plan', 'wrap-errors.txt'), 'utf8')).toMatch(/^# goprod check: 4 wrap-errors fixes in 3 repositories, before verification\n# goprod bulk --codemod=wrap-errors /);
    expect(readdirSync(join(dir, 'goprod-check-report', 'repos'))).toHaveLength(5);
    expect(readFileSync(join(dir, 'goprod-check-report', 'report.html'), 'utf8')).toContain('<h1>goprod check: 5 repositories</h1>');
    expect(stderr).toContain('goprod: notgo: failed: no Go module found');
    expect(stderr).toMatch(/goprod: 5 repositories: .*1 failed; weakest: .*; 5 fixes to make \(wrap-errors 4, close-errors 1\); report: goprod-check-report\/report\.html\n$/);
  });

  test("a plan's command, run in the report directory, makes those fixes in those repositories", async () => {
    const wraps = repo('wraps', { 'a.go': WRAPS });
    const closes = repo('closes', { 'c.go': CLOSES });
    expect((await runGoprod(dir, 'check', '--report', 'fleet', 'wraps', 'closes')).code).toBe(0);
    const step = readJson<FleetReport>('fleet', 'report.json').summary.plan.find((p) => p.codemod === 'wrap-errors')!;
    const [program, ...args] = step.command!.split(' ');
    expect(program).toBe('goprod');
    const bulk = await runGoprod(join(dir, 'fleet'), ...args);
    expect(bulk.code, bulk.stderr).toBe(0);
    const records = readJson<{ repositories: RepoRecord[] }>('fleet', 'bulk-wrap-errors', 'report.json').repositories;
    expect(records.map((r) => [r.name, r.status, r.fixes['wrap-errors']?.applied])).toEqual([['wraps', 'changed', 1]]);
    expect(git(wraps, 'log', '-1', '--format=%s', 'goprod/wrap-errors')).toBe('goprod: wrap-errors (1 fix)');
    expect(git(closes, 'branch', '--list', 'goprod/*')).toBe('');
  });

  test('two shards merged make the report one run makes (times aside)', async () => {
    // Repositories until both shards of two have some (the split hashes the paths, which are new each run).
    const names: string[] = [];
    const shardOf = (name: string) => (inShard(listRepos([name], undefined, dir)[0]!, { index: 1, count: 2 }) ? 1 : 2);
    for (let i = 0; names.length < 4 || new Set(names.map(shardOf)).size < 2; i++) {
      const kinds: Array<Record<string, string>> = [{ 'a.go': WRAPS }, { 'a.go': CLEAN, ...CI }, { 'a.go': WRAPS, 'c.go': CLOSES }];
      const files = kinds[i % kinds.length]!;
      repo(`r${i}`, files);
      names.push(`r${i}`);
    }
    writeTree(join(dir, 'empty'), { 'x.txt': 'no Go\n' });
    names.push('empty');
    writeFileSync(join(dir, 'repos.txt'), names.join('\n'));
    expect((await runGoprod(dir, 'check', '--repos=repos.txt', '--report=whole')).code).toBe(1);
    for (const shard of ['1/2', '2/2']) await runGoprod(dir, 'check', '--repos=repos.txt', `--shard=${shard}`, `--report=shard-${shard[0]}`);
    const parts = ['1', '2'].map((i) => readJson<FleetReport>(`shard-${i}`, 'report.json'));
    expect(parts.map((p) => p.repositories.length).every((n) => n > 0)).toBe(true);
    expect(parts[0]!.shard).toEqual({ index: 1, count: 2 });
    const merged = await runGoprod(dir, 'check', 'merge-reports', 'shard-1', 'shard-2', '--report', 'merged');
    expect(merged.code, merged.stderr).toBe(0);
    const timeless = (report: FleetReport) => {
      const { startedAt, finishedAt, shard, ...rest } = report;
      return { ...rest, repositories: rest.repositories.map(({ startedAt, seconds, ...r }) => r) };
    };
    const whole = readJson<FleetReport>('whole', 'report.json');
    expect(timeless(readJson<FleetReport>('merged', 'report.json'))).toEqual(timeless(whole));
    expect(whole.summary.plan.length).toBeGreaterThan(0);
    for (const step of whole.summary.plan) expect(readFileSync(join(dir, 'merged', step.reposFile!), 'utf8')).toBe(readFileSync(join(dir, 'whole', step.reposFile!), 'utf8'));
    expect(readdirSync(join(dir, 'merged', 'repos')).sort()).toEqual(readdirSync(join(dir, 'whole', 'repos')).sort());
  });

  test('--resume keeps what was checked and checks the rest; without it, an earlier run is not overwritten', async () => {
    for (const name of ['r1', 'r2', 'r3']) repo(name, { 'a.go': WRAPS });
    expect((await runGoprod(dir, 'check', '--report=out', 'r1', 'r2', 'r3')).code).toBe(0);
    const records = join(dir, 'out', 'repos');
    const [first, second] = readdirSync(records).sort();
    rmSync(join(records, first!));
    // A mark only the kept record can carry.
    const kept = JSON.parse(readFileSync(join(records, second!), 'utf8')) as CheckRecord;
    writeFileSync(join(records, second!), JSON.stringify({ ...kept, seconds: 4242 }));
    const again = await runGoprod(dir, 'check', '--report=out', 'r1', 'r2', 'r3');
    expect(again).toMatchObject({ code: 2, stderr: expect.stringContaining('holds the results of an earlier run: add --resume to continue it') });
    const resumed = await runGoprod(dir, 'check', '--report=out', '--resume', 'r1', 'r2', 'r3');
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = readJson<FleetReport>('out', 'report.json');
    expect(report.repositories.map((r) => [r.name, r.status])).toEqual([['r1', 'checked'], ['r2', 'checked'], ['r3', 'checked']]);
    expect(byName(report).get(kept.name)!.seconds).toBe(4242);
    expect(readdirSync(records)).toHaveLength(3);
  });

  test("a report directory of goprod bulk is not taken for a check's, nor the other way round", async () => {
    repo('one', { 'a.go': WRAPS });
    expect((await runGoprod(dir, 'bulk', '--codemod=wrap-errors', '--report=bulk', 'one')).code).toBe(0);
    const check = await runGoprod(dir, 'check', '--report=bulk', '--resume', 'one');
    expect(check).toMatchObject({ code: 2, stderr: expect.stringMatching(/^goprod: .*bulk\/repos\/one-\w+\.json is a result of goprod bulk, not of goprod check: choose another --report directory\n$/) });
    expect((await runGoprod(dir, 'check', '--report=checked', 'one')).code).toBe(0);
    const bulk = await runGoprod(dir, 'bulk', '--codemod=wrap-errors', '--report=checked', '--resume', 'one');
    expect(bulk.stderr).toMatch(/is a result of goprod check, not of goprod bulk/);
    expect((await runGoprod(dir, 'bulk', 'merge-reports', 'checked')).stderr).toMatch(/is a result of goprod check, not of goprod bulk/);
  });
});

describe("one repository's report card and badge", () => {
  test('--format=html prints the page with its evidence; --badge writes the score and band', async () => {
    repo('svc', { 'a.go': WRAPS, ...CI });
    const root = join(dir, 'svc');
    const { code, stdout, stderr } = await runGoprod(root, 'check', '--format=html', '--badge', 'docs/badge.svg');
    expect(code, stderr).toBe(0);
    const doc = JSON.parse((await runGoprod(root, 'check', '--format=json')).stdout) as CheckDocument;
    const { total, max, band } = doc.overall;
    expect(stdout).toMatch(new RegExp(`^<!doctype html>[^]*<title>goprod check: svc ${total}/${max} ${band}</title>`));
    expect(stdout).toContain('<code class="command">goprod fix --write --codemod=wrap-errors</code>');
    expect(stdout).toContain('<h2 id="evidence-title">Evidence</h2>');
    expect(stderr).toBe(`goprod check: ${total}/${max} ${band}\n`);
    const badge = readFileSync(join(root, 'docs', 'badge.svg'), 'utf8');
    expect(badge).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" width="\\d+" height="20" role="img" aria-label="goprod: ${total}/${max} ${band}">`));
    expect(git(root, 'status', '--porcelain')).toBe('?? docs/');
  });

  test('a badge that cannot be written is a usage error, and nothing is printed', async () => {
    repo('svc', { 'a.go': WRAPS });
    writeFileSync(join(dir, 'svc', 'taken'), 'a file, not a directory\n');
    const { code, stdout, stderr } = await runGoprod(join(dir, 'svc'), 'check', '--badge', 'taken/badge.svg');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^goprod: cannot write the badge taken\/badge\.svg: EEXIST\n$/);
  });
});

test('flags that belong to one kind of check are refused on the other, with what to do', async () => {
  repo('one', { 'a.go': WRAPS });
  const usage = async (...args: string[]) => {
    const run = await runGoprod(dir, 'check', ...args);
    expect(run.code, args.join(' ')).toBe(2);
    return run.stderr;
  };
  expect(await usage('--jobs', '2', 'one')).toBe('goprod: --jobs applies to a check over many repositories: add --repos FILE or --report DIR\n');
  expect(await usage('--resume')).toBe('goprod: --resume applies to a check over many repositories: add --repos FILE or --report DIR\n');
  expect(await usage('--report', 'out', '--badge', 'b.svg', '--format', 'html', 'one')).toBe(
    "goprod: --format, --badge apply to one repository's check; over many repositories (--repos, --report) each is checked with its own goprod.yaml, and the results are report.json and report.html in the report directory\n",
  );
  expect(await usage('--repos', 'none.txt')).toMatch(/^goprod: cannot read --repos none\.txt \(ENOENT\)\n$/);
  expect(await usage('--report', 'out')).toMatch(/^goprod: no repositories: give directories, or --repos FILE/);
  expect(await usage('--report', 'out', '--shard', '3/2', 'one')).toBe('goprod: --shard takes I/N with 1 ≤ I ≤ N (e.g. 2/8), not "3/2"\n');
  expect(await usage('--report', 'out', '--timeout', '0', 'one')).toBe('goprod: --timeout takes minutes (more than 0), not "0"\n');
  expect(await usage('merge-reports', 'nowhere')).toMatch(/nowhere: no check results \(neither report\.json nor repos\/\*\.json\)\n$/);
  expect(existsSync(join(dir, 'out'))).toBe(false);
});

describe('the summary', () => {
  const signal = (id: Signal['id'], score: 0 | 1 | 2): Signal => ({ id, name: id.toUpperCase(), score, evidence: {}, summary: '', fix: '' });
  const ids: Signal['id'][] = ['structure', 'errors', 'concurrency', 'testing', 'observability', 'configuration', 'ci', 'documentation'];
  const record = (name: string, modules: Array<{ goLines: number; total: number; scores: number[]; codemods?: Record<string, { findings: number; fixes: number }> }>): CheckRecord => ({
    kind: 'check', id: `/fleet/${name}`, name, status: 'checked', startedAt: '', seconds: 1,
    check: {
      version: 2, measured: 'm', overall: { total: modules[0]!.total, max: 16, band: modules[0]!.total >= 11 ? 'solid' : 'needs work' },
      modules: modules.map((m, i) => ({ module: `example.com/${name}/${i}`, dir: String(i), goLines: m.goLines, total: m.total, max: 16, band: '', signals: ids.map((id, j) => signal(id, m.scores[j] as 0 | 1 | 2)), codemods: m.codemods ?? {} })),
    },
  });

  test("signals come from each repository's largest module, weakest first; the plan sums fixes and counts repositories with some", () => {
    const records: CheckRecord[] = [
      // The small module's zeros do not count: the large one is the repository's face.
      record('a', [{ goLines: 10, total: 3, scores: [0, 0, 0, 0, 0, 0, 0, 0] }, { goLines: 1000, total: 12, scores: [2, 1, 2, 0, 2, 2, 1, 2], codemods: { 'wrap-errors': { findings: 5, fixes: 5 } } }]),
      record('b', [{ goLines: 500, total: 11, scores: [2, 1, 2, 1, 2, 2, 0, 1], codemods: { 'wrap-errors': { findings: 2, fixes: 2 }, 'errors-as': { findings: 3, fixes: 0 } } }]),
      record('c', [{ goLines: 50, total: 15, scores: [2, 2, 2, 1, 2, 2, 2, 2], codemods: { loopvar: { findings: 7, fixes: 7 }, 'wrap-errors': { findings: 1, fixes: 0 } } }]),
      { kind: 'check', id: '/fleet/d', name: 'd', status: 'failed', reason: 'timed out', startedAt: '', seconds: 1 },
    ];
    const s = fleetSummary(records, { fleet: true });
    expect(s).toMatchObject({ repositories: 4, checked: 3, failed: 1, bands: { exemplary: 0, solid: 2, 'needs work': 1, 'critical gaps': 0 } });
    expect(s.signals.map((t) => [t.id, t.scores, t.mean])).toEqual([
      ['testing', [1, 2, 0], 0.67],
      ['ci', [1, 1, 1], 1],
      ['errors', [0, 2, 1], 1.33],
      ['documentation', [0, 1, 2], 1.67],
      ['structure', [0, 0, 3], 2],
      ['concurrency', [0, 0, 3], 2],
      ['observability', [0, 0, 3], 2],
      ['configuration', [0, 0, 3], 2],
    ]);
    expect(s.plan.map((p) => [p.codemod, p.fixes, p.findings, p.repositories, p.command])).toEqual([
      ['wrap-errors', 7, 8, 2, 'goprod bulk --codemod=wrap-errors --repos plan/wrap-errors.txt --report bulk-wrap-errors'],
      ['loopvar', 7, 7, 1, 'goprod bulk --codemod=loopvar --repos plan/loopvar.txt --report bulk-loopvar'],
      ['errors-as', 0, 3, 0, undefined],
    ]);
    expect(fleetSummary(records.slice(0, 1), { fleet: false }).plan[0]!.command).toBe('goprod fix --write --codemod=wrap-errors');
  });
});
