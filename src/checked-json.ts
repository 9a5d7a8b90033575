// Reading JSON another process or an earlier run wrote (a child goprod's report, the records
// --resume reads back): the parsed value is checked against the shape its reader relies on
// before it is typed, so a file that is not what it should be is an error that says where,
// not a wrong value further on.

/** Checks a parsed value at `at` (a path such as `findings[3].file`) and returns it typed; throws JsonShapeError. */
export type Check<T> = (value: unknown, at: string) => T;

export class JsonShapeError extends Error {}

function fail(at: string, expected: string, value: unknown): never {
  throw new JsonShapeError(
    `${at || 'the document'}: expected ${expected}, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
  );
}

export const string: Check<string> = (v, at) => (typeof v === 'string' ? v : fail(at, 'a string', v));
export const number: Check<number> = (v, at) => (typeof v === 'number' ? v : fail(at, 'a number', v));
export const boolean: Check<boolean> = (v, at) => (typeof v === 'boolean' ? v : fail(at, 'true or false', v));

/** One of a few strings or numbers. */
export function oneOf<const T extends string | number>(...values: T[]): Check<T> {
  return (v, at) => (values.includes(v as T) ? (v as T) : fail(at, values.map((x) => JSON.stringify(x)).join(' or '), v));
}

/** A value any of the checks admits (the first that does gives it). */
export function anyOf<T>(...checks: Array<Check<T>>): Check<T> {
  return (v, at) => {
    for (const check of checks) {
      try {
        return check(v, at);
      } catch (e) {
        if (!(e instanceof JsonShapeError)) throw e;
      }
    }
    return fail(at, `one of ${checks.length} shapes`, v);
  };
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, at) => (v === undefined ? undefined : check(v, at));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, at) => (v === null ? null : check(v, at));
}

export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v, at) => (Array.isArray(v) ? v.map((item, i) => check(item, `${at}[${i}]`)) : fail(at, 'an array', v));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object whose values are all of one shape. */
export function recordOf<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, at) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, check(x, `${at}.${k}`)])) : fail(at, 'an object', v);
}

type Checked<S> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

/**
 * An object with these fields (others are kept, unchecked). The result is the value itself,
 * not a copy: its key order, which the JSON documents keep, stays as it was.
 */
export function object<S extends Record<string, Check<unknown>>>(shape: S): Check<Checked<S>> {
  return (v, at) => {
    if (!isObject(v)) return fail(at, 'an object', v);
    for (const [key, check] of Object.entries(shape)) check(v[key], at ? `${at}.${key}` : key);
    return v as Checked<S>;
  };
}

/** JSON text parsed and checked; a SyntaxError or JsonShapeError when it is not of that shape. */
export function parseChecked<T>(text: string, check: Check<T>): T {
  return check(JSON.parse(text), '');
}
