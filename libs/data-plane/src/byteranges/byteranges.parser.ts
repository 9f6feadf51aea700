import { Transform } from 'node:stream';
import { DataPlaneError } from '../errors/data-plane.errors';
import {
  CHUNK_PART_CONTENT_TYPE,
  ChunkPartHead,
  MAX_CHUNK_PART_BYTES,
  MAX_PART_HEADER_BYTES,
  parseAccordChunk,
  parseContentRange,
} from './chunk-part.codec';

/** One part of the answer: its framing and the chunk bytes (not yet verified against the proof). */
export interface ByterangesPart extends ChunkPartHead {
  readonly proof: string[];
  readonly data: Buffer;
}

export interface ByterangesLimits {
  readonly maxPartBytes?: number;
  readonly maxHeaderBytes?: number;
}

const CRLF = Buffer.from('\r\n', 'latin1');
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;
const FIELD_VALUE = /^[\x20-\x7e\t]*$/;

type State =
  /** Matching a fixed byte string (a delimiter or a CRLF), then moving on. */
  | { readonly kind: 'literal'; readonly bytes: Buffer; matched: number; readonly next: 'delimiter-tail' | 'done' }
  /** After "--boundary": CRLF opens a part, "--" closes the body. */
  | { readonly kind: 'delimiter-tail'; first?: number }
  | { readonly kind: 'headers'; readonly buffer: Buffer; length: number }
  | { readonly kind: 'data'; readonly head: ChunkPartHead; readonly data: Buffer; filled: number }
  | { readonly kind: 'done' };

/**
 * Reads a multipart/byteranges answer (see chunk-part.codec.ts) from body
 * bytes split anywhere. A part's length comes from its Content-Range, so
 * chunk bytes are counted, never scanned for the boundary, and memory
 * stays within one part plus its header block. No preamble or epilogue is
 * allowed, every part needs Content-Type, Content-Range and Accord-Chunk,
 * and all parts must agree on the object size and chunk count. Any
 * departure, or `end()` before the close delimiter, is
 * `byteranges.malformed`; after one the parser refuses everything.
 */
export class ByterangesParser {
  private state: State;
  private failure: DataPlaneError | undefined;
  private partsSeen = 0;
  private total: number | undefined;
  private chunkCount: number | undefined;
  private readonly delimiter: Buffer;
  private readonly maxPartBytes: number;
  private readonly maxHeaderBytes: number;

  constructor(boundary: string, limits: ByterangesLimits = {}) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.maxPartBytes = limits.maxPartBytes ?? MAX_CHUNK_PART_BYTES;
    this.maxHeaderBytes = limits.maxHeaderBytes ?? MAX_PART_HEADER_BYTES;
    // The body opens with the delimiter without its leading CRLF.
    this.state = { kind: 'literal', bytes: this.delimiter.subarray(2), matched: 0, next: 'delimiter-tail' };
  }

  /** Feeds the next body bytes; returns the parts they complete, in order. */
  push(bytes: Uint8Array): ByterangesPart[] {
    if (this.failure) throw this.failure;
    const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const parts: ByterangesPart[] = [];
    try {
      let offset = 0;
      while (offset < input.length) {
        offset += this.step(input.subarray(offset), parts);
      }
    } catch (error) {
      this.failure = error instanceof DataPlaneError ? error : malformed(String(error));
      throw this.failure;
    }
    return parts;
  }

  /** Declares the body complete; throws unless the close delimiter has been read. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.state.kind !== 'done') {
      this.failure = malformed('the body ended before the close delimiter');
      throw this.failure;
    }
  }

  /** Consumes a prefix of `input` in the current state; returns how many bytes it used (at least one). */
  private step(input: Buffer, parts: ByterangesPart[]): number {
    const state = this.state;
    switch (state.kind) {
      case 'literal':
        return this.matchLiteral(state, input);
      case 'delimiter-tail':
        this.readDelimiterTail(state, input[0] as number);
        return 1;
      case 'headers':
        return this.readHeaders(state, input);
      case 'data':
        return this.readData(state, input, parts);
      case 'done':
        throw malformed('bytes after the close delimiter');
    }
  }

  private matchLiteral(state: Extract<State, { kind: 'literal' }>, input: Buffer): number {
    const count = Math.min(state.bytes.length - state.matched, input.length);
    if (!input.subarray(0, count).equals(state.bytes.subarray(state.matched, state.matched + count))) {
      throw malformed(state.next === 'done' ? 'no CRLF after the close delimiter' : 'expected the boundary delimiter');
    }
    state.matched += count;
    if (state.matched === state.bytes.length) {
      this.state = state.next === 'done' ? { kind: 'done' } : { kind: 'delimiter-tail' };
    }
    return count;
  }

  private readDelimiterTail(state: Extract<State, { kind: 'delimiter-tail' }>, byte: number): void {
    if (state.first === undefined) {
      if (byte !== 0x0d && byte !== 0x2d) throw malformed('the delimiter is followed by neither CRLF nor "--"');
      state.first = byte;
      return;
    }
    if (state.first === 0x0d && byte === 0x0a) {
      this.state = { kind: 'headers', buffer: Buffer.alloc(this.maxHeaderBytes + HEADER_END.length), length: 0 };
    } else if (state.first === 0x2d && byte === 0x2d) {
      if (this.partsSeen === 0) throw malformed('the answer has no part');
      this.state = { kind: 'literal', bytes: CRLF, matched: 0, next: 'done' };
    } else {
      throw malformed('the delimiter is followed by neither CRLF nor "--"');
    }
  }

  private readHeaders(state: Extract<State, { kind: 'headers' }>, input: Buffer): number {
    const before = state.length;
    const count = Math.min(input.length, state.buffer.length - before);
    input.copy(state.buffer, before, 0, count);
    state.length += count;
    const filled = state.buffer.subarray(0, state.length);
    if (filled.length >= 2 && filled[0] === 0x0d && filled[1] === 0x0a) throw malformed('a part without header fields');
    const end = filled.indexOf(HEADER_END, Math.max(0, before - (HEADER_END.length - 1)));
    if (end < 0) {
      if (state.length === state.buffer.length)
        throw malformed(`a part header block over ${this.maxHeaderBytes} bytes`);
      return count;
    }
    if (end > this.maxHeaderBytes) throw malformed(`a part header block over ${this.maxHeaderBytes} bytes`);
    this.beginData(parsePartHeaders(filled.subarray(0, end)));
    return end + HEADER_END.length - before;
  }

  private beginData(head: ChunkPartHead): void {
    const length = head.end - head.start + 1;
    if (length > this.maxPartBytes) throw malformed(`a part of ${length} bytes exceeds ${this.maxPartBytes}`);
    if (this.total !== undefined && (head.total !== this.total || head.chunkCount !== this.chunkCount)) {
      throw malformed('parts disagree on the object size or the chunk count');
    }
    this.total = head.total;
    this.chunkCount = head.chunkCount;
    this.state = { kind: 'data', head, data: Buffer.alloc(length), filled: 0 };
  }

  private readData(state: Extract<State, { kind: 'data' }>, input: Buffer, parts: ByterangesPart[]): number {
    const count = Math.min(input.length, state.data.length - state.filled);
    input.copy(state.data, state.filled, 0, count);
    state.filled += count;
    if (state.filled === state.data.length) {
      parts.push({ ...state.head, proof: [...state.head.proof], data: state.data });
      this.partsSeen += 1;
      this.state = { kind: 'literal', bytes: this.delimiter, matched: 0, next: 'delimiter-tail' };
    }
    return count;
  }
}

/** A Transform from body bytes to ByterangesPart objects; errors with `byteranges.malformed`. */
export function byterangesStream(boundary: string, limits?: ByterangesLimits): Transform {
  const parser = new ByterangesParser(boundary, limits);
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback) {
      try {
        for (const part of parser.push(chunk)) this.push(part);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        parser.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** The header block of one part: field lines, names case-insensitive, each field once. */
function parsePartHeaders(block: Buffer): ChunkPartHead {
  const fields = new Map<string, string>();
  for (const line of block.toString('latin1').split('\r\n')) {
    const match = FIELD_LINE.exec(line);
    if (match === null || !FIELD_VALUE.test(match[2] as string))
      throw malformed(`bad part header line ${JSON.stringify(line)}`);
    const name = (match[1] as string).toLowerCase();
    if (fields.has(name)) throw malformed(`part header ${name} given twice`);
    fields.set(name, match[2] as string);
  }
  const contentType = fields.get('content-type');
  if (contentType?.toLowerCase() !== CHUNK_PART_CONTENT_TYPE) {
    throw malformed(`a part's Content-Type must be ${CHUNK_PART_CONTENT_TYPE}`);
  }
  const range = parseContentRange(fields.get('content-range') ?? '');
  if (range === undefined) throw malformed('a part needs a Content-Range "bytes <start>-<end>/<total>"');
  const chunk = parseAccordChunk(fields.get('accord-chunk') ?? '');
  if (chunk === undefined) throw malformed('a part needs an Accord-Chunk "index=<i>; count=<n>; proof=<hex,...>"');
  return { ...range, ...chunk };
}

function malformed(message: string): DataPlaneError {
  return new DataPlaneError('byteranges.malformed', message);
}
