import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RandomSource } from '@accord/protocol';
import { DataPlaneError } from '../../errors/data-plane.errors';
import {
  decodeSegmentHeader,
  encodeSegmentHeader,
  newSegmentHeader,
  SEGMENT_HEADER_BYTES,
  SegmentHeader,
} from '../segment-header.codec';
import { decryptSegment, encryptSegment } from '../segment.crypto';
import { ciphertextSize, segmentCiphertextOffset, segmentCount, segmentPlaintextSize } from '../segment.layout';

/** A 32-byte data key derived from `seed`, so tests get distinct keys without randomness. */
export function testKey(seed = 0): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

/** A deterministic RandomSource: bytes seed, seed+1, ... */
export function countingRandom(seed: number): RandomSource {
  return (length) => Uint8Array.from({ length }, (_, i) => (seed + i) & 0xff);
}

/** Segment i's plaintext, cut straight from the whole plaintext by the layout formulas. */
export function segmentSlice(header: SegmentHeader, plaintext: Uint8Array, index: number): Uint8Array {
  const start = index * header.segmentSize;
  return plaintext.subarray(start, start + segmentPlaintextSize(header, index));
}

/** The plain composition of the format: header, then every segment sealed one by one. */
export function sealObject(
  key: Uint8Array,
  plaintext: Uint8Array,
  segmentSize: number,
  random: RandomSource = countingRandom(0xa0),
): { header: SegmentHeader; sealed: Buffer } {
  const header = newSegmentHeader(plaintext.length, { segmentSize, random });
  const segments = Array.from({ length: segmentCount(header) }, (_, i) =>
    encryptSegment(key, header, i, segmentSlice(header, plaintext, i)),
  );
  return { header, sealed: Buffer.concat([encodeSegmentHeader(header), ...segments]) };
}

/** Reads a whole sealed object back: header, length check, then every segment authenticated. */
export function openObject(key: Uint8Array, sealed: Uint8Array): Buffer {
  const header = decodeSegmentHeader(sealed.subarray(0, SEGMENT_HEADER_BYTES));
  if (sealed.length !== ciphertextSize(header)) {
    throw new DataPlaneError(
      'segment.truncated',
      `sealed object is ${sealed.length} bytes, not ${ciphertextSize(header)}`,
    );
  }
  return Buffer.concat(
    Array.from({ length: segmentCount(header) }, (_, i) => {
      const offset = segmentCiphertextOffset(header, i);
      return decryptSegment(key, header, i, sealed.subarray(offset, offset + segmentPlaintextSize(header, i) + 16));
    }),
  );
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed) into consecutive pieces. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b);
  const edges = [0, ...points, bytes.length];
  return edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
}

/** Runs `chunks` through `transform` and returns every output chunk. */
export async function runTransform(transform: Transform, chunks: readonly Uint8Array[]): Promise<Buffer[]> {
  const output: Buffer[] = [];
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) output.push(chunk);
  });
  return output;
}

/** The stable code of the DataPlaneError `work` throws, or undefined when it throws none. */
export function errorCode(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (error instanceof DataPlaneError) return error.code;
    throw error;
  }
}
