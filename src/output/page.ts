// What goprod's HTML pages share (bulk's report.html, check's report card): one file that
// opens offline, with inline style and script and a Content-Security-Policy that forbids every
// request and lets only the page's own script run (were anything in a report to slip past
// escaping as a <script>, the browser would refuse it); escaping, dates, the base style and a
// table sorted by clicking its column headers.
import { createHash } from 'node:crypto';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The document: head (CSP, title, styles), header, main, footer, then the script. */
export function htmlPage(parts: {
  title: string;
  styles: readonly string[];
  header: string;
  main: string;
  footer: string;
  script: string;
}): string {
  const scriptHash = `sha256-${createHash('sha256').update(parts.script).digest('base64')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${scriptHash}'">
<title>${escapeHtml(parts.title)}</title>
${parts.styles.map((css) => `<style>${css}</style>`).join('\n')}
</head>
<body>
<header>
${parts.header}
</header>
<main>
${parts.main}
</main>
<footer>${parts.footer}</footer>
<script>${parts.script}</script>
</body>
</html>
`;
}

/** A run's facts (codemods, times…) as a row of terms and values; values are HTML. */
export function facts(entries: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="facts">${entries.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${value}</dd></div>`).join('')}</dl>`;
}

/** `2026-11-24 21:00:00 UTC`. */
export function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** `12.5 s`, `3 min 13 s`, `2 h 5 min`. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${s % 60} s`;
}

/** The run's duration from its start and end, or `unknown`. */
export function runDuration(startedAt: string, finishedAt: string): string {
  const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  return Number.isFinite(seconds) ? duration(seconds) : 'unknown';
}

export const baseCss = `
:root { --fg: #1f2328; --muted: #656d76; --border: #d0d7de; --bg-subtle: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", \
Helvetica, Arial, sans-serif; }
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
.count { min-width: 120px; padding: 10px 14px; border: 1px solid var(--border); border-left-width: 4px; border-radius: 6px; color: \
var(--muted); }
.count .n { display: block; font-size: 24px; font-weight: 600; color: var(--fg); }
table.data { border-collapse: collapse; }
.data th, .data td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--border); }
.data .num { text-align: right; font-variant-numeric: tabular-nums; }
.zero { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; margin-bottom: 12px; }
.controls input[type=search] { width: 320px; padding: 5px 8px; border: 1px solid var(--border); border-radius: 6px; font: inherit; }
.controls fieldset { border: none; margin: 0; padding: 0; display: flex; gap: 14px; align-items: center; }
.controls legend { float: left; margin-right: 4px; color: var(--muted); }
#shown { color: var(--muted); }
table.sortable { width: 100%; }
.sortable thead th { position: sticky; top: 0; background: var(--bg-subtle); border-bottom: 2px solid var(--border); white-space: nowrap; }
.sortable th button { border: 0; padding: 0; background: none; color: inherit; font: inherit; cursor: pointer; }
.sortable th button::after { content: " \\2195"; color: var(--border); }
.sortable th[aria-sort=ascending] button::after { content: " \\2191"; color: var(--fg); }
.sortable th[aria-sort=descending] button::after { content: " \\2193"; color: var(--fg); }
.sortable tbody tr:hover { background: var(--bg-subtle); }
.repo-name { font-weight: 600; overflow-wrap: anywhere; }
.repo-id { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.hint { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; margin: 32px 0 24px; }
`;

/**
 * `sortable(table)`: clicking a column header's button sorts the rows by that column, ascending
 * then descending, by each cell's data-sort or its text (as numbers where the header has
 * data-numeric). Each sort starts from the report's order, so equal rows stay in it. Returns
 * the rows in the report's order.
 */
export const sortableScript = `
function sortable(table) {
  const headers = Array.from(table.tHead.rows[0].cells);
  const rows = Array.from(table.tBodies[0].rows);
  headers.forEach((th, column) => {
    const button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', () => {
      const descending = th.getAttribute('aria-sort') === 'ascending';
      for (const other of headers) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const numeric = th.hasAttribute('data-numeric');
      const keys = new Map(rows.map((row) => {
        const cell = row.cells[column];
        const key = cell.dataset.sort ?? cell.textContent.trim();
        return [row, numeric ? Number(key) : key];
      }));
      const compare = numeric ? (a, b) => keys.get(a) - keys.get(b) : (a, b) => keys.get(a).localeCompare(keys.get(b));
      const sorted = rows.slice().sort((a, b) => (descending ? -compare(a, b) : compare(a, b)));
      table.tBodies[0].append(...sorted);
    });
  });
  return rows;
}
`;
