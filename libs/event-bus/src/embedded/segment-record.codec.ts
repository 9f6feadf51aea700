import { crc32 } from 'node:zlib';
import type { LogMessage, OutgoingMessage } from '../event-bus.port';

/**
 * On-disk format of the embedded log (docs/event-bus.md#embedded-log-format).
 *
 * Segment file `<baseOffset, 20 digits>.log`:
 *   header  : magic "ACCLOG01" (8) | baseOffset u64 BE (8)
 *   frames  : bodyLength u32 BE | crc32(body) u32 BE | body
 *   body    : offset u64 | timestamp u64 (ms) | flags u8 | keyLength i32 (-1 = none) | key utf8
 *             | headerCount u32 | (nameLength u32 | name | valueLength u32 | value)*
 *             | valueLength u32 | value
 * All integers big-endian. The CRC (IEEE CRC-32) covers the whole body.
 * flags bit 0 marks the last record of one publish call: recovery keeps whole
 * publishes only, so a publish is atomic even when a crash tears its write.
 */
export const SEGMENT_MAGIC = Buffer.from('ACCLOG01', 'latin1');
export const SEGMENT_HEADER_BYTES = 16;
export const FRAME_HEADER_BYTES = 8;
const BODY_FIXED_BYTES = 8 + 8 + 1 + 4 + 4 + 4;
const FLAG_END_OF_BATCH = 0x01;
const TWO_POW_32 = 0x1_0000_0000;
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function writeU64(buf: Buffer, value: number, pos: number): void {
  buf.writeUInt32BE(Math.floor(value / TWO_POW_32), pos);
  buf.writeUInt32BE(value >>> 0, pos + 4);
}

function readU64(buf: Buffer, pos: number): number {
  return buf.readUInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

export function encodeSegmentHeader(baseOffset: number): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(header, 0);
  writeU64(header, baseOffset, 8);
  return header;
}

/** Returns the base offset of a valid header, or undefined for a missing or torn one. */
export function decodeSegmentHeader(buf: Buffer): number | undefined {
  if (buf.length < SEGMENT_HEADER_BYTES || !buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return undefined;
  return readU64(buf, 8);
}

export interface EncodedRecords {
  readonly buffer: Buffer;
  /** Start of each frame within `buffer`, for the sparse index. */
  readonly frameStarts: Uint32Array;
}

/** Encodes `messages` as consecutive frames with offsets from `baseOffset`, all stamped `timestamp`. */
export function encodeRecords(
  messages: readonly OutgoingMessage[],
  baseOffset: number,
  timestamp: number,
): EncodedRecords {
  const count = messages.length;
  const keyLengths = new Int32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const { key, headers, value } = messages[i];
    const keyLength = key === undefined ? -1 : Buffer.byteLength(key, 'utf8');
    keyLengths[i] = keyLength;
    let size = FRAME_HEADER_BYTES + BODY_FIXED_BYTES + Math.max(keyLength, 0) + value.byteLength;
    if (headers !== undefined) {
      for (const [name, headerValue] of Object.entries(headers)) {
        size += 8 + Buffer.byteLength(name, 'utf8') + Buffer.byteLength(headerValue, 'utf8');
      }
    }
    total += size;
  }

  const buf = Buffer.allocUnsafe(total);
  const frameStarts = new Uint32Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const { key, headers, value } = messages[i];
    const frameStart = pos;
    frameStarts[i] = frameStart;
    pos += FRAME_HEADER_BYTES;
    const bodyStart = pos;
    writeU64(buf, baseOffset + i, pos);
    writeU64(buf, timestamp, pos + 8);
    buf[pos + 16] = i === count - 1 ? FLAG_END_OF_BATCH : 0;
    buf.writeInt32BE(keyLengths[i], pos + 17);
    pos += 21;
    if (key !== undefined) pos += buf.write(key, pos, 'utf8');
    const headerCountPos = pos;
    pos += 4;
    let headerCount = 0;
    if (headers !== undefined) {
      for (const [name, headerValue] of Object.entries(headers)) {
        const nameLength = buf.write(name, pos + 4, 'utf8');
        buf.writeUInt32BE(nameLength, pos);
        pos += 4 + nameLength;
        const valueLength = buf.write(headerValue, pos + 4, 'utf8');
        buf.writeUInt32BE(valueLength, pos);
        pos += 4 + valueLength;
        headerCount++;
      }
    }
    buf.writeUInt32BE(headerCount, headerCountPos);
    buf.writeUInt32BE(value.byteLength, pos);
    pos += 4;
    buf.set(value, pos);
    pos += value.byteLength;
    buf.writeUInt32BE(pos - bodyStart, frameStart);
    buf.writeUInt32BE(crc32(buf.subarray(bodyStart, pos)), frameStart + 4);
  }
  return { buffer: buf, frameStarts };
}

export type FrameCheck =
  | {
      readonly kind: 'ok';
      readonly offset: number;
      readonly timestamp: number;
      readonly frameBytes: number;
      /** Last record of its publish call. */
      readonly endOfBatch: boolean;
    }
  /** The frame runs past the end of `buf` (need more bytes, or a torn tail at the end of the file). */
  | { readonly kind: 'incomplete'; readonly frameBytes: number | undefined }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Checks the frame at `pos` (framing, CRC, body structure) without materialising it. */
export function checkFrame(buf: Buffer, pos: number): FrameCheck {
  if (buf.length - pos < FRAME_HEADER_BYTES) return { kind: 'incomplete', frameBytes: undefined };
  const bodyLength = buf.readUInt32BE(pos);
  if (bodyLength < BODY_FIXED_BYTES) return { kind: 'corrupt', reason: `body length ${bodyLength} too small` };
  const frameBytes = FRAME_HEADER_BYTES + bodyLength;
  if (buf.length - pos < frameBytes) return { kind: 'incomplete', frameBytes };
  const bodyStart = pos + FRAME_HEADER_BYTES;
  const body = buf.subarray(bodyStart, bodyStart + bodyLength);
  if (crc32(body) !== buf.readUInt32BE(pos + 4)) return { kind: 'corrupt', reason: 'CRC mismatch' };
  if (!bodyStructureValid(body)) return { kind: 'corrupt', reason: 'malformed body' };
  return {
    kind: 'ok',
    offset: readU64(body, 0),
    timestamp: readU64(body, 8),
    frameBytes,
    endOfBatch: (body[16] & FLAG_END_OF_BATCH) !== 0,
  };
}

function bodyStructureValid(body: Buffer): boolean {
  const end = body.length;
  if ((body[16] & ~FLAG_END_OF_BATCH) !== 0) return false;
  let pos = 17;
  const keyLength = body.readInt32BE(pos);
  pos += 4;
  if (keyLength < -1) return false;
  pos += Math.max(keyLength, 0);
  if (pos + 4 > end) return false;
  const headerCount = body.readUInt32BE(pos);
  pos += 4;
  for (let h = 0; h < headerCount; h++) {
    for (let part = 0; part < 2; part++) {
      if (pos + 4 > end) return false;
      pos += 4 + body.readUInt32BE(pos);
    }
  }
  if (pos + 4 > end) return false;
  return pos + 4 + body.readUInt32BE(pos) === end;
}

/**
 * Decodes a frame already validated by `checkFrame`. The value is a view into
 * `buf` (no copy), so keep `buf` immutable afterwards.
 */
export function decodeFrame(buf: Buffer, pos: number, topic: string): LogMessage {
  const bodyStart = pos + FRAME_HEADER_BYTES;
  let p = bodyStart;
  const offset = readU64(buf, p);
  const timestamp = readU64(buf, p + 8);
  const keyLength = buf.readInt32BE(p + 17);
  p += 21;
  let key: string | undefined;
  if (keyLength >= 0) {
    key = buf.toString('utf8', p, p + keyLength);
    p += keyLength;
  }
  const headerCount = buf.readUInt32BE(p);
  p += 4;
  let headers = NO_HEADERS;
  if (headerCount > 0) {
    const entries: [string, string][] = [];
    for (let h = 0; h < headerCount; h++) {
      const nameLength = buf.readUInt32BE(p);
      const name = buf.toString('utf8', p + 4, p + 4 + nameLength);
      p += 4 + nameLength;
      const valueLength = buf.readUInt32BE(p);
      entries.push([name, buf.toString('utf8', p + 4, p + 4 + valueLength)]);
      p += 4 + valueLength;
    }
    // fromEntries defines own properties, so even a "__proto__" header survives.
    headers = Object.fromEntries(entries);
  }
  const valueLength = buf.readUInt32BE(p);
  p += 4;
  const value = buf.subarray(p, p + valueLength);
  return key === undefined
    ? { topic, offset, timestamp, value, headers }
    : { topic, offset, timestamp, key, value, headers };
}
