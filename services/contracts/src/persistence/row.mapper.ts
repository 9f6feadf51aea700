import { CorruptStateError } from '../contracts.errors';

/** bigint/integer column (pg returns bigint as a string) to a safe integer. */
export function toInt(value: string | number | null | undefined, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === null || value === undefined || !Number.isSafeInteger(n)) {
    throw new CorruptStateError(`${what} is not a safe integer: ${String(value)}`);
  }
  return n;
}

/** A JSON text column value (NULL for null/undefined). */
export function toJsonText(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CorruptStateError(`${what} is not JSON`);
  }
}
