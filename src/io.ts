// What a command sees of the world: its output streams, working directory, terminal and
// environment. The process provides them (cli.ts); tests inject their own.
export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  /** Which streams are terminals (default: none). */
  tty?: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** The environment (NO_COLOR, CI, TERM); default: empty. */
  env?: NodeJS.ProcessEnv;
  /** The next key pressed on the terminal; only when stdin is one. */
  readKey?(): Promise<string>;
}
