// Build constraints as the go command evaluates them (go/build and go/build/constraint): a
// file's `//go:build` line (or legacy `// +build` lines) and its _GOOS/_GOARCH name suffix
// decide under which build configurations it is compiled.
import { dirname, join } from 'node:path';

/** One way to build: a target platform, cgo on or off, and extra build tags. */
export interface BuildConfig {
  goos: string;
  goarch: string;
  cgo: boolean;
  tags: readonly string[];
}

/** A target the installed toolchain supports (`go tool dist list -json`). */
export interface Platform {
  goos: string;
  goarch: string;
  firstClass: boolean;
}

export type ConstraintExpr =
  { tag: string } | { not: ConstraintExpr } | { and: [ConstraintExpr, ConstraintExpr] } | { or: [ConstraintExpr, ConstraintExpr] };

// go/build's syslist.go: the names a file suffix or a tag can mean, whether or not this toolchain builds for them.
const KNOWN_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9',
  'solaris', 'wasip1', 'windows', 'zos',
]);
const UNIX_OS = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris',
]);
const KNOWN_ARCH = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32',
  'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm',
]);

/** Parses a `//go:build` expression; undefined if it is malformed (the go command rejects the file then). */
export function parseBuildExpr(text: string): ConstraintExpr | undefined {
  const tokens = text.match(/\|\||&&|!|\(|\)|[^\s|&!()]+/g) ?? [];
  let at = 0;
  /** A left-associative chain of operands joined by `op`. */
  const chain =
    (op: string, operand: () => ConstraintExpr, join: (x: ConstraintExpr, y: ConstraintExpr) => ConstraintExpr) => (): ConstraintExpr => {
      let x = operand();
      while (tokens[at] === op) {
        at++;
        x = join(x, operand());
      }
      return x;
    };
  // `not` is declared below: it is looked up when a chain runs, not now.
  const and = chain('&&', () => not(), (x, y) => ({ and: [x, y] }));
  const or = chain('||', and, (x, y) => ({ or: [x, y] }));
  const not = (): ConstraintExpr => {
    const t = tokens[at++];
    if (t === '!') return { not: not() };
    if (t === '(') {
      const x = or();
      if (tokens[at++] !== ')') throw new SyntaxError('missing )');
      return x;
    }
    if (t === undefined || !/^[\w.]+$/.test(t)) throw new SyntaxError(`unexpected ${t ?? 'end'}`);
    return { tag: t };
  };
  try {
    const x = or();
    return at === tokens.length ? x : undefined;
  } catch {
    return undefined;
  }
}

/** Legacy `// +build a,!b c` lines: spaces mean or, commas and, lines and. */
function parsePlusBuild(lines: readonly string[]): ConstraintExpr | undefined {
  const all = (xs: ConstraintExpr[], op: 'and' | 'or'): ConstraintExpr =>
    xs.reduce((x, y) => (op === 'and' ? { and: [x, y] } : { or: [x, y] }));
  const terms = lines.map((line) =>
    all(
      line
        .split(/\s+/)
        .filter(Boolean)
        .map((option) =>
          all(
            option.split(',').map((t) => (t.startsWith('!') ? { not: { tag: t.slice(1) } } : { tag: t })),
            'and',
          ),
        ),
      'or',
    ),
  );
  return terms.length > 0 ? all(terms, 'and') : undefined;
}

/** The build constraint of a Go file: its `//go:build` line, else its `// +build` lines, from the comments before the package clause. */
export function fileConstraint(text: string): ConstraintExpr | undefined {
  const plus: string[] = [];
  let inBlock = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (inBlock) {
      inBlock = !line.includes('*/');
      continue;
    }
    if (line === '') continue;
    if (line.startsWith('/*')) {
      inBlock = !line.slice(2).includes('*/');
      continue;
    }
    if (!line.startsWith('//')) break;
    const go = /^\/\/go:build\s+(.*)$/.exec(line);
    if (go) return parseBuildExpr(go[1]!);
    const old = /^\/\/\s*\+build\s+(.*)$/.exec(line);
    if (old) plus.push(old[1]!);
  }
  return parsePlusBuild(plus);
}

/**
 * Whether a file is a program of its own, run with `go run` and built with nothing else: its
 * build constraint asks for the `ignore` tag, as Go's convention for such files is
 * (`//go:build ignore`, also in a conjunction).
 */
export function isStandaloneProgram(text: string): boolean {
  const requires = (e: ConstraintExpr | undefined): boolean =>
    e !== undefined && ('tag' in e ? e.tag === 'ignore' : 'and' in e ? e.and.some(requires) : 'or' in e ? e.or.every(requires) : false);
  return requires(fileConstraint(text));
}

/**
 * Whether a file is a program of its own: one isStandaloneProgram says is, or one that declares
 * package main behind a build constraint in a directory whose package (`dirPackage`, asked only
 * then) is another, so that no build configuration compiles it with its neighbours; `go run`
 * and `go generate` build such a generator (`//go:build none`) alone. A file without a
 * constraint is its directory's package (tagged files beside it are the odd ones).
 */
export function isProgramIn(text: string, dirPackage: () => string | undefined): boolean {
  if (isStandaloneProgram(text)) return true;
  if (packageClause(text) !== 'main' || fileConstraint(text) === undefined) return false;
  const other = dirPackage();
  return other !== undefined && other !== 'main';
}

/** The name a Go file's package clause gives. */
export function packageClause(text: string): string | undefined {
  return /^package\s+([\p{L}_][\p{L}\p{N}_]*)/mu.exec(text)?.[1];
}

/**
 * The package of a file's directory as its other files (tests aside) declare it, those without
 * a build constraint first: the first name other than main, else main, else none.
 */
export function neighbourPackage(
  path: string,
  files: { goFilesIn(dir: string): string[]; text(path: string): string | undefined },
): string | undefined {
  const dir = dirname(path);
  const texts = files
    .goFilesIn(dir)
    .filter((name) => !name.endsWith('_test.go') && join(dir, name) !== path)
    .map((name) => files.text(join(dir, name)) ?? '');
  const unconstrained = texts.filter((text) => fileConstraint(text) === undefined);
  for (const some of [unconstrained, texts]) {
    const names = some.map(packageClause);
    const name = names.find((n) => n !== undefined && n !== 'main') ?? names.find((n) => n !== undefined);
    if (name) return name;
  }
  return undefined;
}

/** Whether a file imports "C", so it is compiled only with cgo on. */
export function usesCgo(text: string): boolean {
  return /^\s*import\s*(?:\(\s*)?"C"/m.test(text);
}

/** Whether a build tag holds under a configuration (go/build's matchTag; `goMinor` gives the go1.N release tags). */
export function matchTag(tag: string, config: BuildConfig, goMinor: number): boolean {
  const { goos, goarch } = config;
  if (tag === goos || tag === goarch || tag === 'gc' || config.tags.includes(tag)) return true;
  if (tag === 'cgo') return config.cgo;
  if (tag === 'unix') return UNIX_OS.has(goos);
  if ((goos === 'android' && tag === 'linux') || (goos === 'illumos' && tag === 'solaris') || (goos === 'ios' && tag === 'darwin'))
    return true;
  const release = /^go1\.(\d+)$/.exec(tag);
  return release !== null && Number(release[1]) <= goMinor;
}

function evaluate(x: ConstraintExpr, holds: (tag: string) => boolean): boolean {
  if ('tag' in x) return holds(x.tag);
  if ('not' in x) return !evaluate(x.not, holds);
  if ('and' in x) return evaluate(x.and[0], holds) && evaluate(x.and[1], holds);
  return evaluate(x.or[0], holds) || evaluate(x.or[1], holds);
}

/** Whether a file named `name` (e.g. `conn_windows_test.go`) is compiled under `config`, going by its name, constraint and cgo use. */
export function compiledUnder(name: string, text: string, config: BuildConfig, goMinor: number): boolean {
  const holds = (tag: string) => matchTag(tag, config, goMinor);
  if (usesCgo(text) && !config.cgo) return false;
  // go/build's goodOSArchFile: only what follows the first underscore counts, _test aside.
  const stem = name.replace(/\.go$/, '');
  const i = stem.indexOf('_');
  if (i >= 0) {
    const parts = stem.slice(i).replace(/_test$/, '').split('_');
    const [os, arch] = parts.slice(-2);
    const last = parts[parts.length - 1]!;
    if (parts.length >= 2 && os !== undefined && arch !== undefined && KNOWN_OS.has(os) && KNOWN_ARCH.has(arch)) {
      if (!holds(os) || !holds(arch)) return false;
    } else if ((KNOWN_OS.has(last) || KNOWN_ARCH.has(last)) && !holds(last)) return false;
  }
  const expr = fileConstraint(text);
  return expr === undefined || evaluate(expr, holds);
}

/** Tags in a constraint that a user sets with -tags (not platforms, releases, cgo or compilers); `ignore` is by convention never set. */
function customTags(x: ConstraintExpr | undefined, into = new Set<string>()): Set<string> {
  if (x === undefined) return into;
  if ('tag' in x) {
    const t = x.tag;
    const builtIn =
      KNOWN_OS.has(t) ||
      KNOWN_ARCH.has(t) ||
      ['unix', 'cgo', 'gc', 'gccgo', 'ignore'].includes(t) ||
      /^go1\.\d+$/.test(t) ||
      t.startsWith('goexperiment.');
    if (!builtIn) into.add(t);
  } else if ('not' in x) customTags(x.not, into);
  else for (const y of 'and' in x ? x.and : x.or) customTags(y, into);
  return into;
}

/** All subsets of `tags`, smallest first (at most 2^6 of them). */
function subsets(tags: readonly string[]): string[][] {
  const limited = [...tags].sort().slice(0, 6);
  const all: string[][] = [];
  for (let mask = 0; mask < 1 << limited.length; mask++) all.push(limited.filter((_, i) => mask & (1 << i)));
  return all.sort((a, b) => a.length - b.length);
}

/**
 * The configurations under which the file is compiled, best first: the host's, then its other
 * architectures, then first-class ports, then the rest, each with the fewest tags. Other
 * platforms build without cgo: there is no C cross-compiler to rely on.
 */
export function configsFor(name: string, text: string, host: BuildConfig, platforms: readonly Platform[], goMinor: number): BuildConfig[] {
  // android, illumos and ios also satisfy linux, solaris and darwin: prefer the plain ones.
  const alias = (p: Platform) => ['android', 'illumos', 'ios'].includes(p.goos);
  // Among the other ports too, the host's architecture first (freebsd/amd64 before freebsd/386).
  const rank = (p: Platform): number => {
    if (p.goos === host.goos && p.goarch === host.goarch) return 0;
    if (p.goos === host.goos) return 1;
    if (p.goarch === host.goarch && p.firstClass) return 2;
    if (p.firstClass) return 3;
    if (alias(p)) return 6;
    return p.goarch === host.goarch ? 4 : 5;
  };
  const ordered = [...platforms].sort((a, b) => rank(a) - rank(b));
  const tagSets = subsets([...customTags(fileConstraint(text))]);
  const found: BuildConfig[] = [];
  for (const p of ordered) {
    const isHost = p.goos === host.goos && p.goarch === host.goarch;
    for (const cgo of isHost ? [host.cgo, !host.cgo] : [false]) {
      for (const tags of tagSets) {
        const config = { goos: p.goos, goarch: p.goarch, cgo, tags };
        if (compiledUnder(name, text, config, goMinor)) found.push(config);
      }
    }
  }
  return found;
}

export function configKey(c: BuildConfig): string {
  return `${c.goos}/${c.goarch}${c.cgo ? '' : ' cgo=0'}${c.tags.length > 0 ? ` -tags=${c.tags.join(',')}` : ''}`;
}

/**
 * How the summary names a configuration: `windows/amd64`, `linux/amd64 -tags=integration`, cgo only where it differs
 * from the host's default.
 */
export function describeConfig(c: BuildConfig, host: BuildConfig): string {
  const cgo = c.cgo !== host.cgo && c.goos === host.goos && c.goarch === host.goarch ? ` (cgo ${c.cgo ? 'on' : 'off'})` : '';
  return `${c.goos}/${c.goarch}${c.tags.length > 0 ? ` -tags=${c.tags.join(',')}` : ''}${cgo}`;
}
