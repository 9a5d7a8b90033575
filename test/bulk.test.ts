import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BulkReport, RepoRecord } from '../src/bulk/model.js';
import { inShard, listRepos, type Repo } from '../src/bulk/repos.js';
import { git, GIT_ENV, gitRepo } from './git-repo.js';
import { runGoprod, runGoprodOn } from './run-goprod.js';
import { untilChildShows } from './wait-for-child.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'goprod-bulk-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A git repository under the test's directory holding a Go module with the given files, committed on main. */
const repo = (name: string, files: Record<string, string>, options?: { commit?: boolean }) => gitRepo(join(dir, name), files, options);

const WRAPS = 'package m\n\nimport "fmt"\n\nfunc F(err error) error {\n\treturn fmt.Errorf("f: %v", err)\n}\n';
// errText's name says "error": wrap-errors proposes %w from syntax (--no-type-facts), vet rejects it, the other fix stays.
const BACKED_OUT = 'package m\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\nfunc F(err error) error {\n\treturn fmt.Errorf("f: %v", err)\n}\n\nfunc G(s string) error {\n\terrText := strings.TrimSpace(s)\n\treturn fmt.Errorf("g: %v", errText)\n}\n';
const BROKEN = 'package m\n\nimport "fmt"\n\nfunc F(err error) error {\n\tvar unused int\n\treturn fmt.Errorf("f: %v", err)\n}\n';

const bulk = (...args: string[]) => runGoprod(dir, 'bulk', '--codemod=wrap-errors', '--jobs=2', ...args);
const report = (reportDir = 'goprod-report') => JSON.parse(readFileSync(join(dir, reportDir, 'report.json'), 'utf8')) as BulkReport;
const byName = (r: BulkReport) => new Map(r.repositories.map((x) => [x.name, x]));

describe('goprod bulk', () => {
  test('a verified branch and commit per repository with fixes; the rest recorded with their reasons', async () => {
    const fixes = repo('fixes', { 'a.go': WRAPS });
    repo('clean', { 'a.go': 'package m\n\nfunc F() {}\n' });
    const backed = repo('backed', { 'a.go': BACKED_OUT });
    repo('broken', { 'a.go': BROKEN });
    const taken = repo('taken', { 'a.go': WRAPS });
    git(taken, 'branch', 'goprod/wrap-errors');
    repo('plain', { 'a.go': WRAPS }, { commit: false });
    // A dirty checkout: the branch starts from HEAD; the user's change stays where it is.
    writeFileSync(join(fixes, 'notes.txt'), 'mine\n');

    const { code, stderr } = await bulk('fixes', 'clean', 'backed', 'broken', 'taken', 'plain', '--no-type-facts');
    expect(code, stderr).toBe(0);
    const r = byName(report());
    expect(Object.fromEntries([...r].map(([n, x]) => [n, x.status]))).toEqual({ fixes: 'changed', clean: 'unchanged', backed: 'changed', broken: 'unverified', taken: 'skipped', plain: 'skipped' });
    expect(r.get('taken')!.reason).toBe('branch goprod/wrap-errors already exists; not overwritten (delete it, or choose another --branch)');
    expect(r.get('plain')!.reason).toBe('not a git repository');
    expect(r.get('broken')!.reason).toMatch(/does not compile before goprod's fixes/);
    expect(r.get('fixes')!.notes).toEqual(['the checkout has uncommitted changes: the branch starts from HEAD, without them']);
    expect(r.get('backed')!.fixes).toEqual({ 'wrap-errors': { applied: 1, backedOut: 1, unverified: 0 } });

    // The commits: on the new branch only, one on top of HEAD, with goprod's message.
    expect(git(fixes, 'log', '-1', '--format=%s', 'goprod/wrap-errors')).toBe('goprod: wrap-errors (1 fix)');
    expect(git(fixes, 'rev-parse', 'goprod/wrap-errors~1')).toBe(git(fixes, 'rev-parse', 'main'));
    expect(git(fixes, 'show', 'goprod/wrap-errors:a.go')).toBe(WRAPS.replace('%v', '%w').trimEnd());
    expect(git(backed, 'log', '-1', '--format=%B', 'goprod/wrap-errors')).toMatch(/^goprod: wrap-errors \(1 fix\)\n\nBacked out \(the Go toolchain rejected them; not in this commit\):\n- wrap-errors at a\.go:14: fmt\.Errorf format %w has arg errText of wrong type string/);
    expect(r.get('fixes')!.commit).toBe(git(fixes, 'rev-parse', 'goprod/wrap-errors'));
    expect(r.get('fixes')!.diff).toContain('+\treturn fmt.Errorf("f: %w", err)');
    // The user's checkout: same branch, same files, the dirty file still there; no worktree left.
    for (const root of [fixes, backed]) {
      expect(git(root, 'branch', '--show-current')).toBe('main');
      expect(readFileSync(join(root, 'a.go'), 'utf8')).not.toContain('%w');
      expect(git(root, 'worktree', 'list').split('\n')).toHaveLength(1);
    }
    expect(git(fixes, 'status', '--porcelain')).toBe('?? notes.txt');
    // No change, no branch.
    for (const name of ['clean', 'broken']) expect(git(join(dir, name), 'branch', '--list', 'goprod/*')).toBe('');
    const html = readFileSync(join(dir, 'goprod-report', 'report.html'), 'utf8');
    expect(html).toContain('goprod: wrap-errors (1 fix)');
    expect(html).toContain('branch goprod/wrap-errors already exists');
    expect(stderr).toMatch(/goprod: 6 repositories: 2 changed, 1 unchanged, 2 skipped, 1 unverified; 2 fixes committed \(wrap-errors 2\), 1 backed out; report: goprod-report\/report\.html\n$/);
  });

  test('--shard takes disjoint parts whose union is the list, for several N', () => {
    const repos: Repo[] = Array.from({ length: 60 }, (_, i) => ({ id: `https://example.com/org/repo${i}.git`, name: `org/repo${i}`, slug: `repo${i}` }));
    for (const n of [1, 2, 3, 7, 16]) {
      const owners = repos.map((r) => Array.from({ length: n }, (_, i) => i + 1).filter((i) => inShard(r, { index: i, count: n })));
      expect(owners.every((o) => o.length === 1), `N=${n}`).toBe(true);
    }
  });

  test('--repos reads paths (relative to the file) and URLs, with comments; merge-reports joins shards', async () => {
    repo('one', { 'a.go': WRAPS });
    repo('two', { 'a.go': WRAPS });
    writeFileSync(join(dir, 'repos.txt'), '# the fleet\none\n\ntwo   # second\nhttps://example.com/org/three.git\n');
    const listed = listRepos([], 'repos.txt', dir);
    expect(listed.map((r) => r.name)).toEqual(['one', 'two', 'org/three']);
    const shards = ['1/2', '2/2'];
    for (const [i, shard] of shards.entries()) await runGoprod(dir, 'bulk', '--codemod=wrap-errors', '--repos=repos.txt', `--shard=${shard}`, `--report=shard-${i + 1}`);
    const parts = shards.map((_, i) => report(`shard-${i + 1}`).repositories.map((r) => r.name));
    expect([...parts.flat()].sort()).toEqual(['one', 'org/three', 'two']);
    const merged = await runGoprod(dir, 'bulk', 'merge-reports', 'shard-1', 'shard-2', '--report=all');
    expect(merged.code, merged.stderr).toBe(0);
    const all = byName(report('all'));
    expect([...all.keys()].sort()).toEqual(['one', 'org/three', 'two']);
    // The URL cannot be cloned here (no network): failed, with git's reason; the others went on.
    expect(all.get('org/three')!.status).toBe('failed');
    expect(all.get('org/three')!.reason).toMatch(/^git clone: /);
    expect(all.get('one')!.status).toBe('changed');
    expect(readdirSync(join(dir, 'all', 'repos'))).toHaveLength(3);
  });

  test('--resume after a killed run redoes nothing finished and loses nothing', async () => {
    for (const name of ['r1', 'r2', 'r3', 'r4']) repo(name, { 'a.go': WRAPS });
    // Killed while working: stopped after its first record.
    const cli = new URL('../dist/src/cli.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [cli, 'bulk', '--codemod=wrap-errors', '--jobs=1', 'r1', 'r2', 'r3', 'r4'], { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
    const exited = new Promise((done) => child.on('exit', done));
    const records = join(dir, 'goprod-report', 'repos');
    await untilChildShows(child, () => existsSync(records) && readdirSync(records).some((f) => f.endsWith('.json')), 'a first record');
    child.kill('SIGKILL');
    await exited;
    // r4 as if killed between its commit and its record: the branch is there, the record is not.
    const r4 = join(dir, 'r4');
    for (const f of readdirSync(records).filter((f) => f.startsWith('r4-'))) rmSync(join(records, f));
    if (git(r4, 'branch', '--list', 'goprod/*') === '') {
      git(r4, 'switch', '-q', '-c', 'goprod/wrap-errors');
      writeFileSync(join(r4, 'a.go'), WRAPS.replace('%v', '%w'));
      git(r4, 'commit', '-qam', 'goprod: wrap-errors (1 fix)');
      git(r4, 'switch', '-q', 'main');
    }
    const first = readdirSync(records).filter((f) => f.endsWith('.json'));
    expect(first.length).toBeGreaterThan(0);
    const before = new Map(first.map((f) => [f, JSON.parse(readFileSync(join(records, f), 'utf8')) as RepoRecord]));

    const again = await runGoprod(dir, 'bulk', '--codemod=wrap-errors', 'r1', 'r2', 'r3', 'r4');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('holds the results of an earlier run: add --resume to continue it');
    const resumed = await runGoprod(dir, 'bulk', '--codemod=wrap-errors', '--resume', 'r1', 'r2', 'r3', 'r4');
    expect(resumed.code, resumed.stderr).toBe(0);
    const r = byName(report());
    expect([...r.values()].map((x) => x.status)).toEqual(['changed', 'changed', 'changed', 'changed']);
    for (const record of before.values()) expect(r.get(record.name)).toEqual(record);
    expect(r.get('r4')!.notes).toContain('committed by a run that was interrupted before recording it (backed-out counts are in the commit message)');
    for (const name of ['r1', 'r2', 'r3', 'r4']) expect(git(join(dir, name), 'log', '--format=%s', 'goprod/wrap-errors', '-1')).toBe('goprod: wrap-errors (1 fix)');
  });

  test('--push-cmd gets the repository in its environment; a name full of shell syntax runs nothing else', async () => {
    const name = 'x;touch PWNED;$(touch PWNED2)`touch PWNED3`';
    repo(name, { 'a.go': WRAPS });
    repo('other', { 'a.go': WRAPS });
    const log = join(dir, 'pushed.txt');
    const { code, stderr } = await bulk(name, 'other', `--push-cmd=printf '%s %s %s\\n' "$GOPROD_REPO" "$GOPROD_BRANCH" "$GOPROD_SUMMARY" >> '${log}'`, '--push-delay=0.1');
    expect(code, stderr).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual([`other goprod/wrap-errors goprod: wrap-errors (1 fix)`, `${name} goprod/wrap-errors goprod: wrap-errors (1 fix)`].sort());
    expect(readdirSync(dir).filter((f) => f.startsWith('PWNED'))).toEqual([]);
    expect(report().repositories.every((r) => r.push?.ok)).toBe(true);
  });
});

test('the examples under examples/ parse and use only flags their goprod command has', async () => {
  const { parseAllDocuments } = await import('yaml');
  const helpOf = async (command: string) => (await runGoprod(dir, command, '--help')).stdout + (await runGoprod(dir, command, 'merge-reports', '--help')).stdout;
  const help = { bulk: await helpOf('bulk'), check: await helpOf('check') };
  for (const name of ['github-actions-bulk.yml', 'kubernetes-indexed-job.yaml', 'github-actions-check.yml']) {
    const text = readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors, name).toEqual([]);
    const json = JSON.stringify(docs.map((d) => d.toJS()));
    let commands = 0;
    for (const command of ['bulk', 'check'] as const) {
      const lines = json.match(new RegExp(`(?:goprod|cli\\.js) ${command}[^"]*`, 'g')) ?? [];
      commands += lines.length;
      for (const flag of lines.join(' ').replace(/\\n\s*/g, ' ').match(/--[a-z][a-z-]*/g) ?? []) expect(help[command], `${name}: ${command} ${flag}`).toContain(flag);
    }
    expect(commands, name).toBeGreaterThan(0);
  }
});

test('on a terminal, a live line per running repository and the count, erased at the end; a line per repository elsewhere', async () => {
  repo('one', { 'a.go': WRAPS });
  const live = await runGoprodOn({ tty: { stdin: false, stdout: false, stderr: true }, env: {} }, dir, 'bulk', '--codemod=wrap-errors', 'one', '--report=live');
  expect(live.stderr).toContain('\x1b[2K  one: fixing and verifying\n\x1b[2Kgoprod bulk: 0 of 1 repositories done\n');
  // Erased: up over the two lines drawn last, then clear to the end.
  expect(live.stderr).toContain('goprod bulk: 1 of 1 repositories done\n\x1b[J\x1b[1F\x1b[J');
  expect(live.stderr).not.toContain('[1/1]');
  const piped = await runGoprod(dir, 'bulk', '--codemod=wrap-errors', '--resume', 'one', '--report=live');
  expect(piped.stderr).toMatch(/^goprod: 1 repository: 1 changed/m);
});

test("a repository's own goprod.yaml applies to its run", async () => {
  const root = repo('configured', { 'a.go': WRAPS, 'skip.go': WRAPS.replace('func F(', 'func G('), 'goprod.yaml': 'exclude: ["skip.go"]\n' });
  const { code, stderr } = await bulk('configured');
  expect(code, stderr).toBe(0);
  expect(git(root, 'show', '--name-only', '--format=', 'goprod/wrap-errors')).toBe('a.go');
});
