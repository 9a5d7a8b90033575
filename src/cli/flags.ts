// Parsers of flags that take numbers: a value out of range is a usage error that says what the flag takes.
import { UsageError } from '../errors.js';
import { MAX_SCORE } from '../check/command.js';

export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--push-delay takes seconds (0 or more), not ${JSON.stringify(value)}`);
  return n;
}

export function positiveMinutes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout takes minutes (more than 0), not ${JSON.stringify(value)}`);
  return n;
}

export function minScore(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_SCORE)
    throw new UsageError(`--min-score takes a whole number from 0 to ${MAX_SCORE}, not ${JSON.stringify(value)}`);
  return n;
}

export function threadCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new UsageError(`--threads takes a whole number from 1 to 256, not ${JSON.stringify(value)}`);
  return n;
}
