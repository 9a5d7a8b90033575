// What the files of one package declare that a codemod looking at one file needs to know:
// the methods of each type, the results of each function, the fields of each struct type, the
// package's error variables.
// The index is lazy: a question about a name parses only the files whose text contains it
// (every file that declares the name does), so most files of a package are never parsed.
import { children, type SyntaxNode } from '../engine/parse.js';
import { resultSlots } from './syntax.js';

export interface PackageIndex {
  /** The number of results of `type.method` (pointer receivers too), when a file of the package declares it. */
  methodResults(type: string, method: string): number | undefined;
  /** A top-level function's result types as written, when a file of the package declares it. */
  functionResults(name: string): string[] | undefined;
  /** The result types of the package's methods of this name, when they all agree (whatever their receiver). */
  methodNamedResults(name: string): string[] | undefined;
  /**
   * Whether a package-level variable is an error: declared `error`, made by errors.New or
   * fmt.Errorf, or a value of a package type with an `Error()` method (`StorageErr("…")`,
   * `&PathError{…}`, `T{…}`).
   */
  isErrorVar(name: string): boolean;
  /** The type, as written, of a named field of a struct type the package declares (not of an embedded one). */
  fieldType(type: string, field: string): string | undefined;
}

/** What one file declares at the top level. */
export interface Declarations {
  /** `Type.Method` → the number of results; interface types' methods too. */
  methods: Map<string, number>;
  /** Method name → the result types of each declaration of it (methods with a body). */
  methodsNamed: Map<string, string[][]>;
  functions: Map<string, string[]>;
  /** `Type.field` → the field's type as written. */
  fields: Map<string, string>;
  errorVars: Set<string>;
  /** Package-level variables whose value is a conversion to or composite literal of a named type: name → type. */
  typedVars: Map<string, string>;
}

/** The index of a package without other files. */
export const NO_PACKAGE: PackageIndex = {
  methodResults: () => undefined,
  functionResults: () => undefined,
  methodNamedResults: () => undefined,
  isErrorVar: () => false,
  fieldType: () => undefined,
};

export function declarations(root: SyntaxNode): Declarations {
  const found: Declarations = {
    methods: new Map(),
    methodsNamed: new Map(),
    functions: new Map(),
    fields: new Map(),
    errorVars: new Set(),
    typedVars: new Map(),
  };
  for (const spec of children(root).filter((d) => d.type === 'var_declaration').flatMap((d) => d.descendantsOfType('var_spec'))) {
    const values = children(spec.childForFieldName('value'));
    spec.childrenForFieldName('name').forEach((n, i) => {
      // By syntax alone: the file's own imports are not consulted, so an aliased errors package is missed.
      if (spec.childForFieldName('type')?.text === 'error' || /^(errors\.New|fmt\.Errorf)\(/.test(values[i]?.text ?? ''))
        found.errorVars.add(n.text);
      const type = /^&?([A-Za-z_]\w*)\s*[({]/.exec(values[i]?.text ?? '')?.[1];
      if (type) found.typedVars.set(n.text, type);
    });
  }
  // Interfaces: `type Stream interface { Close() }` says what Close of a Stream returns.
  for (const spec of children(root)
    .filter((d) => d.type === 'type_declaration')
    .flatMap((d) => children(d).filter((s) => s.type === 'type_spec'))) {
    const name = spec.childForFieldName('name')!.text;
    const type = spec.childForFieldName('type');
    if (type?.type === 'interface_type') {
      for (const method of children(type).filter((m) => m.type === 'method_elem'))
        found.methods.set(`${name}.${method.childForFieldName('name')!.text}`, resultSlots(method).length);
    } else if (type?.type === 'struct_type') {
      const list = children(type).find((c) => c.type === 'field_declaration_list');
      for (const field of children(list).filter((f) => f.type === 'field_declaration')) {
        for (const n of field.childrenForFieldName('name'))
          if (n) found.fields.set(`${name}.${n.text}`, field.childForFieldName('type')!.text);
      }
    }
  }
  for (const decl of children(root)) {
    const name = decl.childForFieldName('name')?.text;
    if (!name) continue;
    if (decl.type === 'method_declaration') {
      const receiver = decl.childForFieldName('receiver')?.descendantsOfType('type_identifier')[0]?.text;
      if (receiver) found.methods.set(`${receiver}.${name}`, resultSlots(decl).length);
      found.methodsNamed.set(name, [...(found.methodsNamed.get(name) ?? []), resultSlots(decl).map((s) => s.type.text)]);
    } else if (decl.type === 'function_declaration') {
      found.functions.set(name, resultSlots(decl).map((s) => s.type.text));
    }
  }
  return found;
}

/** A file of the package as the index sees it: its text is read only when a question needs it. */
export interface PackageFile {
  path: string;
  /** The text without BOM; undefined when it cannot be read. */
  text(): string | undefined;
}

/**
 * The index of one package's files (in path order: where two files declare a name, as
 * build-constrained variants do, the last one answers). `declare` parses a file and
 * returns its declarations, or undefined when it does not parse (it then tells nothing).
 */
export class LazyPackageIndex implements PackageIndex {
  private readonly known = new Map<string, Declarations | undefined>();

  constructor(
    private readonly files: readonly PackageFile[],
    private readonly declare: (file: PackageFile, text: string) => Declarations | undefined,
  ) {}

  /** Records a file's declarations from a tree parsed anyway (it is not parsed again). */
  add(path: string, declared: Declarations | undefined): void {
    this.known.set(path, declared);
  }

  methodResults(type: string, method: string): number | undefined {
    return this.last([type, method], (d) => d.methods.get(`${type}.${method}`));
  }

  functionResults(name: string): string[] | undefined {
    return this.last([name], (d) => d.functions.get(name));
  }

  methodNamedResults(name: string): string[] | undefined {
    const all = this.mentioning([name]).flatMap((d) => d.methodsNamed.get(name) ?? []);
    return all.length > 0 && all.every((r) => r.join(',') === all[0]!.join(',')) ? all[0] : undefined;
  }

  isErrorVar(name: string): boolean {
    if (this.mentioning([name]).some((d) => d.errorVars.has(name))) return true;
    // `T(…)` is a conversion, not a call, when T has methods: functions have none.
    const type = this.last([name], (d) => d.typedVars.get(name));
    return type !== undefined && this.methodResults(type, 'Error') === 1;
  }

  fieldType(type: string, field: string): string | undefined {
    return this.last([type, field], (d) => d.fields.get(`${type}.${field}`));
  }

  private last<T>(words: string[], get: (d: Declarations) => T | undefined): T | undefined {
    let answer: T | undefined;
    for (const d of this.mentioning(words)) answer = get(d) ?? answer;
    return answer;
  }

  /** The declarations of the files whose text contains every word, parsing those not known yet. */
  private mentioning(words: readonly string[]): Declarations[] {
    const found: Declarations[] = [];
    for (const file of this.files) {
      if (!this.known.has(file.path)) {
        const text = file.text();
        if (text === undefined) continue;
        if (!words.every((w) => text.includes(w))) continue;
        this.known.set(file.path, this.declare(file, text));
      }
      const d = this.known.get(file.path);
      if (d) found.push(d);
    }
    return found;
  }
}

/** The named type of an expression's declared type text: `*cluster` → `cluster`. */
export function baseTypeName(type: string): string | undefined {
  return /^\*?([A-Za-z_]\w*)$/.exec(type.trim())?.[1];
}
