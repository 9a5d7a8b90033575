// Scattered os.Getenv / os.LookupEnv reads → one documented config package, read once.
// Call sites keep their exact semantics: they read the raw value (and LookupEnv's "is it
// set") from the config instead of the environment, and their own parsing and defaults
// stay. The typed fields, defaults and Load's validation come from what those sites do.
// The inventory, the decisions and the generated package are src/env-config/.
import { basename, dirname, join } from 'node:path';
import { defineCodemod, type ModuleDiagnostic, type ModuleFiles, type OptionDeclarations } from '../src/engine/codemod.js';
import type { Edit } from '../src/engine/edits.js';
import { children } from '../src/engine/parse.js';
import { classify } from '../src/env-config/classify.js';
import { describe, fieldNames, generate, packageName } from '../src/env-config/generate.js';
import { DEFAULT_CONFIG_PKG, withPrevious } from '../src/env-config/inventory.js';
import type { EnvRead } from '../src/env-config/reads.js';
import { packageClause } from '../src/go/constraint.js';
import type { GoFile } from '../src/go/file.js';
import { addImport, removeImport, replaceImport, usesPackage } from '../src/go/imports.js';

const ENV_CALL = /Getenv|LookupEnv|Setenv|Unsetenv|Clearenv/;

const OPTIONS = {
  configPkg: {
    flag: '--config-pkg <dir>',
    description: 'directory of the generated config package, relative to the module root',
    default: DEFAULT_CONFIG_PKG,
  },
  includeTests: { flag: '--include-tests', description: 'also rewrite environment reads in _test.go files' },
} as const satisfies OptionDeclarations;

export default defineCodemod({
  name: 'env-config',
  summary: 'os.Getenv/LookupEnv reads scattered through a module become one documented config package',
  description:
    'Every `os.Getenv("X")` / `os.LookupEnv("X")` of a module moves into one generated package (`--config-pkg`, default ' +
    '`internal/config`): a `Config` with a documented, typed field per variable, `Load()` that reports all missing or invalid ' +
    'variables in one error, and a `sync.Once`-backed `Get()`. Types, defaults and "required" come from what the call sites do ' +
    '(`strconv.Atoi`, `time.ParseDuration`, `if v == "" { v = "8080" }`, `if !ok`, `log.Fatal` when empty). Call sites keep their ' +
    'exact behaviour: they read `config.Get().Raw.X` (and `Raw.XSet` for LookupEnv), so their own parsing and defaults stay ' +
    'until you move them to the typed fields. Reads in `_test.go` files are left alone unless `--include-tests`, and so are ' +
    'programs of their own (`//go:build ignore` scripts run with `go run`, generators that declare package main beside another ' +
    'package: their reads and writes are not the module\'s); reads with ' +
    'computed names are reported; a variable the module sets at run time, in the program or in its tests (`os.Setenv`, ' +
    '`os.Unsetenv`, `t.Setenv`), keeps its live reads everywhere, so a test that sets a variable still sees it; a computed ' +
    'name counts as every value the code spells out for it (a constant, a table of literals or constants, `for k, v := ' +
    'range map[string]string{…}`, `t.Setenv(tc.name, …)` over the rows of a table, the parameter of a helper that ' +
    'every caller gives such values). Only a write whose names goprod cannot enumerate (names from input, ' +
    '`os.Clearenv`) leaves the whole module alone, and the message names that place (reading once would change ' +
    'behaviour). `getEnv("PORT", "8080")`-style wrappers are seen through for the inventory. Run it on the ' +
    'module root: it sees the files under the paths given.',
  goVersions: {},
  mayMatch: (text) => ENV_CALL.test(text),
  // A function that reads (or writes) the variable its parameter names is called by name from its own package; a
  // computed write's table, constants and callers are in its package too.
  needsDirectoryOf: /(Getenv|LookupEnv|Setenv|Unsetenv)\s*\(\s*[^\s"`)]/,
  options: OPTIONS,
  runModule(module, files, options, moduleFiles) {
    const { configDir, variables, outcomes, blocked } = classify(module, files, options, moduleFiles);
    const out: ModuleDiagnostic[] = [];
    for (const o of outcomes) {
      if (o.outcome !== 'moved')
        out.push({
          path: o.read.file.path,
          diagnostic: { start: o.read.call.startIndex, end: o.read.call.endIndex, message: o.message, reason: o.reason, fixes: [] },
        });
    }
    const moved = outcomes.filter((o) => o.outcome === 'moved').map((o) => o.read);
    const path = join(module.dir, configDir, 'config.go');
    // No read moves and none did before: a config package nothing uses is no fix.
    if (blocked || variables.length === 0 || (moved.length === 0 && moduleFiles.text(path) === undefined)) return out;

    const all = withPrevious(variables, module, configDir, moduleFiles);
    const fields = fieldNames(all.map((v) => v.name));
    const importPath = `${module.path}/${configDir}`;
    for (const file of new Set(moved.map((r) => r.file))) {
      const mine = moved.filter((r) => r.file === file);
      const edits = siteEdits(file, mine, { importPath, fields, moduleFiles });
      const fix = { message: `read the environment through ${configDir}`, edits };
      for (const read of mine) {
        const v = variables.find((x) => x.name === read.name)!;
        out.push({
          path: file.path,
          diagnostic: {
            start: read.call.startIndex,
            end: read.call.endIndex,
            message: `os.${read.kind}("${read.name}") → ${packageName(configDir)}.Get().Raw.${fields.get(read.name!)} (${describe(v)})`,
            fixes: [fix],
          },
        });
      }
    }
    const text = generate(configDir, all, fields);
    const existing = moduleFiles.text(path) ?? '';
    if (text !== existing) {
      out.push({
        path,
        diagnostic: {
          start: 0,
          end: 0,
          message: `generate package ${configDir} with ${all.length} environment variables`,
          fixes: [{ message: `write ${configDir}/config.go`, edits: [{ start: 0, end: existing.length, text }] }],
        },
      });
    }
    return out;
  },
});

/** What the call sites' edits depend on besides the file: the config's import path, each variable's field, the module's files. */
interface SiteContext {
  importPath: string;
  fields: ReadonlyMap<string, string>;
  moduleFiles: ModuleFiles;
}

/** The call sites' edits: each read becomes a field of the config, the import follows. */
function siteEdits(file: GoFile, reads: readonly EnvRead[], { importPath, fields, moduleFiles }: SiteContext): Edit[] {
  const own = packageName(importPath);
  // The import's name must be free in the file and in its package (`type config struct` in
  // another file clashes too), so any use of the word other than as a qualifier counts; a
  // neighbour of another package (a generator, an external test) has names of its own. As a
  // qualifier, the word may be another package the file imports by that name (coredns's
  // route53 plugin imports aws-sdk-go-v2/config).
  const word = new RegExp(`(?<![\\p{L}\\p{N}_./])${own}(?![\\p{L}\\p{N}_/]|\\s*\\.)`, 'u');
  const dir = dirname(file.path);
  const filePackage = packageClause(file.text);
  const clash =
    file.importPaths(own).some((path) => path !== importPath) ||
    moduleFiles
      .goFilesIn(dir)
      .map((f) => (f === basename(file.path) ? file.text : (moduleFiles.text(join(dir, f)) ?? '')))
      .some((text) => packageClause(text) === filePackage && word.test(text));
  const pkg = clash ? `env${own}` : own;
  const edits: Edit[] = reads.map((r) => {
    const raw = `${pkg}.Get().Raw.${fields.get(r.name!)}`;
    return { start: r.call.startIndex, end: r.call.endIndex, text: r.kind === 'Getenv' ? raw : `${raw}, ${raw}Set` };
  });
  const name = clash ? pkg : undefined;
  const osUnused = file.importNames('os').every(
    (os) =>
      !usesPackage(
        file,
        os,
        reads.map((r) => r.call),
      ),
  );
  // An `import "os"` of its own that goes is replaced by the config's; in a block, os's line goes and the config joins its group.
  const lone = file.root
    .descendantsOfType('import_spec')
    .some((s) => s.childForFieldName('path')?.text === '"os"' && s.parent?.type === 'import_declaration');
  // A package whose constant named a variable (`os.Getenv(names.Home)`) goes too where nothing
  // else uses it: the config's import takes its place (in its group, as gofmt sorts it).
  const qualifiers = new Set(
    reads.flatMap((r) => {
      const arg = children(r.call.childForFieldName('arguments'))[0];
      const operand = arg?.type === 'selector_expression' ? arg.childForFieldName('operand') : undefined;
      return operand && operand.text !== 'os' && file.isPackageName(operand) ? [operand.text] : [];
    }),
  );
  const gone = [...qualifiers]
    .filter(
      (q) =>
        !usesPackage(
          file,
          q,
          reads.map((r) => r.call),
        ),
    )
    .flatMap((q) => file.importPaths(q));
  const imports =
    gone.length > 0
      ? [
          replaceImport(file, gone[0]!, importPath, name),
          ...gone.slice(1).map((path) => removeImport(file, path)),
          osUnused ? removeImport(file, 'os') : undefined,
        ]
      : osUnused && lone
        ? [replaceImport(file, 'os', importPath, name)]
        : [addImport(file, importPath, name), osUnused ? removeImport(file, 'os') : undefined];
  return [...edits, ...imports.filter((e): e is Edit => e !== undefined)];
}
