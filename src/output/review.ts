// Interactive review (`goprod fix -i`), after git add -p and ast-grep's review: every fix in
// file order, as a diff hunk with its codemod and message, and one key to decide. What is
// accepted stays in each file's `applied`; the caller formats, verifies and writes it.
import type { Fix } from '../engine/edits.js';
import type { FileResult } from '../engine/model.js';
import { LineIndex } from '../engine/position.js';
import { changeGroups, renderAll } from '../engine/render.js';
import { diffHunks, displayPath, plural } from './text.js';
import { colorDiff, type Palette } from './terminal.js';

/** Where the review asks and answers: one key per question. */
export interface Terminal {
  write(s: string): void;
  /** The next key pressed (raw: `\u0003` is Ctrl-C, `\u0004` Ctrl-D). */
  readKey(): Promise<string>;
}

export interface ReviewOutcome {
  accepted: number;
  skipped: number;
  /** Ctrl-C: the user wants nothing written. */
  interrupted: boolean;
  /** Fixes dropped because a part of their change was skipped (env-config's call sites and its config package). */
  incomplete: string[];
}

const HELP = `y - apply this fix
n - do not apply this fix
a - apply this fix and every later one in this file
s - skip this fix and every later one in this file
q - quit: skip every fix from here on (those accepted so far are verified and written)
? - print this help
`;

type Answer = 'yes' | 'no' | 'all' | 'skip' | 'quit' | 'interrupt';
const KEYS: Record<string, Answer> = { y: 'yes', n: 'no', a: 'all', s: 'skip', q: 'quit', '\u0004': 'quit', '\u0003': 'interrupt' };

/** Walks the files' applied fixes with the user; leaves only the accepted ones applied. */
export async function reviewFixes(files: readonly FileResult[], term: Terminal, p: Palette, cwd: string): Promise<ReviewOutcome> {
  const outcome: ReviewOutcome = { accepted: 0, skipped: 0, interrupted: false, incomplete: [] };
  const total = files.reduce((n, f) => n + f.applied.length, 0);
  let seen = 0;
  let stop = false;
  for (const file of files) {
    const fixes = [...file.applied].sort((a, b) => anchor(file, a) - anchor(file, b));
    const hunks = stop ? [] : await previews(file, fixes);
    const accepted: Fix[] = [];
    let rest: 'yes' | 'no' | undefined = stop ? 'no' : undefined;
    for (const [i, fix] of fixes.entries()) {
      seen++;
      let answer: Answer | undefined = rest;
      if (!answer) {
        term.write(`\n${describe(file, fix, p, cwd)}  ${p.dim(`(${seen} of ${total})`)}\n${colorDiff(hunks[i]!, p)}`);
        answer = await ask(term, p);
      }
      if (answer === 'interrupt') {
        outcome.interrupted = true;
        return outcome;
      }
      if (answer === 'quit') stop = true;
      if (answer === 'all') rest = 'yes';
      if (answer === 'skip' || answer === 'quit') rest = 'no';
      if (answer === 'yes' || answer === 'all') accepted.push(fix);
    }
    outcome.accepted += accepted.length;
    outcome.skipped += fixes.length - accepted.length;
    file.applied = file.applied.filter((f) => accepted.includes(f));
  }
  outcome.incomplete = dropSplitChanges(files, cwd);
  return outcome;
}

async function ask(term: Terminal, p: Palette): Promise<Answer> {
  for (;;) {
    term.write(p.bold('Apply? [y]es/[n]o/[a]ll in this file/[s]kip file/[q]uit/[?] '));
    const key = await term.readKey();
    const answer = KEYS[key.toLowerCase()];
    term.write(`${/^[\x20-\x7e]$/.test(key) ? key : ''}\n`);
    if (answer) return answer;
    term.write(HELP);
  }
}

/** Where a fix is: its first finding (an added import is not where the fix is), else its first edit. */
function anchor(file: FileResult, fix: Fix): number {
  const starts = file.findings.filter((d) => d.fixes.includes(fix)).map((d) => d.start);
  return Math.min(...(starts.length > 0 ? starts : fix.edits.map((e) => e.start)));
}

/** `path:line codemod: message` for the findings a fix belongs to. */
function describe(file: FileResult, fix: Fix, p: Palette, cwd: string): string {
  const findings = file.findings.filter((d) => d.fixes.includes(fix));
  const first = findings[0];
  const line = new LineIndex(file.source.text).line(anchor(file, fix));
  const what = first ? `${first.codemod}: ${first.message}${findings.length > 1 ? ` (and ${findings.length - 1} more)` : ''}` : fix.message;
  return `${p.bold(`${displayPath(file.path, cwd)}:${line}`)} ${what}\n  ${p.dim(`fix: ${fix.message}`)}`;
}

/** Each fix's diff hunks alone, formatted as the written file will be (one gofmt run per file). */
async function previews(file: FileResult, fixes: readonly Fix[]): Promise<string[]> {
  const rendered = await renderAll(fixes.map((fix) => ({ original: file.source.text, fixes: [fix] })));
  return rendered.map((r, i) => {
    const hunks = diffHunks(file.source.text, r.ok ? r.rendered.text : file.source.text, 2);
    return hunks.length > 0 ? hunks.join('') : `(${r.ok ? 'no change once formatted' : r.error}: ${fixes[i]!.message})\n`;
  });
}

/**
 * A change that creates a file (env-config's config package) stands or falls whole: the
 * call sites need the new file, and the new file serves only them. Whichever side was
 * skipped, the other is dropped too; says what was dropped.
 */
function dropSplitChanges(files: readonly FileResult[], cwd: string): string[] {
  const dropped: string[] = [];
  for (const group of changeGroups(files)) {
    const created = group.find((f) => f.created)!;
    const users = group.filter((f) => f !== created);
    const codemods = new Set(created.findings.map((d) => d.codemod));
    const ownFixes = (f: FileResult) => f.findings.filter((d) => codemods.has(d.codemod)).flatMap((d) => d.fixes);
    const usersKept = users.some((f) => ownFixes(f).some((x) => f.applied.includes(x)));
    const createdKept = created.applied.length > 0;
    if (usersKept === createdKept) continue;
    const name = displayPath(created.path, cwd);
    for (const f of group) {
      const own = new Set(ownFixes(f));
      const before = f.applied.length;
      f.applied = f.applied.filter((x) => !own.has(x));
      const n = before - f.applied.length;
      if (n > 0)
        dropped.push(
          createdKept
            ? `${name}: not created, since every fix that needs it was skipped`
            : `${displayPath(f.path, cwd)}: ${n} accepted ${plural(n, 'fix', 'fixes')} not applied: ` +
                `${plural(n, 'it needs', 'they need')} ${name}, which was skipped`,
        );
    }
  }
  return dropped;
}
