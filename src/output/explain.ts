// `goprod explain NAME`: a codemod's full description, its options and Go versions, and a
// before/after example taken from its own fixtures (which the tests prove to build).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Codemod } from '../engine/codemod.js';
import { diffHunks } from './text.js';

/** goprod's own directory (the one with its package.json), from src/ or dist/src/. */
export function packageRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function explain(codemod: Codemod): string {
  const { from, before } = codemod.goVersions;
  const versions =
    from && before
      ? `Go ${from} up to ${before} (exclusive)`
      : from
        ? `Go ${from} and later`
        : before
          ? `before Go ${before}`
          : 'every Go version';
  const options = Object.values(codemod.options ?? {}).map(
    (o) => `  ${o.flag}  ${o.description}${o.default !== undefined ? ` (default: ${String(o.default)})` : ''}`,
  );
  const example = fixtureExample(codemod.name);
  return [
    `${codemod.name}: ${codemod.summary}`,
    '',
    wrap(codemod.description, 92),
    '',
    `Applies to files of ${versions} (the go directive of their module, or a //go:build go1.N line).`,
    ...(options.length > 0 ? ['', 'Options:', ...options] : []),
    ...(example ? ['', `Example (${example.from}):`, example.diff.trimEnd()] : []),
    '',
    `Run it: goprod fix --codemod=${codemod.name} [PATH…]   (a dry run: add --write to apply)`,
    '',
  ].join('\n');
}

/** The first change of the first fixture case with a golden file, as a diff hunk without the fixtures' `// want` comments. */
function fixtureExample(name: string): { from: string; diff: string } | undefined {
  const root = packageRoot();
  const dir = root && join(root, 'fixtures', name);
  if (!dir || !existsSync(dir)) return undefined;
  const goldens = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.go.golden') && existsSync(join(dir, f.slice(0, -'.golden'.length))))
    .sort();
  for (const golden of goldens) {
    const input = join(dir, golden.slice(0, -'.golden'.length));
    const unwanted = (text: string) => text.replace(/[ \t]*\/\/ want\b.*$/gm, '');
    const [first] = diffHunks(unwanted(readFileSync(input, 'utf8')), unwanted(readFileSync(join(dir, golden), 'utf8')), 3);
    if (first) return { from: relative(root, input), diff: first };
  }
  return undefined;
}

/** Text broken into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}
