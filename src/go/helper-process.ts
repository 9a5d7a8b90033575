// The running helper: one `goprod-helper serve` per goprod run (see helper/main.go), asked
// for the type facts of each build configuration and then for the proof under the others than
// the host's. It keeps the packages it has checked between requests, so one configuration's
// dependencies are checked once for the facts and the proof, and once for its variants with tags.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { childProcess, tempPrefix, temporaryPath } from '../engine/interrupt.js';
import { countCommand, goEnv, type GoTarget } from './toolchain.js';

/** What a request asks besides its target (see the helper's request). */
export interface HelperRequest {
  command: 'check' | 'facts';
  patterns: readonly string[];
  /** The go command's overlay file. */
  overlay?: string;
  files?: readonly string[];
  export?: boolean;
}

/** One helper process, which answers requests concurrently, each as soon as it is done. */
export class HelperProcess {
  readonly #child: ChildProcess;
  /** The requests asked and not answered yet, by id. */
  readonly #waiting = new Map<number, (answer: string | undefined) => void>();
  #asked = 0;
  #stderr = '';
  #ended = false;
  /** Why the helper ended, once it has. */
  #why = '';

  /**
   * The result cache's directory ('': none), where the helper keeps what it found of each
   * package (see helper/memo.go), so that what a run before checked is not checked again.
   */
  readonly #cache: string;

  constructor(binary: string, cache?: string) {
    this.#cache = cache ?? '';
    this.#child = spawn(binary, ['serve'], { env: goEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    childProcess(this.#child);
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString()).slice(-4000)));
    // A helper that cannot start (or dies) answers every request with why.
    this.#child.on('error', (error) => this.#end(`${basename(binary)} failed: ${error.message}`));
    this.#child.stdin!.on('error', () => undefined); // its exit says what happened
    createInterface({ input: this.#child.stdout! }).on('line', (line) => this.#answer(line));
    this.#child.on('close', (code, signal) =>
      this.#end(`${basename(binary)} ${signal ? `was stopped by ${signal}` : `exited with status ${code}`}`),
    );
  }

  /** The helper's answer (one JSON document) to a request under the target's configuration. */
  async request({ context, config }: GoTarget, { overlay, ...request }: HelperRequest): Promise<string> {
    if (this.#ended) throw this.#failure;
    countCommand();
    // The go command's own temporary files go to a directory of ours, as for every go command goprod runs.
    const temp = mkdtempSync(tempPrefix('go', process.env.GOTMPDIR || undefined));
    const forget = temporaryPath(temp);
    try {
      const id = ++this.#asked;
      const env = { GOWORK: context.gowork, GOOS: config.goos, GOARCH: config.goarch, CGO_ENABLED: config.cgo ? '1' : '0', GOTMPDIR: temp };
      const line = { id, ...request, dir: context.dir, env, tags: config.tags.join(','), overlay: overlay ?? '', cache: this.#cache };
      const answer = new Promise<string | undefined>((resolve) => this.#waiting.set(id, resolve));
      this.#child.stdin!.write(`${JSON.stringify(line)}\n`);
      const text = await answer;
      if (text === undefined) throw this.#failure;
      return text;
    } finally {
      rmSync(temp, { recursive: true, force: true });
      forget();
    }
  }

  /** Ends the helper: it exits when its input ends. */
  close(): void {
    this.#child.stdin!.end();
  }

  /** An answer: `ID<tab>JSON`. */
  #answer(line: string): void {
    const tab = line.indexOf('\t');
    const id = Number(line.slice(0, tab));
    this.#waiting.get(id)?.(line.slice(tab + 1));
    this.#waiting.delete(id);
  }

  #end(why: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#why = `${why}${this.#stderr.trim() ? `: ${this.#stderr.trim()}` : ''}`;
    for (const waiting of this.#waiting.values()) waiting(undefined);
    this.#waiting.clear();
  }

  get #failure(): Error {
    return new Error(this.#why);
  }
}

/**
 * The helper processes of one run, started when first asked for, one per helper binary; with
 * the result cache's directory, they keep what they found there for later runs.
 */
export class HelperProcesses {
  readonly #running = new Map<string, HelperProcess>();
  readonly #cache: string | undefined;

  constructor(cache?: string) {
    this.#cache = cache;
  }

  of(binary: string): HelperProcess {
    let running = this.#running.get(binary);
    if (!running) this.#running.set(binary, (running = new HelperProcess(binary, this.#cache)));
    return running;
  }

  close(): void {
    for (const running of this.#running.values()) running.close();
    this.#running.clear();
  }
}
