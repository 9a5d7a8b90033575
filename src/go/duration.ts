// Go durations as a codemod writes them: `10s` of an option becomes `10 * time.Second`.

const UNITS: Readonly<Record<string, string>> = {
  ns: 'Nanosecond',
  us: 'Microsecond',
  µs: 'Microsecond',
  ms: 'Millisecond',
  s: 'Second',
  m: 'Minute',
  h: 'Hour',
};

/**
 * The Go expression of a duration given as time.ParseDuration reads one unit (`10s`, `500ms`,
 * `2m`), calling the time package by `timePkg`; any other text is taken as a Go expression
 * already (`5 * time.Second`, a constant of the package), which verification checks.
 */
export function durationExpression(text: string, timePkg: string): string {
  const m = /^(\d+)(ns|us|µs|ms|s|m|h)$/.exec(text.trim());
  if (!m) return text.trim();
  const unit = `${timePkg}.${UNITS[m[2]!]!}`;
  return m[1] === '1' ? unit : `${m[1]} * ${unit}`;
}
