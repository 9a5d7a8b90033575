// The report card: report.html of `goprod check --report DIR` (the fleet: a row per repository)
// and `goprod check --format=html` (the same page for one repository). Drawn from the report's
// JSON alone (fleet.ts), in one file that opens offline (page.ts). On top, the summary:
// repositories per band, the signals weakest across the fleet, the migration plan with its
// commands. Then the table: sortable by any column, filtered by name, band, signal and codemod;
// a repository's evidence (every module's eight signals, with what decided each and its fix)
// opens in a dialog from its name or any of its signal cells, from an inert <template>, so
// 200 repositories' evidence costs the page nothing until it is asked for.
import { codemods } from '../../codemods/index.js';
import { baseCss, escapeHtml, facts, htmlPage, runDuration, sortableScript, when } from '../output/page.js';
import { plural } from '../output/text.js';
import { BAND_COLORS } from './badge.js';
import type { CheckDocument, ModuleScore } from './command.js';
import { codemodTotals, goLines, lowestModule, mainModule, SIGNALS, type CheckRecord, type FleetReport } from './fleet.js';
import { BANDS } from './signals.js';

/** The page of a fleet report, or with `single` of one repository's check (its plan commands are goprod fix). */
export function reportCard(report: FleetReport, { single = false }: { single?: boolean } = {}): string {
  const s = report.summary;
  const only = single ? report.repositories[0] : undefined;
  const title = only?.check
    ? `goprod check: ${only.name} ${only.check.overall.total}/${only.check.overall.max} ${only.check.overall.band}`
    : `goprod check: ${s.repositories} ${plural(s.repositories, 'repository', 'repositories')}`;
  return htmlPage({
    title,
    styles: [baseCss, pageCss],
    header: `<h1>${escapeHtml(title)}</h1>\n${runFacts(report, single)}`,
    main: [
      `<section aria-labelledby="summary-title">\n<h2 id="summary-title">Summary</h2>`,
      bandCounts(report),
      `<div class="summary">`,
      signalsTable(report),
      planTable(report, single),
      `</div>\n</section>`,
      repositoriesSection(report),
      only ? `<section aria-labelledby="evidence-title">\n<h2 id="evidence-title">Evidence</h2>\n${evidence(only)}\n</section>` : '',
      `<dialog id="evidence" aria-labelledby="ev-title"><div class="ev-head"><h2 id="ev-title"></h2><button type="button" id="ev-close" \
aria-label="Close">Close</button></div><div id="ev-body"></div></dialog>`,
      `<div hidden>\n${report.repositories.map((r, i) => `<template id="ev-${i}">${evidence(r)}</template>`).join('\n')}\n</div>`,
    ].join('\n'),
    footer: single
      ? 'Made by <code>goprod check --format=html</code>; <code>goprod check --format=json</code> gives the same data.'
      : "Made by <code>goprod check</code>. <code>report.json</code> beside this file holds the same data (its shape is in goprod's \
README).",
    script: pageScript,
  });
}

function runFacts(report: FleetReport, single: boolean): string {
  const s = report.summary;
  return facts([
    ['Measured', escapeHtml(report.measured)],
    ...(single ? [] : [['Repositories', `${s.checked} checked${s.failed > 0 ? `, ${s.failed} failed` : ''}`] as const]),
    ...(report.shard ? [['Shard', `${report.shard.index}/${report.shard.count}`] as const] : []),
    ['Started', escapeHtml(when(report.startedAt))],
    ['Finished', escapeHtml(when(report.finishedAt))],
    ['Duration', runDuration(report.startedAt, report.finishedAt)],
  ]);
}

/** The band of a record: its repository's, or `failed`. */
function bandOf(r: CheckRecord): string {
  return r.check?.overall.band ?? 'failed';
}

/** A class name for a band (`needs work` → `band-needs-work`). */
function bandClass(band: string): string {
  return `band-${band.replace(/\W+/g, '-')}`;
}

function bandCounts(report: FleetReport): string {
  const s = report.summary;
  const cards = [...Object.entries(s.bands), ...(s.failed > 0 ? [['failed', s.failed] as const] : [])];
  return `<div class="counts" id="bands">\n${cards
    .map(
      ([band, n]) =>
        `<button type="button" class="count ${bandClass(band)}" data-band="${escapeHtml(band)}" title="Show only these repositories"><span \
class="n">${n}</span> ${escapeHtml(band)}</button>`,
    )
    .join('\n')}\n</div>`;
}

function signalsTable(report: FleetReport): string {
  const rows = report.summary.signals.map((t) => {
    const n = t.scores[0] + t.scores[1] + t.scores[2];
    const spread = t.scores
      .map((count, score) =>
        count === 0 ? '' : `<span class="s${score}" style="width:${((count / n) * 100).toFixed(1)}%" title="${count} at ${score}"></span>`,
      )
      .join('');
    return `<tr data-signal="${t.id}"><td><button type="button" class="link" data-filter-signal="${t.id}" title="Show the repositories \
below 2 on it">${escapeHtml(t.name)}</button></td><td \
class="num">${t.mean.toFixed(2)}</td>${t.scores.map((c) => `<td class="num${c === 0 ? ' zero' : ''}">${c}</td>`).join('')}<td><div \
class="spread">${spread}</div></td></tr>`;
  });
  return `<div>
<h3>Signals, weakest first</h3>
<table class="data" id="signals"><thead><tr><th>Signal</th><th class="num">Mean</th><th class="num">at 0</th><th class="num">at 1</th><th \
class="num">at 2</th><th>Spread</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<p class="hint">Scores of each repository's largest module, 0 (missing) to 2 (solid).</p>
</div>`;
}

function planTable(report: FleetReport, single: boolean): string {
  const plan = report.summary.plan;
  const summaries = new Map(codemods.map((c) => [c.name, c.summary]));
  const rows = plan.map(
    (p) =>
      `<tr data-codemod="${escapeHtml(p.codemod)}"><td><code>${escapeHtml(p.codemod)}</code><div \
class="hint">${escapeHtml(summaries.get(p.codemod) ?? '')}</div></td><td class="num">${p.fixes.toLocaleString('en-US')}</td><td \
class="num">${p.findings.toLocaleString('en-US')}</td>` +
      `<td class="num">${single ? p.repositories : `<button type="button" class="link" data-filter-codemod="${escapeHtml(p.codemod)}" \
title="Show these repositories">${p.repositories}</button>`}</td>` +
      `<td>${p.command ? `<code class="command">${escapeHtml(p.command)}</code>` : '<span class="hint">no fix: by hand</span>'}</td></tr>`,
  );
  const note = single
    ? 'Fixes as goprod check found them, before verification: <code>goprod fix --write</code> proves each with the Go toolchain and writes \
only those that pass.'
    : "Fixes as goprod check found them, before verification: <code>goprod bulk</code> proves each with the Go toolchain and commits those \
that pass, on a new branch per repository. Run the commands in this report's directory: <code>plan/&lt;codemod&gt;.txt</code> lists the \
repositories with fixes.";
  return `<div>
<h3>Migration plan</h3>
${plan.length === 0 ? '<p id="plan">No codemod has anything to do.</p>' : `<table class="data" id="plan"><thead><tr><th>Codemod</th><th \
class="num">Fixes</th><th class="num">Findings</th><th \
class="num">Repositories</th><th>Command</th></tr></thead>\n<tbody>${rows.join('\n')}</tbody></table>\n<p class="hint">${note}</p>`}
</div>`;
}

interface Column {
  label: string;
  title?: string;
  /** Sorted as numbers (by each cell's data-sort). */
  numeric?: boolean;
  /** Set to the left although numeric. */
  left?: boolean;
  signal?: string;
}

const columns = (names: ReadonlyMap<string, string>): Column[] => [
  { label: 'Repository' },
  { label: 'Kind', title: 'service: a main package that listens; library: anything else (CLIs included)' },
  { label: 'Lines', numeric: true, title: 'lines of Go (not tests, not generated)' },
  { label: 'Score', numeric: true, title: 'out of 16: the modules\u2019 totals weighted by their lines of Go' },
  { label: 'Band', numeric: true, left: true },
  ...SIGNALS.map((s) => ({
    label: s.short,
    numeric: true,
    signal: s.id,
    title: `${names.get(s.id) ?? s.short}: 0 missing, 1 partial, 2 solid (the largest module's)`,
  })),
  { label: 'Lowest module', numeric: true, title: 'the module with the lowest total' },
  { label: 'Fixes', numeric: true, title: 'fixes goprod\u2019s codemods propose, before verification' },
];

function repositoriesSection(report: FleetReport): string {
  const s = report.summary;
  const bands = [...BANDS.map((b) => b.name), ...(s.failed > 0 ? ['failed'] : [])];
  const count = (band: string) => (band === 'failed' ? s.failed : (s.bands[band] ?? 0));
  const option = (value: string, label: string) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;
  const names = new Map(s.signals.map((t) => [t.id, t.name]));
  return `<section aria-labelledby="repos-title">
<h2 id="repos-title">Repositories</h2>
<div class="controls">
<input type="search" id="filter" placeholder="Filter by name" aria-label="Filter by name">
<fieldset><legend>Band</legend>
${bands.map((b) => `<label><input type="checkbox" name="band" value="${escapeHtml(b)}" checked> ${escapeHtml(b)} \
(${count(b)})</label>`).join('\n')}
</fieldset>
<label>Signal <select \
id="signal">${option('', 'any')}${SIGNALS.map((x) => option(x.id, names.get(x.id) ?? x.short)).join('')}</select></label>
<label>at <select id="signal-score">${option('below2', 'below 2')}${option('0', '0')}${option('1', '1')}${option('2', '2')}</select></label>
<label>Codemod <select id="codemod">${option('', 'any')}${s.plan
    .filter((p) => p.fixes > 0)
    .map((p) => option(p.codemod, p.codemod))
    .join('')}</select></label>
<output id="shown">${report.repositories.length} of ${report.repositories.length} shown</output>
</div>
<table class="data sortable" id="repos" role="table">
<thead role="rowgroup"><tr role="row">${columns(names)
    .map(
      (c) =>
        `<th role="columnheader"${c.numeric ? ' data-numeric' : ''}${c.signal ? ` class="sig" \
data-signal="${c.signal}"` : c.numeric && !c.left ? ' class="num"' : ''}${c.title ? ` title="${escapeHtml(c.title)}"` : ''}><button \
type="button">${escapeHtml(c.label)}</button></th>`,
    )
    .join('')}</tr></thead>
<tbody role="rowgroup">
${report.repositories.map(repoRow).join('\n')}
</tbody>
</table>
<p class="hint">A repository's name or a signal opens its evidence: every module's eight signals, what decided each, and what closes the \
gap.</p>
</section>`;
}

const BAND_RANK = new Map<string, number>(BANDS.map((b, i) => [b.name, BANDS.length - i]));

function repoRow(r: CheckRecord, index: number): string {
  const doc = r.check;
  const main = doc && mainModule(doc);
  const lowest = doc && lowestModule(doc);
  const totals = doc ? codemodTotals(doc) : new Map<string, { findings: number; fixes: number }>();
  const fixing = [...totals].filter(([, c]) => c.fixes > 0);
  const fixes = fixing.reduce((n, [, c]) => n + c.fixes, 0);
  const band = bandOf(r);
  const scores = SIGNALS.map((x) => main?.signals.find((s) => s.id === x.id)?.score);
  const name = `<button type="button" class="open \
repo-name">${escapeHtml(r.name)}</button>${r.id === r.name ? '' : `<div class="repo-id">${escapeHtml(r.id)}</div>`}${r.reason ? `<div \
class="reason">${escapeHtml(r.reason)}</div>` : ''}`;
  const cells = [
    `<td class="name" data-sort="${escapeHtml(r.name)}">${name}</td>`,
    `<td>${escapeHtml(main ? String(main.signals.find((s) => s.id === 'observability')?.evidence.kind ?? '') : '')}</td>`,
    numberCell(doc ? goLines(doc) : undefined, doc ? goLines(doc).toLocaleString('en-US') : ''),
    numberCell(doc?.overall.total, doc ? String(doc.overall.total) : ''),
    `<td class="band" data-sort="${BAND_RANK.get(band) ?? 0}"><span class="badge ${bandClass(band)}">${escapeHtml(band)}</span></td>`,
    ...SIGNALS.map((x, i) => {
      const score = scores[i];
      return score === undefined
        ? '<td class="num sig" data-sort="-1"></td>'
        : `<td class="num sig s${score}" data-sort="${score}"><button type="button" data-signal="${x.id}" \
aria-label="${escapeHtml(x.short)} ${score} of 2: evidence">${score}</button></td>`;
    }),
    lowest
      ? `<td class="num lowest" data-sort="${lowest.total}" \
title="${escapeHtml(doc.modules.length === 1 ? 'the only module' : lowest.module || lowest.dir)}">${
          doc.modules.length === 1 ? '' : `${escapeHtml(lowest.dir === '.' ? '(root)' : lowest.dir)} `
        }<b>${lowest.total}</b>/${lowest.max}</td>`
      : '<td class="num" data-sort="-1"></td>',
    `<td class="num${fixes === 0 ? ' zero' : ''}" \
data-sort="${fixes}"${fixing.length > 0 ? ` \
title="${escapeHtml(fixing.map(([c, n]) => `${c} ${n.fixes}`).join(', '))}"` : ''}>${fixes.toLocaleString('en-US')}</td>`,
  ];
  const heading = doc ? `${r.name}: ${doc.overall.total}/${doc.overall.max} ${doc.overall.band}` : `${r.name}: failed`;
  const attributes = [
    `data-band="${escapeHtml(band)}"`,
    `data-signals="${scores.every((s) => s !== undefined) ? scores.join(' ') : ''}"`,
    `data-codemods="${escapeHtml(fixing.map(([c]) => c).join(' '))}"`,
    `data-search="${escapeHtml(`${r.name} ${r.id}`.toLowerCase())}"`,
    `data-ev="${index}"`,
    `data-title="${escapeHtml(heading)}"`,
  ];
  // The table is laid out as grids (see the style): the roles keep its meaning for assistive technology.
  return `<tr role="row" ${attributes.join(' ')}>${cells.map((c) => c.replace(/^<td/, '<td role="cell"')).join('')}</tr>`;
}

function numberCell(value: number | undefined, text: string): string {
  return `<td class="num" data-sort="${value ?? -1}">${text}</td>`;
}

/** A repository's evidence: every module's signals with their summaries and fixes, and what goprod fix would do there. */
function evidence(r: CheckRecord): string {
  const doc = r.check;
  const meta = [
    r.id,
    ...(doc ? [doc.measured, `${doc.modules.length} ${plural(doc.modules.length, 'module', 'modules')}`] : []),
    `checked in ${r.seconds.toFixed(1)} s`,
  ];
  return `<p class="ev-meta">${meta.map(escapeHtml).join(' · ')}</p>${r.reason ? `<p \
class="reason">${escapeHtml(r.reason)}</p>` : ''}${doc ? doc.modules.map((m) => moduleEvidence(m, doc)).join('') : ''}`;
}

function moduleEvidence(m: ModuleScore, doc: CheckDocument): string {
  const kind = m.signals.find((s) => s.id === 'observability')?.evidence.kind;
  const rows = m.signals.map(
    (s) =>
      `<tr data-signal="${s.id}" class="s${s.score}"><th>${escapeHtml(s.name)}</th><td class="num \
score">${s.score}/2</td><td>${escapeHtml(s.summary)}${s.score < 2 ? `<div class="fix">fix: ${escapeHtml(s.fix)}</div>` : ''}</td></tr>`,
  );
  const proposed = Object.entries(m.codemods ?? {}).map(
    ([c, n]) => `${c} ${n.fixes} ${plural(n.fixes, 'fix', 'fixes')} (${n.findings} ${plural(n.findings, 'finding', 'findings')})`,
  );
  const facts = [typeof kind === 'string' ? kind : '', `${m.goLines.toLocaleString('en-US')} lines of Go`].filter(Boolean).join(' · ');
  return `<section class="ev-module"><h3><span class="mod">${escapeHtml(m.module || '(no module path)')}</span> \
<code>${escapeHtml(m.dir)}</code> <span class="badge ${bandClass(m.band)}">${m.total}/${m.max} \
${escapeHtml(m.band)}</span>${
    doc.modules.length > 1 && m === mainModule(doc) ? ' <span class="hint">(largest: the row shows its signals)</span>' : ''
  } <span class="hint">${escapeHtml(facts)}</span></h3>
<table class="data ev"><tbody>${rows.join('')}</tbody></table>
<p class="ev-codemods">${proposed.length > 0 ? `goprod fix would \
propose: ${escapeHtml(proposed.join(', '))}` : 'goprod fix has nothing to propose here.'}</p></section>`;
}

const pageCss = `
:root { --exemplary: ${BAND_COLORS.exemplary}; --solid: ${BAND_COLORS.solid}; --needs-work: ${BAND_COLORS['needs work']}; --critical: \
${BAND_COLORS['critical gaps']}; --failed: #656d76; }
.band-exemplary { --band: var(--exemplary); } .band-solid { --band: var(--solid); } .band-needs-work { --band: var(--needs-work); }
.band-critical-gaps { --band: var(--critical); } .band-failed { --band: var(--failed); }
.badge { background: var(--band); white-space: nowrap; }
button.count { border-left-color: var(--band); background: #fff; font: inherit; text-align: left; cursor: pointer; }
button.count:hover { background: var(--bg-subtle); }
.summary { display: flex; flex-wrap: wrap; gap: 16px 48px; align-items: flex-start; }
.summary > div { flex: 0 1 auto; max-width: 860px; }
.summary h3 { font-size: 15px; margin: 4px 0 8px; }
button.link { border: 0; padding: 0; background: none; color: #0969da; font: inherit; cursor: pointer; text-align: left; }
button.link:hover { text-decoration: underline; }
.spread { display: flex; width: 160px; height: 12px; border-radius: 3px; overflow: hidden; background: var(--bg-subtle); margin-top: 4px; }
.spread .s0 { background: var(--critical); } .spread .s1 { background: #d4a72c; } .spread .s2 { background: var(--solid); }
#plan td:first-child { min-width: 15em; }
#plan .hint { font-size: 12px; max-width: 24em; }
#plan td:last-child { max-width: 34em; }
code.command { white-space: normal; overflow-wrap: anywhere; }
/* Each row of the repositories' table is a grid of its own with the same columns, so that rows
   out of view (content-visibility: auto) are not laid out: sorting or filtering 200 rows lays out
   the few in view. (As a table, every sort laid out every cell again: ten times slower.) */
#repos, #repos thead, #repos tbody { display: block; }
#repos thead { position: sticky; top: 0; z-index: 1; }
#repos tr { display: grid; grid-template-columns: minmax(10em, 2.5fr) 5.6em 5.8em 4.8em 8.6em repeat(8, minmax(4.9em, 1fr)) minmax(9.4em, \
1.4fr) 4.8em; }
#repos tr[hidden] { display: none; }
#repos tbody tr { content-visibility: auto; contain-intrinsic-size: auto 46px; }
@media print { #repos tbody tr { content-visibility: visible; } }
#repos th, #repos td { display: block; min-width: 0; }
#repos th { overflow: hidden; text-overflow: ellipsis; }
#repos th.sig { text-align: center; font-size: 12px; padding-top: 8px; }
#repos td.name { overflow-wrap: anywhere; }
#repos td.lowest, #repos td.band { color: var(--muted); }
#repos td.lowest { overflow-wrap: anywhere; }
#repos td.lowest b { color: var(--fg); }
#repos button.open { border: 0; padding: 0; background: none; color: #0969da; font: inherit; font-weight: 600; cursor: pointer; \
text-align: left; }
#repos .reason { color: var(--critical); font-size: 12px; }
#repos td.sig { padding: 0; text-align: center; }
#repos td.sig button { width: 100%; padding: 6px 4px; border: 0; background: none; font: inherit; font-weight: 600; color: inherit; \
cursor: pointer; }
td.s0 { background: #ffebe9; color: #a40e26; } td.s1 { background: #fff8c5; color: #7d4e00; } td.s2 { background: #dafbe1; color: #116329; }
#repos td.sig button:hover { outline: 2px solid var(--border); outline-offset: -2px; }
dialog#evidence { width: min(1100px, 94vw); max-height: 88vh; padding: 0 24px 16px; border: 1px solid var(--border); border-radius: 8px; }
dialog#evidence::backdrop { background: rgba(31, 35, 40, 0.4); }
.ev-head { position: sticky; top: 0; display: flex; justify-content: space-between; align-items: center; background: #fff; padding-top: \
12px; border-bottom: 1px solid var(--border); }
.ev-head h2 { margin: 0 0 8px; border: 0; }
#ev-close { font: inherit; padding: 2px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--bg-subtle); cursor: \
pointer; }
.ev-meta { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.ev-module h3 { font-size: 14px; margin: 18px 0 6px; }
.ev-module .mod { font-weight: 600; }
table.ev { width: 100%; }
table.ev th { width: 12em; white-space: nowrap; }
table.ev td.score { width: 4em; font-weight: 600; }
table.ev tr.s0 td.score { color: #a40e26; } table.ev tr.s1 td.score { color: #7d4e00; } table.ev tr.s2 td.score { color: #116329; }
table.ev tr.focus { outline: 2px solid #0969da; outline-offset: -2px; background: #ddf4ff; }
.fix { color: var(--muted); font-size: 12px; }
.ev-codemods { color: var(--muted); font-size: 12px; }
`;

// Filtering (name, band, a signal's score, a codemod with fixes), sorting (page.ts), and a
// repository's evidence in the dialog, from its template.
const pageScript = `${sortableScript}
'use strict';
const table = document.getElementById('repos');
const rows = sortable(table);
const signalIds = Array.from(table.tHead.querySelectorAll('th[data-signal]')).map((th) => th.dataset.signal);
const facts = new Map(rows.map((row) => [row, {
  search: row.dataset.search,
  band: row.dataset.band,
  signals: row.dataset.signals ? row.dataset.signals.split(' ').map(Number) : null,
  codemods: new Set(row.dataset.codemods.split(' ').filter(Boolean)),
}]));
const filter = document.getElementById('filter');
const bandBoxes = Array.from(document.querySelectorAll('input[name=band]'));
const signal = document.getElementById('signal');
const signalScore = document.getElementById('signal-score');
const codemod = document.getElementById('codemod');
const shown = document.getElementById('shown');

function applyFilter() {
  const text = filter.value.trim().toLowerCase();
  const bands = new Set(bandBoxes.filter((box) => box.checked).map((box) => box.value));
  const s = signalIds.indexOf(signal.value);
  const wanted = signalScore.value;
  let visible = 0;
  for (const row of rows) {
    const f = facts.get(row);
    let show = bands.has(f.band) && f.search.includes(text) && (codemod.value === '' || f.codemods.has(codemod.value));
    if (show && s >= 0) show = f.signals !== null && (wanted === 'below2' ? f.signals[s] < 2 : f.signals[s] === Number(wanted));
    row.hidden = !show;
    if (show) visible++;
  }
  shown.textContent = visible + ' of ' + rows.length + ' shown';
}
filter.addEventListener('input', applyFilter);
for (const control of [...bandBoxes, signal, signalScore, codemod]) control.addEventListener('change', applyFilter);

function showTable() {
  applyFilter();
  table.scrollIntoView({ block: 'start' });
}
for (const card of document.querySelectorAll('#bands [data-band]')) {
  card.addEventListener('click', () => {
    for (const box of bandBoxes) box.checked = box.value === card.dataset.band;
    showTable();
  });
}
for (const button of document.querySelectorAll('[data-filter-signal]')) {
  button.addEventListener('click', () => {
    signal.value = button.dataset.filterSignal;
    signalScore.value = 'below2';
    showTable();
  });
}
for (const button of document.querySelectorAll('[data-filter-codemod]')) {
  button.addEventListener('click', () => {
    codemod.value = button.dataset.filterCodemod;
    showTable();
  });
}

const dialog = document.getElementById('evidence');
const dialogTitle = document.getElementById('ev-title');
const dialogBody = document.getElementById('ev-body');
table.tBodies[0].addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  const row = button.closest('tr');
  dialogTitle.textContent = row.dataset.title;
  dialogBody.replaceChildren(document.getElementById('ev-' + row.dataset.ev).content.cloneNode(true));
  dialog.showModal();
  const focus = button.dataset.signal ? Array.from(dialogBody.querySelectorAll('tr[data-signal="' + button.dataset.signal + '"]')) : [];
  for (const line of focus) line.classList.add('focus');
  if (focus.length > 0) focus[0].scrollIntoView({ block: 'center' });
  else dialogBody.scrollTop = 0;
});
document.getElementById('ev-close').addEventListener('click', () => dialog.close());
// A click on the backdrop (outside the dialog's box) closes it too.
dialog.addEventListener('click', (event) => {
  const box = dialog.getBoundingClientRect();
  if (event.target === dialog && (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > \
box.bottom)) dialog.close();
});
`;
