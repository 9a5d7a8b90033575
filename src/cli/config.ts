// The config file, goprod.yaml (or .goprod.yaml): the codemods to run, their options, paths to
// leave alone and the Go version of files outside a module, written down once for a team.
// Found from the working directory upward; command-line flags override it. Parsed with the
// `yaml` package because its nodes keep their positions: every error names file, line and column.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import type { Node, YAMLMap } from 'yaml';
import type { Codemod, CodemodOption } from '../engine/codemod.js';
import type { Exclude } from '../engine/discover.js';
import { UsageError } from '../errors.js';
import { GO_MOD_DEFAULT, parseGoVersion, type GoVersion } from '../go/version.js';
import { displayPath } from '../output/text.js';

/** The names a config file may have; both in one directory is an error. */
export const CONFIG_NAMES = ['goprod.yaml', '.goprod.yaml'] as const;

let yamlPackage: typeof import('yaml') | undefined;

/** The yaml package, loaded when a config file is read or written: most runs have none, and it takes 20 ms to load. */
function yaml(): typeof import('yaml') {
  return (yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

const TOP_KEYS = ['codemods', 'options', 'exclude', 'go'] as const;

export interface Config {
  /** The file it was read from. */
  path: string;
  /** The codemods to run, in the registry's order (absent: every one). */
  codemods?: Codemod[];
  /** Codemod option values by the name the codemods read them under (camelCase of the flag). */
  options: Record<string, string | boolean>;
  exclude?: Exclude;
  goOutsideModule?: GoVersion;
}

/** The config file in `dir` or the nearest directory above it, if any. */
export function findConfig(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const here = CONFIG_NAMES.filter((name) => existsSync(join(d, name)));
    if (here.length > 1) throw new UsageError(`both ${here.join(' and ')} in ${d}: goprod reads one config file; merge them into one`);
    if (here.length === 1) return join(d, here[0]!);
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Reads the config file the command's `--config FILE` names, or the one found from `cwd`
 * upward (none with `--no-config`), and makes its option values the command's where no flag
 * set them. The command's own options must include `--config <file>` and `--no-config`.
 */
export function applyConfig(command: Command, registry: readonly Codemod[], cwd: string): Config | undefined {
  const named = command.opts<{ config?: string | false }>().config;
  if (named === false) return undefined;
  const path = named === undefined ? findConfig(cwd) : resolve(cwd, named);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read the config file ${displayPath(path, cwd)} (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`,
    );
  }
  const config = parseConfig(text, path, registry, cwd);
  for (const [key, value] of Object.entries(config.options)) {
    const isOwn = command.options.some((o) => o.attributeName() === key);
    if (isOwn && command.getOptionValueSource(key) !== 'cli') command.setOptionValueWithSource(key, value, 'config');
  }
  return config;
}

/** A config file's text, checked: an unknown key or a bad value is a UsageError naming file, line and column. */
export function parseConfig(text: string, path: string, registry: readonly Codemod[], cwd: string): Config {
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${displayPath(path, cwd)}:${line}:${col}`;
  };
  const syntax = doc.errors[0];
  if (syntax)
    throw new UsageError(
      `${at(syntax.pos[0])}: ` +
        `${syntax.code === 'MULTIPLE_DOCS' ? 'more than one YAML document (---); a config file holds one' : syntax.message}`,
    );
  const fail = (node: Node, message: string): never => {
    throw new UsageError(`${at(node.range?.[0] ?? 0)}: ${message}`);
  };

  const config: Config = { path, options: {} };
  if (doc.contents === null || isEmpty(doc.contents)) return config;
  const top = entries(doc.contents, 'at the top level', TOP_KEYS, fail);
  const codemodNames = registry.map((c) => c.name);
  const codemods = top.get('codemods');
  if (codemods) {
    const names = strings(codemods, '"codemods" takes a list of codemod names, such as [wrap-errors, loopvar]', fail);
    if (names.length === 0) fail(codemods, '"codemods" needs at least one name (leave it out to run every codemod)');
    for (const { node, value } of names)
      if (!codemodNames.includes(value)) fail(node, `unknown codemod "${value}" (known: ${codemodNames.join(', ')})`);
    config.codemods = registry.filter((c) => names.some((n) => n.value === c.name));
  }
  const options = top.get('options');
  if (options) {
    for (const [name, section] of entries(options, 'under options', codemodNames, fail, 'codemod')) {
      const declared = Object.entries(registry.find((c) => c.name === name)!.options ?? {});
      const known = declared.map(([, o]) => optionName(o));
      if (known.length === 0) fail(section, `${name} has no options`);
      for (const [key, value] of entries(section, `under options.${name}`, known, fail, 'option')) {
        const [attribute, option] = declared.find(([, o]) => optionName(o) === key)!;
        config.options[attribute] = optionValue(value, key, option, fail);
      }
    }
  }
  const exclude = top.get('exclude');
  if (exclude)
    config.exclude = {
      file: path,
      patterns: strings(exclude, '"exclude" takes a list of gitignore-style patterns, such as ["gen/**", "**/*_mock.go"]', fail).map(
        (p) => p.value,
      ),
    };
  const go = top.get('go');
  if (go) {
    // The source text: unquoted, 1.20 would be the number 1.2.
    const version = yaml().isScalar(go) && typeof go.value !== 'boolean' ? parseGoVersion(go.source ?? String(go.value)) : undefined;
    config.goOutsideModule = version ?? fail(go, `"go" takes a Go version such as "1.21", not ${shown(go)}`);
  }
  return config;
}

type Fail = (node: Node, message: string) => never;

/** An empty value (`key:` with nothing after it) counts as the key left out. */
function isEmpty(node: unknown): boolean {
  return node === null || (yaml().isScalar(node) && node.value === null);
}

/** A mapping's values by key (`where` it is: "under options"), each key one of `known`; empty values left out. */
function entries(node: Node, where: string, known: readonly string[], fail: Fail, kind = 'key'): Map<string, Node> {
  const expected = `(known: ${known.join(', ')})`;
  if (!yaml().isMap(node)) return fail(node, `expected ${kind}s with their values ${where} ${expected}, not ${shown(node)}`);
  const found = new Map<string, Node>();
  for (const pair of (node as YAMLMap<Node | null, Node | null>).items) {
    const name = yaml().isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (name === undefined || !known.includes(name))
      fail(pair.key ?? node, `unknown ${kind} ${JSON.stringify(name ?? String(pair.key))} ${where} ${expected}`);
    if (!isEmpty(pair.value)) found.set(name!, pair.value!);
  }
  return found;
}

/** A list of strings, with their nodes (for messages about one of them). */
function strings(node: Node, message: string, fail: Fail): Array<{ node: Node; value: string }> {
  if (!yaml().isSeq(node)) return fail(node, `${message}, not ${shown(node)}`);
  return (node.items as Node[]).map((item) =>
    yaml().isScalar(item) && typeof item.value === 'string'
      ? { node: item, value: item.value }
      : fail(item, `${message}, not ${shown(item)}`),
  );
}

/** The option's name in the file: its flag without the dashes (`close-mode`). */
function optionName(option: CodemodOption): string {
  return /^--([\w-]+)/.exec(option.flag)![1]!;
}

/** Whether the flag takes a value (`--config-pkg <dir>`); else it is a switch. */
function takesValue(option: CodemodOption): boolean {
  return option.flag.includes('<');
}

function optionValue(node: Node, key: string, option: CodemodOption, fail: Fail): string | boolean {
  const value = yaml().isScalar(node) ? node.value : undefined;
  const expected = !takesValue(option) ? 'true or false' : option.choices ? `one of ${option.choices.join(', ')}` : 'a string';
  const fits = !takesValue(option) ? typeof value === 'boolean' : typeof value === 'string' && (option.choices?.includes(value) ?? true);
  return fits ? (value as string | boolean) : fail(node, `"${key}" takes ${expected}, not ${shown(node)}`);
}

/** A value as a message shows it: a scalar as written, else what it is. */
function shown(node: Node): string {
  if (yaml().isMap(node)) return 'keys and values';
  if (yaml().isSeq(node)) return 'a list';
  return yaml().isScalar(node) ? JSON.stringify(node.source ?? node.value) : 'an alias';
}

/**
 * A config file whose every setting is commented out, showing its default: every codemod with
 * its summary, every option with its description. Removing the "# " of a setting's lines
 * keeps the file valid.
 */
export function starterConfig(registry: readonly Codemod[]): string {
  const width = Math.max(...registry.map((c) => c.name.length));
  const lines = [
    '# goprod configuration, read by `goprod fix` and `goprod env` in this directory and below.',
    '# Flags on the command line override it. Every setting is commented out and shows the',
    '# default value: remove the "# " before a setting (and before its section) to change it.',
    '',
    '# The codemods that run (default: every one).',
    '# codemods:',
    ...registry.map((c) => `#   - ${c.name.padEnd(width)}  # ${c.summary}`),
    '',
    '# Options of the codemods, by codemod.',
    '# options:',
  ];
  for (const c of registry) {
    const options = Object.values(c.options ?? {});
    if (options.length === 0) continue;
    lines.push(`#   ${c.name}:`);
    for (const o of options) {
      const value = o.default ?? (takesValue(o) ? '' : false);
      const choices = o.choices ? `  # ${o.choices.join(', ')}` : '';
      lines.push(`#     # ${o.description}`, `#     ${optionName(o)}: ${yaml().stringify(value).trim()}${choices}`);
    }
  }
  lines.push(
    '',
    '# Files to leave alone besides those goprod always skips (generated, vendor/, testdata/,',
    "# .gitignore'd): gitignore-style patterns, relative to this file's directory. None by default;",
    '# for example:',
    '# exclude:',
    '#   - gen/**',
    '#   - "**/*_mock.go"',
    '',
    '# The Go version of files outside any module (no go.mod above them).',
    `# go: "${GO_MOD_DEFAULT}"`,
  );
  return `${lines.join('\n')}\n`;
}

/** Writes the starter config file in `dir`: goprod.yaml, or replaces the config file there with `force`. */
export function writeStarterConfig(dir: string, registry: readonly Codemod[], force: boolean): string {
  const existing = CONFIG_NAMES.filter((name) => existsSync(join(dir, name)));
  if (existing.length > 1) throw new UsageError(`both ${existing.join(' and ')} exist here; remove one first`);
  if (existing.length > 0 && !force) throw new UsageError(`${existing[0]} already exists; run with --force to replace it`);
  const path = join(dir, existing[0] ?? CONFIG_NAMES[0]);
  writeFileSync(path, starterConfig(registry));
  return path;
}
