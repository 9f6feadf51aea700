import type { ByteRange } from '@accord/data-plane';
import { RangeNotSatisfiableError } from '../storage-gateway.errors';

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * The range a `Range` header asks for (RFC 9110 §14.1.2), for an object of
 * `size` bytes: undefined when there is no header (the whole object). One
 * range only (`bytes=a-b`, `bytes=a-`, `bytes=-n`); an end beyond the object
 * is clamped. A range that cannot be satisfied, several ranges or another
 * unit answer 416 range_not_satisfiable.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = SINGLE_RANGE.exec(header.trim());
  if (match === null) throw new RangeNotSatisfiableError(size, header);
  const [, first, last] = match;
  if (first === '' && last === '') throw new RangeNotSatisfiableError(size, header);
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw new RangeNotSatisfiableError(size, header);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) throw new RangeNotSatisfiableError(size, header);
  return { start, end };
}

/** The `Content-Range` value of a served range. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
