import { DataPlaneError } from '../errors/data-plane.errors';

/** 1 MiB: large enough that a GiB object has a 1024-leaf tree, small enough to re-send one cheaply. */
export const DEFAULT_CHUNK_SIZE = 1048576;

/** ceil(size / chunkSize): an empty object has no chunks. */
export function chunkCountOf(size: number, chunkSize: number): number {
  assertSizes(size, chunkSize);
  return Math.ceil(size / chunkSize);
}

/** The chunks holding the inclusive byte range [start, end] of an object of `size` bytes. */
export function chunksCovering(
  range: { start: number; end: number },
  size: number,
  chunkSize: number,
): { first: number; last: number } {
  assertSizes(size, chunkSize);
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= size) {
    throw new DataPlaneError(
      'chunk.invalid_argument',
      `byte range ${String(start)}-${String(end)} is not within an object of ${size} bytes`,
      { start, end, size },
    );
  }
  return { first: Math.floor(start / chunkSize), last: Math.floor(end / chunkSize) };
}

export function assertChunkSize(chunkSize: number): void {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new DataPlaneError(
      'chunk.invalid_argument',
      `chunk size must be a positive integer, got ${String(chunkSize)}`,
    );
  }
}

function assertSizes(size: number, chunkSize: number): void {
  assertChunkSize(chunkSize);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new DataPlaneError(
      'chunk.invalid_argument',
      `object size must be a non-negative integer, got ${String(size)}`,
    );
  }
}
