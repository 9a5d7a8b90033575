// The report card (report.html of goprod check over many repositories, and --format=html for
// one) and the badge, opened in a real browser (test/browser.ts). The fleet is 200 made-up
// repositories, so the page's load and its sorting and filtering are measured at the size the
// issue sets: the numbers are printed, not asserted (no timed tests).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BAND_COLORS } from '../src/check/badge.js';
import type { CheckDocument, ModuleScore } from '../src/check/command.js';
import { codemodTotals, fleetReport, lowestModule, mainModule, SIGNALS, type CheckRecord, type FleetReport } from '../src/check/fleet.js';
import { reportCard } from '../src/check/page.js';
import { band, type Signal } from '../src/check/signals.js';
import { launchChromium, openPage } from './browser.js';
import { gitRepo } from './git-repo.js';
import { runGoprod } from './run-goprod.js';

/** A fixed sequence of pseudo-random numbers in [0, 1): the same fleet every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

const NAMES: Record<Signal['id'], string> = {
  structure: 'Project structure', errors: 'Error handling', concurrency: 'Concurrency safety', testing: 'Testing',
  observability: 'Observability', configuration: 'Configuration', ci: 'CI/CD', documentation: 'Documentation',
};
const CODEMODS = ['wrap-errors', 'errors-is', 'errors-as', 'close-errors', 'loopvar', 'env-config'];
const nastyName = 'acme/<script>alert(1)</script>';

function moduleScore(next: () => number, name: string, dir: string): ModuleScore {
  const signals: Signal[] = SIGNALS.map(({ id }) => {
    const score = Math.min(2, Math.floor(next() * 3.4)) as 0 | 1 | 2;
    return {
      id, name: NAMES[id], score,
      evidence: { packages: Math.floor(next() * 80), files: ['.github/workflows/ci.yml', 'Makefile'] },
      summary: `${Math.floor(next() * 90)} of ${Math.floor(next() * 400)} fmt.Errorf calls formatting an error lack %w (${Math.floor(next() * 100)} % wrap); ${Math.floor(next() * 9)} sentinel errors; <b>"markup"</b> & friends stay text`,
      fix: `goprod fix --codemod=${CODEMODS[Math.floor(next() * CODEMODS.length)]}; then the guide's advice for ${id}`,
    };
  });
  const total = signals.reduce((n, s) => n + s.score, 0);
  const codemods: ModuleScore['codemods'] = {};
  for (const c of CODEMODS) {
    if (next() < 0.45) {
      const findings = 1 + Math.floor(next() * 60);
      codemods[c] = { findings, fixes: c === 'errors-as' ? Math.floor(findings / 3) : findings };
    }
  }
  return { module: `example.com/${name}${dir === '.' ? '' : `/${dir}`}`, dir, goLines: 200 + Math.floor(next() * 60_000), total, max: 16, band: band(total), signals, codemods };
}

/** 200 repositories: most with one module, some with five or fourteen, a few that failed, one named like markup. */
function madeUpFleet(): FleetReport {
  const next = random(28);
  const records: CheckRecord[] = Array.from({ length: 200 }, (_, i) => {
    const name = i === 7 ? nastyName : `team-${i % 12}/svc-${String(i).padStart(3, '0')}`;
    const base = { kind: 'check' as const, id: `https://git.example.com/${name}.git`, name, startedAt: '2026-12-01T10:00:00.000Z', seconds: Math.round(next() * 300) / 10 };
    if (i % 37 === 5) return { ...base, status: 'failed', reason: i === 5 ? 'git clone: fatal: repository "x" & <y> not found' : 'no Go module found (no go.mod above the Go files under the given paths)' };
    const count = i % 50 === 3 ? 14 : i % 10 === 1 ? 5 : 1;
    const modules = Array.from({ length: count }, (_, m) => moduleScore(next, name.replace(/\W/g, ''), m === 0 ? '.' : `mod${m}`));
    const lines = modules.reduce((n, m) => n + m.goLines, 0);
    const total = Math.round(modules.reduce((n, m) => n + m.total * m.goLines, 0) / lines);
    const check: CheckDocument = { version: 2, measured: 'from the repository (tests not run)', overall: { total, max: 16, band: band(total) }, modules };
    return { ...base, status: 'checked', check };
  });
  return fleetReport(records, { measured: 'from the repository (tests not run)', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:07:30.000Z' });
}

const fleet = madeUpFleet();
const repos = fleet.repositories;
let browser: Browser;
let dir: string;
let url: string;
let bytes = 0;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'goprod-card-'));
  const html = reportCard(fleet);
  bytes = Buffer.byteLength(html);
  writeFileSync(join(dir, 'report.html'), html);
  url = pathToFileURL(join(dir, 'report.html')).href;
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const open = () => openPage(browser, url);
const visibleNames = (page: Page) => page.locator('#repos tbody tr:visible .repo-name').allTextContents();
const names = (records: readonly CheckRecord[]) => records.map((r) => r.name);
/** Stable sorts, as the page's (each starts from the report's order). */
const ascending = (key: (r: CheckRecord) => number) => [...repos].sort((a, b) => key(a) - key(b));
const descending = (key: (r: CheckRecord) => number) => [...repos].sort((a, b) => key(b) - key(a));
const signalScore = (id: Signal['id']) => (r: CheckRecord) => (r.check ? mainModule(r.check)!.signals.find((s) => s.id === id)!.score : -1);
const fixes = (r: CheckRecord) => (r.check ? [...codemodTotals(r.check).values()].reduce((n, c) => n + c.fixes, 0) : 0);

/** Clicks the element in the page and returns how long the click's work and the layout it forces took, in ms. */
function clickTime(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel) as HTMLElement;
    const start = performance.now();
    element.click();
    void document.body.offsetHeight;
    return performance.now() - start;
  }, selector);
}

/** Sets a select's value as a user would and returns how long the change's work and its layout took, in ms. */
function selectTime(page: Page, selector: string, value: string): Promise<number> {
  return page.evaluate(([sel, v]) => {
    const select = document.querySelector(sel!) as HTMLSelectElement;
    const start = performance.now();
    select.value = v!;
    select.dispatchEvent(new Event('change'));
    void document.body.offsetHeight;
    return performance.now() - start;
  }, [selector, value]);
}

/** The header button of a column of the repositories' table. */
const COLUMNS = ['Repository', 'Kind', 'Lines', 'Score', 'Band', ...SIGNALS.map((x) => x.short), 'Lowest module', 'Fixes'];
const header = (label: string) => `#repos th:nth-child(${COLUMNS.indexOf(label) + 1}) button`;

describe('the report card of 200 repositories', () => {
  test('opens offline with no errors; prints how long it took', async () => {
    const started = performance.now();
    const { page, problems, requests } = await open();
    const opened = performance.now() - started;
    const loadEvent = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
    console.log(`report card of ${repos.length} repositories (${Math.round(bytes / 1024)} KB): opened in ${opened.toFixed(0)} ms (load event at ${loadEvent.toFixed(0)} ms)`);
    expect(requests).toEqual([url]);
    expect(await page.title()).toBe('goprod check: 200 repositories');
    expect(await page.locator('#repos tbody tr').count()).toBe(200);
    expect(await page.locator('#shown').textContent()).toBe('200 of 200 shown');
    expect(await page.evaluate(() => document.scripts.length)).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the summary: repositories per band, the signals weakest first, the migration plan with its commands', async () => {
    const { page, problems } = await open();
    const s = fleet.summary;
    const cards = await page.locator('#bands [data-band]').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.band, e.querySelector('.n')!.textContent]));
    expect(cards).toEqual([...Object.entries(s.bands).map(([b, n]) => [b, String(n)]), ['failed', String(s.failed)]]);
    expect(s.failed).toBe(6);
    expect(await page.locator('#signals tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.signal))).toEqual(s.signals.map((t) => t.id));
    expect(s.signals[0]!.mean).toBeLessThanOrEqual(s.signals[7]!.mean);
    const plan = await page.locator('#plan tbody tr').evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.codemod, ...Array.from((r as HTMLTableRowElement).cells).slice(1).map((c) => c.innerText)]));
    expect(plan).toEqual(s.plan.map((p) => [p.codemod, p.fixes.toLocaleString('en-US'), p.findings.toLocaleString('en-US'), String(p.repositories), p.command]));
    expect(s.plan.map((p) => p.codemod).sort()).toEqual([...CODEMODS].sort());
    expect(await page.locator('#plan code.command').first().textContent()).toBe(`goprod bulk --codemod=${s.plan[0]!.codemod} --repos plan/${s.plan[0]!.codemod}.txt --report bulk-${s.plan[0]!.codemod}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('sorts by any column, both ways; prints how long a sort takes', async () => {
    const { page, problems } = await open();
    const button = header;
    expect(await page.locator('#repos thead th').allInnerTexts()).toEqual(COLUMNS.map((c) => expect.stringContaining(c)));
    const sortTime = await clickTime(page, header('Score'));
    expect(await visibleNames(page)).toEqual(names(ascending((r) => r.check?.overall.total ?? -1)));
    await page.click(button('Score'));
    expect(await visibleNames(page)).toEqual(names(descending((r) => r.check?.overall.total ?? -1)));
    await page.click(button('Testing'));
    expect(await visibleNames(page)).toEqual(names(ascending(signalScore('testing'))));
    await page.click(button('Lowest module'));
    expect(await visibleNames(page)).toEqual(names(ascending((r) => (r.check ? lowestModule(r.check)!.total : -1))));
    await page.click(button('Fixes'));
    await page.click(button('Fixes'));
    expect(await visibleNames(page)).toEqual(names(descending(fixes)));
    await page.click(button('Lines'));
    expect(await visibleNames(page)).toEqual(names(ascending((r) => r.check?.modules.reduce((n, m) => n + m.goLines, 0) ?? -1)));
    await page.click(button('Repository'));
    expect(await visibleNames(page)).toEqual(names([...repos].sort((a, b) => a.name.localeCompare(b.name))));
    expect(await page.locator('#repos th[aria-sort]').allInnerTexts()).toEqual([expect.stringContaining('Repository')]);
    const each: Array<[string, number]> = [];
    for (const label of ['Band', 'Kind', 'Errors', 'Docs', 'Lowest module']) each.push([label, await clickTime(page, header(label))]);
    console.log(`sorting ${repos.length} rows: by Score ${sortTime.toFixed(1)} ms; ${each.map(([l, t]) => `by ${l} ${t.toFixed(1)} ms`).join('; ')}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('filters by band, by a signal, by a codemod and by name, together; prints how long a filter takes', async () => {
    const { page, problems } = await open();
    const bandTime = await clickTime(page, '#bands [data-band="critical gaps"]');
    const critical = repos.filter((r) => r.check?.overall.band === 'critical gaps');
    expect(critical.length).toBeGreaterThan(0);
    expect(await visibleNames(page)).toEqual(names(critical));
    for (const b of ['exemplary', 'solid', 'needs work', 'failed']) await page.check(`input[name=band][value="${b}"]`);
    const signalTime = await selectTime(page, '#signal', 'testing');
    expect(await visibleNames(page)).toEqual(names(repos.filter((r) => signalScore('testing')(r) >= 0 && signalScore('testing')(r) < 2)));
    await page.selectOption('#signal-score', '0');
    const zero = repos.filter((r) => signalScore('testing')(r) === 0);
    expect(await visibleNames(page)).toEqual(names(zero));
    expect(await page.locator('#shown').textContent()).toBe(`${zero.length} of 200 shown`);
    await page.selectOption('#codemod', 'loopvar');
    const withLoopvar = zero.filter((r) => (codemodTotals(r.check!).get('loopvar')?.fixes ?? 0) > 0);
    expect(await visibleNames(page)).toEqual(names(withLoopvar));
    await page.selectOption('#signal', '');
    await page.selectOption('#codemod', '');
    await page.fill('#filter', 'TEAM-3/');
    expect(await visibleNames(page)).toEqual(names(repos.filter((r) => r.name.startsWith('team-3/'))));
    // Sorting keeps the filter.
    await page.click(header('Score'));
    expect(await visibleNames(page)).toEqual(names(ascending((r) => r.check?.overall.total ?? -1).filter((r) => r.name.startsWith('team-3/'))));
    console.log(`filtering ${repos.length} rows: by band ${bandTime.toFixed(1)} ms, by signal ${signalTime.toFixed(1)} ms`);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the summary's bands, signals and plan filter the table", async () => {
    const { page, problems } = await open();
    await page.click('#bands [data-band=solid]');
    expect(await visibleNames(page)).toEqual(names(repos.filter((r) => r.check?.overall.band === 'solid')));
    await page.click('#bands [data-band=failed]');
    expect(await visibleNames(page)).toEqual(names(repos.filter((r) => r.status === 'failed')));
    await page.click('#bands [data-band=exemplary]');
    for (const b of ['solid', 'needs work', 'critical gaps', 'failed']) await page.check(`input[name=band][value="${b}"]`);
    const weakest = fleet.summary.signals[0]!;
    await page.click(`#signals button[data-filter-signal=${weakest.id}]`);
    expect(await page.locator('#signal').inputValue()).toBe(weakest.id);
    expect((await visibleNames(page)).length).toBe(weakest.scores[0] + weakest.scores[1]);
    await page.selectOption('#signal', '');
    const step = fleet.summary.plan.find((p) => p.codemod === 'errors-as')!;
    await page.click('#plan button[data-filter-codemod=errors-as]');
    expect(await page.locator('#codemod').inputValue()).toBe('errors-as');
    expect((await visibleNames(page)).length).toBe(step.repositories);
    expect(await visibleNames(page)).toEqual(names(repos.filter((r) => (r.check ? (codemodTotals(r.check).get('errors-as')?.fixes ?? 0) : 0) > 0)));
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a repository's evidence opens from its name or a signal, every module's signals with what decided them", async () => {
    const { page, problems } = await open();
    const many = repos.find((r) => r.check?.modules.length === 14)!;
    const row = page.locator('#repos tbody tr', { has: page.locator('.repo-name', { hasText: many.name }) });
    await row.locator('button.repo-name').click();
    const dialog = page.locator('dialog#evidence');
    expect(await dialog.isVisible()).toBe(true);
    expect(await page.locator('#ev-title').textContent()).toBe(`${many.name}: ${many.check!.overall.total}/16 ${many.check!.overall.band}`);
    expect(await dialog.locator('.ev-module').count()).toBe(14);
    expect(await dialog.locator('.ev-module h3 .mod').allTextContents()).toEqual(many.check!.modules.map((m) => m.module));
    expect(await dialog.locator('.ev-module').first().locator('tbody tr').count()).toBe(8);
    const first = many.check!.modules[0]!.signals[1]!;
    expect(await dialog.locator('.ev-module').first().locator('tr[data-signal=errors] td').last().innerText()).toBe(first.score < 2 ? `${first.summary}\nfix: ${first.fix}` : first.summary);
    await page.click('#ev-close');
    expect(await dialog.isVisible()).toBe(false);

    // A signal cell opens the same evidence with that signal marked in every module.
    const main = mainModule(many.check!)!;
    await row.locator('button[data-signal=testing]').click();
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.locator('tr.focus').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.signal))).toEqual(Array(14).fill('testing'));
    expect(await row.locator('button[data-signal=testing]').textContent()).toBe(String(main.signals.find((s) => s.id === 'testing')!.score));
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);

    // Another repository's evidence replaces it; a failed one says why, as text.
    const failed = repos.find((r) => r.reason?.includes('<y>'))!;
    await page.locator('#repos tbody tr', { has: page.locator('.repo-name', { hasText: failed.name }) }).locator('button.repo-name').click();
    expect(await dialog.locator('.ev-module').count()).toBe(0);
    expect(await dialog.locator('.reason').textContent()).toBe(failed.reason);
    await page.click('#ev-close');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('names, reasons and evidence that look like markup stay text', async () => {
    const { page, problems } = await open();
    const nasty = page.locator('#repos tbody tr', { has: page.locator('.repo-name', { hasText: nastyName }) });
    expect(await nasty.locator('.repo-name').textContent()).toBe(nastyName);
    await nasty.locator('button.repo-name').click();
    expect(await page.locator('#ev-title').textContent()).toMatch(/^acme\/<script>alert\(1\)<\/script>: \d+\/16 /);
    expect(await page.locator('dialog#evidence tr[data-signal=structure] td').last().innerText()).toContain('<b>"markup"</b> & friends stay text');
    expect(await page.evaluate(() => document.scripts.length)).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("one repository's card and badge, from a real check", () => {
  let repo: string;
  beforeAll(() => {
    repo = gitRepo(join(dir, 'svc'), {
      'a.go': 'package m\n\nimport "fmt"\n\n// F fails.\nfunc F(err error) error {\n\treturn fmt.Errorf("f: %v", err)\n}\n',
      'README.md': '# svc\n',
    });
  });

  test('goprod check --format=html opens with the repository, its plan and its evidence in view', async () => {
    const { code, stdout } = await runGoprod(repo, 'check', '--format=html');
    expect(code).toBe(0);
    writeFileSync(join(dir, 'svc.html'), stdout);
    const { page, problems, requests } = await openPage(browser, pathToFileURL(join(dir, 'svc.html')).href);
    expect(requests).toHaveLength(1);
    expect(await page.title()).toMatch(/^goprod check: svc \d+\/16 (exemplary|solid|needs work|critical gaps)$/);
    expect(await page.locator('#repos tbody tr').count()).toBe(1);
    expect(await page.locator('#plan code.command').allTextContents()).toEqual(['goprod fix --write --codemod=wrap-errors']);
    expect(await page.locator('#evidence-title ~ .ev-module tbody tr').count()).toBe(8);
    expect(await page.locator('#evidence-title ~ .ev-module tr[data-signal=errors] .fix').textContent()).toBe('fix: goprod fix --codemod=wrap-errors,errors-is,errors-as,close-errors,check-errors');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the badge shows the score and band, each text inside its half', async () => {
    expect((await runGoprod(repo, 'check', '--badge', join(dir, 'badge.svg'))).code).toBe(0);
    const doc = JSON.parse((await runGoprod(repo, 'check', '--format=json')).stdout) as CheckDocument;
    const { page, problems } = await openPage(browser, pathToFileURL(join(dir, 'badge.svg')).href);
    const svg = page.locator('svg');
    expect(await svg.getAttribute('aria-label')).toBe(`goprod: ${doc.overall.total}/16 ${doc.overall.band}`);
    const layout = await page.evaluate(() => {
      const rects = Array.from(document.querySelectorAll('g[clip-path] rect')).slice(0, 2).map((r) => (r as SVGRectElement).getBBox());
      const texts = Array.from(document.querySelectorAll('text')).filter((t) => !t.hasAttribute('fill-opacity')).map((t) => ({ box: (t as SVGTextElement).getBBox(), text: t.textContent }));
      return { rects: rects.map((r) => [r.x, r.x + r.width]), texts: texts.map((t) => ({ text: t.text, from: t.box.x, to: t.box.x + t.box.width })), fill: document.querySelectorAll('g[clip-path] rect')[1]!.getAttribute('fill') };
    });
    expect(layout.texts.map((t) => t.text)).toEqual(['goprod', `${doc.overall.total}/16 ${doc.overall.band}`]);
    layout.texts.forEach((t, i) => {
      expect(t.from, t.text!).toBeGreaterThanOrEqual(layout.rects[i]![0]! + 4);
      expect(t.to, t.text!).toBeLessThanOrEqual(layout.rects[i]![1]! - 4);
    });
    expect(layout.fill).toBe(BAND_COLORS[doc.overall.band as keyof typeof BAND_COLORS]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
