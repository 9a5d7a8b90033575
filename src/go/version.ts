// Go language versions as goprod compares them: "1.21" (patch levels do not change the language).

export type GoVersion = `${number}.${number}`;

/** The version assumed for a module whose go.mod has no go directive, as the go command does. */
export const GO_MOD_DEFAULT: GoVersion = '1.16';

export function parseGoVersion(s: string): GoVersion | undefined {
  const m = /^(?:go)?1\.(\d+)(?:\.\d+|rc\d+|beta\d+)?$/.exec(s.trim());
  return m ? `1.${Number(m[1])}` : undefined;
}

export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  const [, am] = a.split('.').map(Number) as [number, number];
  const [, bm] = b.split('.').map(Number) as [number, number];
  return am - bm;
}

export function atLeast(v: GoVersion, min: GoVersion): boolean {
  return compareGoVersions(v, min) >= 0;
}

/**
 * The minimum Go version a `//go:build` expression implies, when it does so plainly:
 * `go1.22`, or a term of a top-level `&&` chain. Anything else (`||`, `!go1.22`) implies none.
 */
export function buildTagMinimum(expr: string): GoVersion | undefined {
  if (expr.includes('||')) return undefined;
  let min: GoVersion | undefined;
  for (const term of expr.split('&&')) {
    const m = /^\(*\s*go(1\.\d+)\s*\)*$/.exec(term.trim());
    const v = m ? parseGoVersion(m[1]!) : undefined;
    if (v && (!min || compareGoVersions(v, min) > 0)) min = v;
  }
  return min;
}

/**
 * A file's language version, as go/types decides it: the module's, unless a `//go:build`
 * line implies a minimum go1.N; then max(go1.N, go1.21), which may upgrade or downgrade.
 */
export function fileGoVersion(moduleVersion: GoVersion, buildExpr: string | undefined): GoVersion {
  const tag = buildExpr === undefined ? undefined : buildTagMinimum(buildExpr);
  if (!tag) return moduleVersion;
  return atLeast(tag, '1.21') ? tag : '1.21';
}
