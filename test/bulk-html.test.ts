// report.html of `goprod bulk`, opened in a real browser: the system's chromium (Debian's
// package; .ci/run installs it), driven by playwright-core.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reportHtml } from '../src/bulk/html.js';
import type { BulkReport, RepoRecord } from '../src/bulk/model.js';
import { launchChromium, openPage } from './browser.js';

// `git show` of a commit goprod made, with a line that looks like markup.
const paymentsDiff = `commit 1295fb665189630ca5a223ce5eb0858775c778df
Author: Dev <dev@example.com>
Date:   Tue Nov 24 21:05:58 2026 +0000

    goprod: wrap-errors (3 fixes), loopvar (1)

    Backed out (the Go toolchain rejected them):
    - wrap-errors at pay/charge.go:40: cannot use err & <nil>

diff --git a/pay/charge.go b/pay/charge.go
index 5641340..f8dfc85 100644
--- a/pay/charge.go
+++ b/pay/charge.go
@@ -1,6 +1,6 @@
 package pay
 
 func charge() error {
-	return fmt.Errorf("charge: %v", err)
+	return fmt.Errorf("charge: %w", err)
 }
-// <b>"old" &amp; gone</b>
+// <b>"new" &amp; here</b>
`;

const billingDiff = `diff --git a/main.go b/main.go
index 1111111..2222222 100644
--- a/main.go
+++ b/main.go
@@ -10,3 +10,3 @@ func main() {
 	if err != nil {
-		return fmt.Errorf("load: %v", err)
+		return fmt.Errorf("load: %w", err)
 	}
`;

const nastyName = '<script>alert(1)</script>';

function repo(name: string, status: RepoRecord['status'], seconds: number, extra: Partial<RepoRecord> = {}): RepoRecord {
  return { id: `https://git.example.com/${name}.git`, name, status, notes: [], fixes: {}, startedAt: '2026-11-24T21:00:00.000Z', seconds, ...extra };
}

const report: BulkReport = {
  version: 1,
  codemods: ['wrap-errors', 'loopvar'],
  branch: 'goprod/wrap-errors-loopvar',
  shard: { index: 2, count: 4 },
  startedAt: '2026-11-24T21:00:00.000Z',
  finishedAt: '2026-11-24T21:03:12.500Z',
  repositories: [
    repo('acme/payments', 'changed', 42.5, {
      branch: 'goprod/wrap-errors-loopvar',
      commit: '1295fb665189630ca5a223ce5eb0858775c778df',
      fixes: { 'wrap-errors': { applied: 3, backedOut: 1, unverified: 0 }, loopvar: { applied: 1, backedOut: 0, unverified: 0 } },
      notes: ['the checkout had uncommitted changes; the branch starts from HEAD'],
      diff: paymentsDiff,
      push: { ok: true, output: 'https://git.example.com/acme/payments/pull/7' },
    }),
    repo('acme/billing', 'changed', 12.25, { branch: 'goprod/wrap-errors-loopvar', commit: 'abcdef0123456789abcdef0123456789abcdef01', fixes: { 'wrap-errors': { applied: 2, backedOut: 0, unverified: 0 } }, diff: billingDiff }),
    repo('acme/auth', 'unchanged', 3.5),
    repo('acme/docs', 'unchanged', 0.75),
    repo('acme/legacy', 'skipped', 0.5, { reason: 'the branch goprod/wrap-errors-loopvar exists' }),
    repo(nastyName, 'skipped', 0.25, { reason: 'not a git repository: "x" & <y>' }),
    repo('acme/vendored', 'unverified', 30, { reason: 'modules missing: run with --download', fixes: { 'wrap-errors': { applied: 0, backedOut: 0, unverified: 4 } } }),
    repo('acme/broken', 'failed', 8, { reason: 'clone failed: fatal: repository not found' }),
    repo('acme/slow', 'failed', 600, { reason: 'timed out after 600 s' }),
  ],
};

let browser: Browser;
let dir: string;
let url: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'goprod-report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, reportHtml(report));
  url = pathToFileURL(file).href;
});

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The report in a new page, and everything that went wrong or out while it loaded and since. */
const open = () => openPage(browser, url);

const visibleNames = (page: Page) => page.locator('#repos tbody tr:visible .repo-name').allTextContents();
const byName = (a: RepoRecord, b: RepoRecord) => a.name.localeCompare(b.name);

describe('report.html', () => {
  test('loads offline with no errors and shows the run and its counts', async () => {
    const { page, problems, requests } = await open();
    expect(requests).toEqual([url]);
    expect(await page.title()).toBe('goprod bulk: wrap-errors, loopvar');
    const counts = Object.fromEntries(await page.locator('.count').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.status, e.querySelector('.n')!.textContent])));
    expect(counts).toEqual({ changed: '2', unchanged: '2', skipped: '2', unverified: '1', failed: '2' });
    expect(await page.locator('#fixes tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLTableRowElement).innerText))).toEqual(['wrap-errors\t5', 'loopvar\t1']);
    expect(await page.locator('#fixes tfoot').innerText()).toBe('Total\t6');
    expect(await page.locator('#backed-out .n').textContent()).toBe('1');
    const facts = await page.locator('.facts').innerText();
    for (const fact of ['goprod/wrap-errors-loopvar', '2/4', '2026-11-24 21:00:00 UTC', '2026-11-24 21:03:12 UTC', '3 min 13 s']) expect(facts).toContain(fact);
    expect(await page.locator('#shown').textContent()).toBe('9 of 9 shown');
    const payments = page.locator('#repos tbody tr', { hasText: 'acme/payments' });
    expect(await payments.locator('td').evaluateAll((tds) => tds.slice(2, 8).map((td) => (td as HTMLElement).innerText))).toEqual([
      '4\nwrap-errors 3, loopvar 1', '1', '0', 'goprod/wrap-errors-loopvar', '1295fb665189', '42.5',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('shows names, reasons and commit messages that look like markup as text', async () => {
    const { page, problems } = await open();
    const nasty = page.locator('#repos tbody tr', { hasText: nastyName });
    expect(await nasty.locator('.repo-name').textContent()).toBe(nastyName);
    expect(await nasty.locator('.reason').textContent()).toBe('not a git repository: "x" & <y>');
    expect(await page.evaluate(() => document.scripts.length)).toBe(1);
    expect(await page.locator('#diff-0 pre.message').textContent()).toContain('cannot use err & <nil>');
    expect(problems).toEqual([]);
    await page.close();
  });

  test('filters by name or reason, and by status', async () => {
    const { page, problems } = await open();
    await page.fill('#filter', 'acme/b');
    expect(await visibleNames(page)).toEqual(['acme/billing', 'acme/broken']);
    await page.fill('#filter', 'TIMED OUT');
    expect(await visibleNames(page)).toEqual(['acme/slow']);
    await page.fill('#filter', '');
    await page.uncheck('input[name=status][value=changed]');
    await page.uncheck('input[name=status][value=unchanged]');
    expect(await visibleNames(page)).toEqual(report.repositories.filter((r) => r.status !== 'changed' && r.status !== 'unchanged').map((r) => r.name));
    expect(await page.locator('#shown').textContent()).toBe('5 of 9 shown');
    await page.fill('#filter', 'acme/b');
    expect(await visibleNames(page)).toEqual(['acme/broken']);
    await page.check('input[name=status][value=changed]');
    expect(await visibleNames(page)).toEqual(['acme/billing', 'acme/broken']);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('sorts by a column, both ways', async () => {
    const { page, problems } = await open();
    const bySeconds = [...report.repositories].sort((a, b) => a.seconds - b.seconds).map((r) => r.name);
    await page.click('#repos th button:text-is("Seconds")');
    expect(await visibleNames(page)).toEqual(bySeconds);
    await page.click('#repos th button:text-is("Seconds")');
    expect(await visibleNames(page)).toEqual([...bySeconds].reverse());
    await page.click('#repos th button:text-is("Repository")');
    expect(await visibleNames(page)).toEqual([...report.repositories].sort(byName).map((r) => r.name));
    expect(await page.locator('#repos th[aria-sort]').allInnerTexts()).toEqual([expect.stringContaining('Repository')]);
    // Sorting keeps the filter.
    await page.fill('#filter', 'acme/b');
    await page.click('#repos th button:text-is("Fixes")');
    expect(await visibleNames(page)).toEqual(['acme/broken', 'acme/billing']);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("renders each changed repository's diff, opened from the table", async () => {
    const { page, problems } = await open();
    expect(await page.locator('details.commit .repo-name').allTextContents()).toEqual(['acme/payments', 'acme/billing']);
    const diff = page.locator('#diff-0');
    expect(await diff.locator('.d2h-diff-table').isVisible()).toBe(false);
    await page.locator('#repos tbody tr', { hasText: 'acme/payments' }).getByRole('link', { name: 'diff' }).click();
    await page.waitForFunction(() => (document.getElementById('diff-0') as HTMLDetailsElement).open);
    expect(await diff.locator('.d2h-diff-table').isVisible()).toBe(true);
    expect(await diff.locator('.d2h-file-name').textContent()).toBe('pay/charge.go');
    expect(await diff.locator('td.d2h-del .d2h-code-line-ctn').allInnerTexts()).toEqual(['\treturn fmt.Errorf("charge: %v", err)', '// <b>"old" &amp; gone</b>']);
    expect(await diff.locator('td.d2h-ins .d2h-code-line-ctn').allInnerTexts()).toEqual(['\treturn fmt.Errorf("charge: %w", err)', '// <b>"new" &amp; here</b>']);
    expect(await diff.locator('summary .stat').textContent()).toBe('1 file, +2 −2');
    expect(problems).toEqual([]);
    await page.close();
  });
});

test('names a file with too many changes to show, and leaves its lines out', () => {
  const lines = Array.from({ length: 2500 }, (_, i) => `+var generated${i} = ${i}`);
  const diff = `diff --git a/gen.go b/gen.go\n--- a/gen.go\n+++ b/gen.go\n@@ -0,0 +1,2500 @@\n${lines.join('\n')}\n`;
  const html = reportHtml({ ...report, repositories: [repo('acme/generated', 'changed', 1, { diff })] });
  expect(html).toContain('gen.go');
  expect(html).toContain('Diff too big to be displayed');
  expect(html).not.toContain('generated2499');
});
