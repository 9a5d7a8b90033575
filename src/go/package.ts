// What the files of one package declare that a codemod looking at one file needs to know:
// the methods of each type and the results of each function. Plain data, so the per-file
// analysis stays a pure function of its inputs.
import { children, type SyntaxNode } from '../parser.js';
import { resultSlots } from './syntax.js';

export interface PackageIndex {
  /** `Type.Method` (pointer receivers too) → the number of results. */
  methods: Record<string, number>;
  /** Top-level function → its result types as written. */
  functions: Record<string, string[]>;
  /** Package-level variables that are errors: declared `error`, or made by errors.New or fmt.Errorf. */
  errorVars: Record<string, boolean>;
}

export function emptyPackageIndex(): PackageIndex {
  return { methods: {}, functions: {}, errorVars: {} };
}

/** Adds what one file of the package declares. */
export function indexFile(index: PackageIndex, root: SyntaxNode): void {
  for (const spec of children(root).filter((d) => d.type === 'var_declaration').flatMap((d) => d.descendantsOfType('var_spec'))) {
    const values = children(spec.childForFieldName('value'));
    spec.childrenForFieldName('name').forEach((n, i) => {
      // By syntax alone: the file's own imports are not consulted, so an aliased errors package is missed.
      if (spec.childForFieldName('type')?.text === 'error' || /^(errors\.New|fmt\.Errorf)\(/.test(values[i]?.text ?? '')) index.errorVars[n.text] = true;
    });
  }
  for (const decl of children(root)) {
    const name = decl.childForFieldName('name')?.text;
    if (!name) continue;
    if (decl.type === 'method_declaration') {
      const receiver = decl.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
      if (receiver) index.methods[`${receiver}.${name}`] = resultSlots(decl).length;
    } else if (decl.type === 'function_declaration') {
      index.functions[name] = resultSlots(decl).map((s) => s.type.text);
    }
  }
}

/** The named type of an expression's declared type text: `*cluster` → `cluster`. */
export function baseTypeName(type: string): string | undefined {
  return /^\*?([A-Za-z_]\w*)$/.exec(type.trim())?.[1];
}
