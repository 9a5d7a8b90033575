// The fleet's report card: the data of `goprod check` over many repositories. One record per
// repository (repos/<slug>.json, as bulk's), gathered into report.json with a summary computed
// from the records alone: repositories per band, the signals weakest across the fleet, and the
// migration plan (per codemod, the fixes `goprod check` found and the goprod bulk command that
// makes them). The page (page.ts) is drawn from this document and nothing else.
import type { Shard } from '../bulk/repos.js';
import type { CheckDocument, ModuleScore } from './command.js';
import { BANDS, type Signal } from './signals.js';

/** The report's shape; bumped when a field changes meaning or goes away (the README documents it). */
export const FLEET_JSON_VERSION = 1;

/** One repository's result. */
export interface CheckRecord {
  /** Tells these records from goprod bulk's in a report directory. */
  kind: 'check';
  /** The repository's identity: its clone URL, or its absolute path (see bulk/repos.ts). */
  id: string;
  name: string;
  /** `failed`: goprod check could not score it (no Go module, a clone error, a timeout); the reason says why. */
  status: 'checked' | 'failed';
  reason?: string;
  /** The repository's `goprod check --format=json` document (checked only). */
  check?: CheckDocument;
  startedAt: string;
  seconds: number;
}

export type SignalId = Signal['id'];

/** The signals in the order of the score, with short names for narrow columns (the reports hold their names). */
export const SIGNALS: ReadonlyArray<{ id: SignalId; short: string }> = [
  { id: 'structure', short: 'Structure' },
  { id: 'errors', short: 'Errors' },
  { id: 'concurrency', short: 'Concur.' },
  { id: 'testing', short: 'Testing' },
  { id: 'observability', short: 'Observ.' },
  { id: 'configuration', short: 'Config' },
  { id: 'ci', short: 'CI/CD' },
  { id: 'documentation', short: 'Docs' },
];

export interface SignalTally {
  id: SignalId;
  name: string;
  /** Repositories scoring 0, 1 and 2 on it. */
  scores: [number, number, number];
  /** Their mean, to two decimals. */
  mean: number;
}

export interface PlanStep {
  codemod: string;
  /** Fixes found over the fleet, before verification (a bulk run verifies each and backs out what the toolchain rejects). */
  fixes: number;
  findings: number;
  /** Repositories with at least one of these fixes. */
  repositories: number;
  /** The list of those repositories, relative to the report directory (a fleet run), for `goprod bulk --repos`. */
  reposFile?: string;
  /** What makes the fixes: goprod bulk over reposFile, or for one repository goprod fix --write. */
  command?: string;
}

export interface FleetSummary {
  repositories: number;
  checked: number;
  failed: number;
  /** Checked repositories per band, best band first. */
  bands: Record<string, number>;
  /** The eight signals, weakest first (lowest mean, then most zeros). */
  signals: SignalTally[];
  /** Per codemod with findings, most fixes first. */
  plan: PlanStep[];
}

export interface FleetReport {
  kind: 'check';
  version: typeof FLEET_JSON_VERSION;
  /** How the repositories were scored: from what they show, or with their tests run. */
  measured: string;
  /** Which shard made it (absent: the whole list, or a merge of shards). */
  shard?: Shard;
  startedAt: string;
  finishedAt: string;
  summary: FleetSummary;
  /** By name (then identity), so a merge of shards equals one run. */
  repositories: CheckRecord[];
}

/** The module a repository's row shows the signals of: its largest by lines of Go (as the README's calibration table). */
export function mainModule(doc: CheckDocument): ModuleScore | undefined {
  return doc.modules.reduce<ModuleScore | undefined>((a, b) => (a === undefined || b.goLines > a.goLines ? b : a), undefined);
}

/** The module with the lowest total (the first of equals). */
export function lowestModule(doc: CheckDocument): ModuleScore | undefined {
  return doc.modules.reduce<ModuleScore | undefined>((a, b) => (a === undefined || b.total < a.total ? b : a), undefined);
}

/** Lines of Go over the repository's modules. */
export function goLines(doc: CheckDocument): number {
  return doc.modules.reduce((n, m) => n + m.goLines, 0);
}

/** Findings and fixes per codemod over the repository's modules. */
export function codemodTotals(doc: CheckDocument): Map<string, { findings: number; fixes: number }> {
  const totals = new Map<string, { findings: number; fixes: number }>();
  for (const m of doc.modules) {
    for (const [codemod, c] of Object.entries(m.codemods ?? {})) {
      const t = totals.get(codemod) ?? { findings: 0, fixes: 0 };
      totals.set(codemod, { findings: t.findings + c.findings, fixes: t.fixes + c.fixes });
    }
  }
  return totals;
}

/** Where a fleet report lists the repositories with a codemod's fixes, relative to the report directory. */
export function planFile(codemod: string): string {
  return `plan/${codemod}.txt`;
}

/**
 * The summary of the records. `fleet`: the plan's commands are goprod bulk over the lists a
 * report directory holds; otherwise (one repository's page) goprod fix --write.
 */
export function fleetSummary(records: readonly CheckRecord[], { fleet }: { fleet: boolean }): FleetSummary {
  const checked = records.filter((r) => r.status === 'checked' && r.check) as Array<CheckRecord & { check: CheckDocument }>;
  const bands = Object.fromEntries(BANDS.map((b) => [b.name, checked.filter((r) => r.check.overall.band === b.name).length]));
  const signals = SIGNALS.map(({ id }, order) => {
    const scores: [number, number, number] = [0, 0, 0];
    let name: string = id;
    for (const r of checked) {
      const signal = mainModule(r.check)?.signals.find((s) => s.id === id);
      if (!signal) continue;
      scores[signal.score]++;
      name = signal.name;
    }
    const n = scores[0] + scores[1] + scores[2];
    return { tally: { id, name, scores, mean: n === 0 ? 0 : Math.round(((scores[1] + 2 * scores[2]) / n) * 100) / 100 }, order };
  })
    .sort((a, b) => a.tally.mean - b.tally.mean || b.tally.scores[0] - a.tally.scores[0] || a.order - b.order)
    .map((s) => s.tally);
  const plan = new Map<string, PlanStep>();
  for (const r of checked) {
    for (const [codemod, c] of codemodTotals(r.check)) {
      const step = plan.get(codemod) ?? { codemod, fixes: 0, findings: 0, repositories: 0 };
      step.fixes += c.fixes;
      step.findings += c.findings;
      if (c.fixes > 0) step.repositories++;
      plan.set(codemod, step);
    }
  }
  for (const step of plan.values()) {
    if (step.fixes === 0) continue;
    if (fleet) {
      step.reposFile = planFile(step.codemod);
      step.command = `goprod bulk --codemod=${step.codemod} --repos ${step.reposFile} --report bulk-${step.codemod}`;
    } else step.command = `goprod fix --write --codemod=${step.codemod}`;
  }
  return {
    repositories: records.length,
    checked: checked.length,
    failed: records.length - checked.length,
    bands,
    signals,
    plan: [...plan.values()].sort((a, b) => b.fixes - a.fixes || b.findings - a.findings || a.codemod.localeCompare(b.codemod)),
  };
}

/** The repositories of a plan step's list: those with at least one of its fixes, by name. */
export function planRepositories(records: readonly CheckRecord[], codemod: string): CheckRecord[] {
  return records.filter((r) => r.check && (codemodTotals(r.check).get(codemod)?.fixes ?? 0) > 0);
}

/** The order of a report's repositories: by name, then identity. */
export function byName(a: CheckRecord, b: CheckRecord): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/** The report of these records. */
export function fleetReport(
  records: readonly CheckRecord[],
  run: { measured: string; shard?: Shard; startedAt: string; finishedAt: string },
): FleetReport {
  const repositories = [...records].sort(byName);
  return {
    kind: 'check',
    version: FLEET_JSON_VERSION,
    measured: run.measured,
    ...(run.shard ? { shard: run.shard } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    summary: fleetSummary(repositories, { fleet: true }),
    repositories,
  };
}

/** `14 repositories: 2 exemplary, 9 solid, 3 needs work; weakest: Testing, Documentation; 1,234 fixes to make (wrap-errors 800, …)`. */
export function fleetLine(report: FleetReport): string {
  const s = report.summary;
  const bands = Object.entries(s.bands)
    .filter(([, n]) => n > 0)
    .map(([band, n]) => `${n} ${band}`);
  if (s.failed > 0) bands.push(`${s.failed} failed`);
  const weakest = s.signals
    .filter((t) => t.mean < 2)
    .slice(0, 2)
    .map((t) => t.name);
  const fixes = s.plan.reduce((n, p) => n + p.fixes, 0);
  const perCodemod = s.plan
    .filter((p) => p.fixes > 0)
    .map((p) => `${p.codemod} ${p.fixes.toLocaleString('en-US')}`)
    .join(', ');
  return (
    `${s.repositories} ${s.repositories === 1 ? 'repository' : 'repositories'}: ${bands.join(', ') || 'none checked'}` +
    (weakest.length > 0 ? `; weakest: ${weakest.join(', ')}` : '') +
    `; ${fixes.toLocaleString('en-US')} ${fixes === 1 ? 'fix' : 'fixes'} to make${perCodemod ? ` (${perCodemod})` : ''}`
  );
}
