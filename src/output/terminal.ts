// What goprod does on a terminal and nowhere else: colour and a live progress line. Both are
// decided per stream, as git and gofmt users expect: colour on a TTY unless NO_COLOR is set
// or TERM is dumb (`--color` overrides), progress only on a TTY stderr outside CI. Styles come
// from util.styleText, told not to second-guess the decision (validateStream: false).
import { styleText } from 'node:util';
import type { Progress } from '../engine/model.js';

export type ColorChoice = 'auto' | 'always' | 'never';

/** What a stream is: whether it is a terminal. */
export interface StreamInfo {
  isTTY: boolean;
}

/** Whether to colour what goes to a stream (https://no-color.org: any non-empty NO_COLOR). */
export function colorFor(choice: ColorChoice, stream: StreamInfo, env: NodeJS.ProcessEnv): boolean {
  if (choice !== 'auto') return choice === 'always';
  return stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** Styles for goprod's output; without colour each is the identity. */
export interface Palette {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  added(s: string): string;
  removed(s: string): string;
  hunk(s: string): string;
  warning(s: string): string;
  error(s: string): string;
}

export function palette(enabled: boolean): Palette {
  const style = (format: Parameters<typeof styleText>[0]) => (s: string) =>
    enabled && s !== '' ? styleText(format, s, { validateStream: false }) : s;
  return {
    enabled,
    bold: style('bold'),
    dim: style('dim'),
    added: style('green'),
    removed: style('red'),
    hunk: style('cyan'),
    warning: style('yellow'),
    error: style('red'),
  };
}

/** A unified diff coloured as git colours one: headers bold, hunk lines cyan, removals red, additions green. */
export function colorDiff(diff: string, p: Palette): string {
  if (!p.enabled) return diff;
  return diff
    .split('\n')
    .map((line) => {
      if (/^(---|\+\+\+|diff --git|new file mode|={5,})( |$)/.test(line)) return p.bold(line);
      if (line.startsWith('@@')) return p.hunk(line);
      if (line.startsWith('+')) return p.added(line);
      if (line.startsWith('-')) return p.removed(line);
      return line;
    })
    .join('\n');
}

/** A line of goprod's stderr coloured by what it says. */
export function colorNote(line: string, p: Palette): string {
  if (/^goprod: (backed out|bug|fatal)\b|: bug: /.test(line)) return p.error(line);
  if (/^goprod: (unverified|warning)\b/.test(line)) return p.warning(line);
  return line;
}

/**
 * A live progress line on stderr, redrawn in place at most every `interval` ms and erased
 * when the run ends. Only for a terminal: never on a pipe or in CI (`CI` set).
 */
export class ProgressLine {
  private last = 0;
  private shown = false;
  private readonly started = Date.now();

  constructor(
    private readonly write: (s: string) => void,
    private readonly interval = 100,
  ) {}

  static wanted(stderr: StreamInfo, env: NodeJS.ProcessEnv): boolean {
    return stderr.isTTY && !env.CI && env.TERM !== 'dumb';
  }

  update(p: Progress): void {
    const now = Date.now();
    if (now - this.last < this.interval) return;
    this.last = now;
    const seconds = ((now - this.started) / 1000).toFixed(1);
    const what =
      p.stage === 'types'
        ? 'type-checking the packages'
        : p.stage === 'scan'
          ? `scanned ${count(p.files)} of ${count(p.of)} files, ${count(p.fixes)} ${p.fixes === 1 ? 'fix' : 'fixes'} found`
          : `verifying: ${count(p.packages)} of ${count(p.of)} packages checked`;
    this.write(`\r\x1b[Kgoprod: ${what} (${seconds}s)`);
    this.shown = true;
  }

  /** Erases the line, so what follows starts on a clean line. */
  done(): void {
    if (this.shown) this.write('\r\x1b[K');
    this.shown = false;
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Several live lines on a terminal (one per running job, then a total), redrawn in place:
 * the cursor goes back up over the lines drawn last time.
 */
export class StatusBlock {
  private drawn = 0;

  constructor(private readonly write: (s: string) => void) {}

  draw(lines: readonly string[]): void {
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.write(`${up}${lines.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`);
    this.drawn = lines.length;
  }

  /** Erases the block, so what follows starts where it began. */
  done(): void {
    if (this.drawn > 0) this.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }
}
