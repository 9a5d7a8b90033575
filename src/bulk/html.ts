// report.html of `goprod bulk`: one file that opens offline (inline style and script, and a
// Content-Security-Policy that forbids every request) with the run's summary, a sortable,
// filterable table of repositories, and each changed repository's commit. Diffs are rendered
// here by diff2html, so they need no script; the page's script only filters and sorts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { html as diff2html, parse as parseDiff, type Diff2HtmlConfig } from 'diff2html';
import { ColorSchemeType, LineMatchingType, OutputFormatType } from 'diff2html/lib/types.js';
import { plural } from '../report.js';
import { tally, type BulkReport, type CodemodCounts, type RepoRecord } from './model.js';

/** The whole page. Every piece of report text is escaped; nothing in it can add markup or script. */
export function reportHtml(report: BulkReport): string {
  const t = tally(report);
  const statusCounts = Object.entries(t.byStatus);
  const title = `goprod bulk: ${report.codemods.join(', ')}`;
  const diffs = report.repositories.map((r, i) => (r.diff ? diffSection(r, i) : '')).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${scriptHash}'">
<title>${escapeHtml(title)}</title>
<style>${pageCss}</style>
<style>${diff2htmlCss()}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
${runFacts(report)}
</header>
<main>
<section aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<div class="counts">
${statusCounts.map(([status, n]) => `<div class="count ${escapeHtml(status)}" data-status="${escapeHtml(status)}"><span class="n">${n}</span> ${escapeHtml(status)}</div>`).join('\n')}
</div>
${fixesTable(report, t)}
</section>
<section aria-labelledby="repos-title">
<h2 id="repos-title">Repositories</h2>
<div class="controls">
<input type="search" id="filter" placeholder="Filter by name, reason or note" aria-label="Filter by name, reason or note">
<fieldset><legend>Status</legend>
${statusCounts.map(([status, n]) => `<label><input type="checkbox" name="status" value="${escapeHtml(status)}" checked> ${escapeHtml(status)} (${n})</label>`).join('\n')}
</fieldset>
<output id="shown">${report.repositories.length} of ${report.repositories.length} shown</output>
</div>
<table class="data" id="repos">
<thead><tr>${columns.map((c) => `<th${c.numeric ? ' data-numeric class="num"' : ''}><button type="button">${c.label}</button></th>`).join('')}</tr></thead>
<tbody>
${report.repositories.map(repoRow).join('\n')}
</tbody>
</table>
</section>
${diffs ? `<section aria-labelledby="changes-title">\n<h2 id="changes-title">Changes</h2>\n<p class="hint">Each repository's commit, as <code>git show</code> prints it. Nothing was pushed unless the notes say so.</p>\n${diffs}</section>` : ''}
</main>
<footer>Made by <code>goprod bulk</code>. <code>report.json</code> beside this file holds the same data.</footer>
<script>${pageScript}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function runFacts(report: BulkReport): string {
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  const facts: [string, string][] = [
    ['Codemods', report.codemods.map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')],
    ['Branch', `<code>${escapeHtml(report.branch)}</code>`],
    ...(report.shard ? [['Shard', `${report.shard.index}/${report.shard.count}`] as [string, string]] : []),
    ['Started', escapeHtml(when(report.startedAt))],
    ['Finished', escapeHtml(when(report.finishedAt))],
    ['Duration', Number.isFinite(seconds) ? duration(seconds) : 'unknown'],
  ];
  return `<dl class="facts">${facts.map(([term, value]) => `<div><dt>${term}</dt><dd>${value}</dd></div>`).join('')}</dl>`;
}

function fixesTable(report: BulkReport, t: ReturnType<typeof tally>): string {
  // The run's codemods in the order given, then any others a merged report holds.
  const codemods = [...new Set([...report.codemods, ...Object.keys(t.applied)])];
  const total = codemods.reduce((sum, c) => sum + (t.applied[c] ?? 0), 0);
  const rows = codemods.map((c) => `<tr><td><code>${escapeHtml(c)}</code></td><td class="num">${t.applied[c] ?? 0}</td></tr>`).join('');
  const backedOut = t.backedOut === 0 ? '' : `<p class="backed-out" id="backed-out"><span class="n">${t.backedOut}</span> ${plural(t.backedOut, 'fix was', 'fixes were')} backed out: the Go toolchain rejected ${plural(t.backedOut, 'it', 'them')}, so ${plural(t.backedOut, 'it is', 'they are')} in no commit.</p>`;
  return `<table class="data fixes" id="fixes"><thead><tr><th>Codemod</th><th class="num">Fixes applied</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th>Total</th><td class="num">${total}</td></tr></tfoot></table>${backedOut}`;
}

const columns: { label: string; numeric?: boolean }[] = [
  { label: 'Repository' },
  { label: 'Status' },
  { label: 'Fixes', numeric: true },
  { label: 'Backed out', numeric: true },
  { label: 'Unverified', numeric: true },
  { label: 'Branch' },
  { label: 'Commit' },
  { label: 'Seconds', numeric: true },
  { label: 'Reason and notes' },
];

function repoRow(r: RepoRecord, index: number): string {
  const status = escapeHtml(r.status);
  const name = `<span class="repo-name">${escapeHtml(r.name)}</span>${r.id === r.name ? '' : `<div class="repo-id">${escapeHtml(r.id)}</div>`}${r.diff ? `<a href="#${diffId(index)}">diff</a>` : ''}`;
  const cells = [
    `<td class="name">${name}</td>`,
    `<td><span class="badge ${status}">${status}</span></td>`,
    countCell(r, 'applied'),
    countCell(r, 'backedOut'),
    countCell(r, 'unverified'),
    `<td>${r.branch ? `<code>${escapeHtml(r.branch)}</code>` : ''}</td>`,
    `<td>${r.commit ? `<code title="${escapeHtml(r.commit)}">${escapeHtml(r.commit.slice(0, 12))}</code>` : ''}</td>`,
    `<td class="num" data-sort="${r.seconds}">${r.seconds.toFixed(1)}</td>`,
    `<td class="reason">${reasonAndNotes(r)}</td>`,
  ];
  return `<tr data-status="${status}">${cells.join('')}</tr>`;
}

/** A count summed over codemods, and per codemod when more than one has some. */
function countCell(r: RepoRecord, key: keyof CodemodCounts): string {
  const parts = Object.entries(r.fixes).filter(([, c]) => c[key] > 0);
  const total = parts.reduce((sum, [, c]) => sum + c[key], 0);
  const each = parts.length > 1 ? `<div class="each">${parts.map(([codemod, c]) => `${escapeHtml(codemod)} ${c[key]}`).join(', ')}</div>` : '';
  return `<td class="num${total === 0 ? ' zero' : ''}" data-sort="${total}">${total}${each}</td>`;
}

function reasonAndNotes(r: RepoRecord): string {
  const parts = [
    r.reason ? `<div>${cellText(r.reason)}</div>` : '',
    r.notes.length > 0 ? `<ul class="notes">${r.notes.map((n) => `<li>${cellText(n)}</li>`).join('')}</ul>` : '',
    r.push ? `<div class="push ${r.push.ok ? 'ok' : 'failed'}">${cellText(r.push.output.trim(), r.push.ok ? 'pushed' : 'push failed')}</div>` : '',
  ];
  return parts.join('');
}

/** Text in a table cell: a long or multi-line one behind a disclosure labelled with its first line (or `label`). */
function cellText(text: string, label?: string): string {
  const firstLine = text.split('\n', 1)[0]!;
  if (label === undefined && text === firstLine && text.length <= 160) return escapeHtml(text);
  if (text === '') return escapeHtml(label ?? '');
  const summary = label ?? (firstLine.length > 160 ? `${firstLine.slice(0, 160)}…` : firstLine);
  return `<details><summary>${escapeHtml(summary)}</summary><pre>${escapeHtml(text)}</pre></details>`;
}

function diffId(index: number): string {
  return `diff-${index}`;
}

const diffConfig: Diff2HtmlConfig = {
  outputFormat: OutputFormatType.LINE_BY_LINE,
  drawFileList: false,
  matching: LineMatchingType.LINES,
  colorScheme: ColorSchemeType.LIGHT,
  // A file with more changes than this (generated code, say) is named but not shown, which
  // keeps the page small enough to open.
  diffMaxChanges: 2000,
  diffMaxLineLength: 2000,
};

/** A repository's commit: its message, then its diff rendered by diff2html (which escapes it). */
function diffSection(r: RepoRecord, index: number): string {
  const diff = r.diff!;
  const headerEnd = diff.search(/^diff --git /m);
  const message = headerEnd > 0 ? diff.slice(0, headerEnd).trim() : '';
  const files = parseDiff(diff, diffConfig);
  const added = files.reduce((sum, f) => sum + f.addedLines, 0);
  const deleted = files.reduce((sum, f) => sum + f.deletedLines, 0);
  const stat = `${files.length} ${plural(files.length, 'file', 'files')}, <span class="added">+${added}</span> <span class="deleted">−${deleted}</span>`;
  const where = [r.branch, r.commit?.slice(0, 12)].map((s) => (s ? `<code>${escapeHtml(s)}</code>` : '')).join(' ');
  return `<details class="commit" id="${diffId(index)}">
<summary><span class="repo-name">${escapeHtml(r.name)}</span> ${where} <span class="stat">${stat}</span></summary>
${message ? `<pre class="message">${escapeHtml(message)}</pre>` : ''}
${diff2html(files, diffConfig)}
</details>
`;
}

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${s % 60} s`;
}

/** diff2html's stylesheet, read from the installed package. */
function diff2htmlCss(): string {
  return readFileSync(createRequire(import.meta.url).resolve('diff2html/bundles/css/diff2html.min.css'), 'utf8');
}

const pageCss = `
:root { --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --bg-subtle: #f6f8fa;
  --changed: #1a7f37; --unchanged: #656d76; --skipped: #7d4e00; --unverified: #9a6700; --failed: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
header, main, footer { padding: 0 32px; }
header { border-bottom: 1px solid var(--border); background: var(--bg-subtle); padding-top: 20px; padding-bottom: 12px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 28px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
code, pre { font: 12px/1.45 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 32px; margin: 0; }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 0; }
.counts { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 16px; }
.count { min-width: 120px; padding: 10px 14px; border: 1px solid var(--border); border-left-width: 4px; border-radius: 6px; color: var(--muted); }
.count .n { display: block; font-size: 24px; font-weight: 600; color: var(--fg); }
.count.changed { border-left-color: var(--changed); } .count.unchanged { border-left-color: var(--unchanged); }
.count.skipped { border-left-color: var(--skipped); } .count.unverified { border-left-color: var(--unverified); }
.count.failed { border-left-color: var(--failed); }
table.data { border-collapse: collapse; }
.data th, .data td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--border); }
.data .num { text-align: right; font-variant-numeric: tabular-nums; }
.zero { color: var(--muted); }
.fixes { min-width: 320px; }
.fixes tfoot th, .fixes tfoot td { font-weight: 600; border-bottom: none; }
.backed-out { color: var(--unverified); }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; margin-bottom: 12px; }
.controls input[type=search] { width: 320px; padding: 5px 8px; border: 1px solid var(--border); border-radius: 6px; font: inherit; }
.controls fieldset { border: none; margin: 0; padding: 0; display: flex; gap: 14px; align-items: center; }
.controls legend { float: left; margin-right: 4px; color: var(--muted); }
#shown { color: var(--muted); }
#repos { width: 100%; }
#repos thead th { position: sticky; top: 0; background: var(--bg-subtle); border-bottom: 2px solid var(--border); white-space: nowrap; }
#repos th button { border: 0; padding: 0; background: none; color: inherit; font: inherit; cursor: pointer; }
#repos th button::after { content: " \\2195"; color: var(--border); }
#repos th[aria-sort=ascending] button::after { content: " \\2191"; color: var(--fg); }
#repos th[aria-sort=descending] button::after { content: " \\2193"; color: var(--fg); }
#repos tbody tr:hover { background: var(--bg-subtle); }
.repo-name { font-weight: 600; overflow-wrap: anywhere; }
.repo-id { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
#repos td.name { min-width: 20em; }
#repos td code { white-space: nowrap; }
.name a { font-size: 12px; }
.each { color: var(--muted); font-size: 12px; white-space: nowrap; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.changed { background: var(--changed); } .badge.unchanged { background: var(--unchanged); }
.badge.skipped { background: var(--skipped); } .badge.unverified { background: var(--unverified); }
.badge.failed { background: var(--failed); }
.reason { min-width: 18em; max-width: 48em; }
.reason details summary { cursor: pointer; }
.notes { margin: 0; padding-left: 18px; color: var(--muted); }
.push.ok { color: var(--changed); } .push.failed { color: var(--failed); }
.hint { color: var(--muted); }
details.commit { border: 1px solid var(--border); border-radius: 6px; margin-bottom: 10px; }
details.commit > summary { cursor: pointer; padding: 8px 12px; background: var(--bg-subtle); border-radius: 6px; }
details.commit[open] > summary { border-bottom: 1px solid var(--border); border-radius: 6px 6px 0 0; }
details.commit > pre.message { padding: 8px 12px; margin: 0; border-bottom: 1px solid var(--border); }
details.commit .d2h-wrapper { padding: 8px 12px; }
.stat { color: var(--muted); margin-left: 8px; }
.added { color: var(--changed); } .deleted { color: var(--failed); }
/* diff2html's "Viewed" box needs its own script to do anything. */
.d2h-file-collapse { display: none; }
footer { color: var(--muted); font-size: 12px; margin: 32px 0 24px; }
`;

// Filtering and sorting the table, and opening a commit a "diff" link points at (the browser
// scrolls to a closed <details> but does not open it).
const pageScript = `
'use strict';
const table = document.getElementById('repos');
const headers = Array.from(table.tHead.rows[0].cells);
const rows = Array.from(table.tBodies[0].rows);
const searchText = new Map(rows.map((row) => [row, (row.querySelector('.name').textContent + ' ' + row.querySelector('.reason').textContent).toLowerCase()]));
const filter = document.getElementById('filter');
const boxes = Array.from(document.querySelectorAll('input[name=status]'));
const shown = document.getElementById('shown');

function applyFilter() {
  const text = filter.value.trim().toLowerCase();
  const statuses = new Set(boxes.filter((box) => box.checked).map((box) => box.value));
  let visible = 0;
  for (const row of rows) {
    row.hidden = !(statuses.has(row.dataset.status) && searchText.get(row).includes(text));
    if (!row.hidden) visible++;
  }
  shown.textContent = visible + ' of ' + rows.length + ' shown';
}
filter.addEventListener('input', applyFilter);
for (const box of boxes) box.addEventListener('change', applyFilter);

headers.forEach((th, column) => {
  th.querySelector('button').addEventListener('click', () => {
    const descending = th.getAttribute('aria-sort') === 'ascending';
    for (const other of headers) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    const key = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent.trim();
    const compare = th.hasAttribute('data-numeric') ? (a, b) => Number(key(a)) - Number(key(b)) : (a, b) => key(a).localeCompare(key(b));
    // From the report's order each time, so that equal rows stay in it.
    const sorted = rows.slice().sort((a, b) => (descending ? -compare(a, b) : compare(a, b)));
    table.tBodies[0].append(...sorted);
  });
});

function openTarget() {
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target instanceof HTMLDetailsElement) target.open = true;
}
addEventListener('hashchange', openTarget);
openTarget();
`;

// The Content-Security-Policy lets only this script run: were anything in a report to slip past
// escaping as a <script>, the browser would refuse it.
const scriptHash = `sha256-${createHash('sha256').update(pageScript).digest('base64')}`;
