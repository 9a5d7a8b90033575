// report.html of `goprod bulk`: one file that opens offline (see page.ts) with the run's summary,
// a sortable, filterable table of repositories, and each changed repository's commit. Diffs are
// rendered here by diff2html, so they need no script; the page's script only filters and sorts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { html as diff2html, parse as parseDiff, type Diff2HtmlConfig } from 'diff2html';
import { ColorSchemeType, LineMatchingType, OutputFormatType } from 'diff2html/lib/types.js';
import { baseCss, escapeHtml, facts, htmlPage, runDuration, sortableScript, when } from '../output/page.js';
import { plural } from '../output/text.js';
import { tally, type BulkReport, type CodemodCounts, type RepoRecord } from './model.js';

/** The whole page. Every piece of report text is escaped; nothing in it can add markup or script. */
export function reportHtml(report: BulkReport): string {
  const t = tally(report);
  const statusCounts = Object.entries(t.byStatus);
  const title = `goprod bulk: ${report.codemods.join(', ')}`;
  const diffs = report.repositories.map((r, i) => (r.diff ? diffSection(r, i) : '')).join('');
  return htmlPage({
    title,
    styles: [baseCss, pageCss, diff2htmlCss()],
    header: `<h1>${escapeHtml(title)}</h1>\n${runFacts(report)}`,
    main: `<section aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<div class="counts">
${statusCounts.map(([status, n]) => `<div class="count ${escapeHtml(status)}" data-status="${escapeHtml(status)}"><span \
class="n">${n}</span> ${escapeHtml(status)}</div>`).join('\n')}
</div>
${fixesTable(report, t)}
</section>
<section aria-labelledby="repos-title">
<h2 id="repos-title">Repositories</h2>
<div class="controls">
<input type="search" id="filter" placeholder="Filter by name, reason or note" aria-label="Filter by name, reason or note">
<fieldset><legend>Status</legend>
${statusCounts.map(([status, n]) => `<label><input type="checkbox" name="status" value="${escapeHtml(status)}" \
checked> ${escapeHtml(status)} (${n})</label>`).join('\n')}
</fieldset>
<output id="shown">${report.repositories.length} of ${report.repositories.length} shown</output>
</div>
<table class="data sortable" id="repos">
<thead><tr>${columns.map((c) => `<th${c.numeric ? ' data-numeric class="num"' : ''}><button \
type="button">${c.label}</button></th>`).join('')}</tr></thead>
<tbody>
${report.repositories.map(repoRow).join('\n')}
</tbody>
</table>
</section>
${diffs ? `<section aria-labelledby="changes-title">\n<h2 id="changes-title">Changes</h2>\n<p class="hint">Each repository's commit, as \
<code>git show</code> prints it. Nothing was pushed unless the notes say so.</p>\n${diffs}</section>` : ''}`,
    footer: 'Made by <code>goprod bulk</code>. <code>report.json</code> beside this file holds the same data.',
    script: pageScript,
  });
}

function runFacts(report: BulkReport): string {
  return facts([
    ['Codemods', report.codemods.map((c) => `<code>${escapeHtml(c)}</code>`).join(', ')],
    ['Branch', `<code>${escapeHtml(report.branch)}</code>`],
    ...(report.shard ? [['Shard', `${report.shard.index}/${report.shard.count}`] as const] : []),
    ['Started', escapeHtml(when(report.startedAt))],
    ['Finished', escapeHtml(when(report.finishedAt))],
    ['Duration', runDuration(report.startedAt, report.finishedAt)],
  ]);
}

function fixesTable(report: BulkReport, t: ReturnType<typeof tally>): string {
  // The run's codemods in the order given, then any others a merged report holds.
  const codemods = [...new Set([...report.codemods, ...Object.keys(t.applied)])];
  const total = codemods.reduce((sum, c) => sum + (t.applied[c] ?? 0), 0);
  const rows = codemods.map((c) => `<tr><td><code>${escapeHtml(c)}</code></td><td class="num">${t.applied[c] ?? 0}</td></tr>`).join('');
  const backedOut =
    t.backedOut === 0
      ? ''
      : `<p class="backed-out" id="backed-out"><span class="n">${t.backedOut}</span> ${plural(t.backedOut, 'fix was', 'fixes were')} \
backed out: the Go toolchain rejected ${plural(t.backedOut, 'it', 'them')}, so ${plural(t.backedOut, 'it is', 'they are')} in no \
commit.</p>`;
  return `<table class="data fixes" id="fixes"><thead><tr><th>Codemod</th><th class="num">Fixes \
applied</th></tr></thead><tbody>${rows}</tbody><tfoot><tr><th>Total</th><td class="num">${total}</td></tr></tfoot></table>${backedOut}`;
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
  const name = `<span \
class="repo-name">${escapeHtml(r.name)}</span>${r.id === r.name ? '' : `<div class="repo-id">${escapeHtml(r.id)}</div>`}${r.diff ? `<a \
href="#${diffId(index)}">diff</a>` : ''}`;
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
  const each =
    parts.length > 1 ? `<div class="each">${parts.map(([codemod, c]) => `${escapeHtml(codemod)} ${c[key]}`).join(', ')}</div>` : '';
  return `<td class="num${total === 0 ? ' zero' : ''}" data-sort="${total}">${total}${each}</td>`;
}

function reasonAndNotes(r: RepoRecord): string {
  const parts = [
    r.reason ? `<div>${cellText(r.reason)}</div>` : '',
    r.notes.length > 0 ? `<ul class="notes">${r.notes.map((n) => `<li>${cellText(n)}</li>`).join('')}</ul>` : '',
    r.push
      ? `<div class="push ${r.push.ok ? 'ok' : 'failed'}">${cellText(r.push.output.trim(), r.push.ok ? 'pushed' : 'push failed')}</div>`
      : '',
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
  const stat = `${files.length} ${plural(files.length, 'file', 'files')}, <span class="added">+${added}</span> <span \
class="deleted">−${deleted}</span>`;
  const where = [r.branch, r.commit?.slice(0, 12)].map((s) => (s ? `<code>${escapeHtml(s)}</code>` : '')).join(' ');
  return `<details class="commit" id="${diffId(index)}">
<summary><span class="repo-name">${escapeHtml(r.name)}</span> ${where} <span class="stat">${stat}</span></summary>
${message ? `<pre class="message">${escapeHtml(message)}</pre>` : ''}
${diff2html(files, diffConfig)}
</details>
`;
}

/** diff2html's stylesheet, read from the installed package. */
function diff2htmlCss(): string {
  return readFileSync(createRequire(import.meta.url).resolve('diff2html/bundles/css/diff2html.min.css'), 'utf8');
}

const pageCss = `
:root { --changed: #1a7f37; --unchanged: #656d76; --skipped: #7d4e00; --unverified: #9a6700; --failed: #cf222e; }
.count.changed { border-left-color: var(--changed); } .count.unchanged { border-left-color: var(--unchanged); }
.count.skipped { border-left-color: var(--skipped); } .count.unverified { border-left-color: var(--unverified); }
.count.failed { border-left-color: var(--failed); }
.fixes { min-width: 320px; }
.fixes tfoot th, .fixes tfoot td { font-weight: 600; border-bottom: none; }
.backed-out { color: var(--unverified); }
#repos td.name { min-width: 20em; }
#repos td code { white-space: nowrap; }
.name a { font-size: 12px; }
.each { color: var(--muted); font-size: 12px; white-space: nowrap; }
.badge.changed { background: var(--changed); } .badge.unchanged { background: var(--unchanged); }
.badge.skipped { background: var(--skipped); } .badge.unverified { background: var(--unverified); }
.badge.failed { background: var(--failed); }
.reason { min-width: 18em; max-width: 48em; }
.reason details summary { cursor: pointer; }
.notes { margin: 0; padding-left: 18px; color: var(--muted); }
.push.ok { color: var(--changed); } .push.failed { color: var(--failed); }
details.commit { border: 1px solid var(--border); border-radius: 6px; margin-bottom: 10px; }
details.commit > summary { cursor: pointer; padding: 8px 12px; background: var(--bg-subtle); border-radius: 6px; }
details.commit[open] > summary { border-bottom: 1px solid var(--border); border-radius: 6px 6px 0 0; }
details.commit > pre.message { padding: 8px 12px; margin: 0; border-bottom: 1px solid var(--border); }
details.commit .d2h-wrapper { padding: 8px 12px; }
.stat { color: var(--muted); margin-left: 8px; }
.added { color: var(--changed); } .deleted { color: var(--failed); }
/* diff2html's "Viewed" box needs its own script to do anything. */
.d2h-file-collapse { display: none; }
`;

// Filtering and sorting the table, and opening a commit a "diff" link points at (the browser
// scrolls to a closed <details> but does not open it).
const pageScript = `${sortableScript}
'use strict';
const table = document.getElementById('repos');
const rows = sortable(table);
const searchText = new Map(rows.map((row) => [row, (row.querySelector('.name').textContent + ' ' + \
row.querySelector('.reason').textContent).toLowerCase()]));
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

function openTarget() {
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target instanceof HTMLDetailsElement) target.open = true;
}
addEventListener('hashchange', openTarget);
openTarget();
`;
