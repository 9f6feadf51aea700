import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as fc from 'fast-check';
import { DataPlaneError, DataPlaneErrorCode } from '../errors/data-plane.errors';
import { ByterangesParser, ByterangesPart, byterangesStream } from './byteranges.parser';
import {
  boundaryOf,
  byterangesContentType,
  byterangesTrailer,
  chunkPartEnd,
  chunkPartHead,
  ChunkPartHead,
  newBoundary,
} from './chunk-part.codec';

const BOUNDARY = 'accord-3d6f0e';
const hash = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);

interface TestPart extends ChunkPartHead {
  readonly data: Buffer;
}

/** Cuts an object into chunks and gives each a made-up proof, as the provider would frame them. */
function chunkParts(object: Buffer, chunkSize: number): TestPart[] {
  const chunkCount = Math.max(1, Math.ceil(object.length / chunkSize));
  return Array.from({ length: chunkCount }, (_, index) => {
    const start = index * chunkSize;
    const end = Math.min(object.length, start + chunkSize) - 1;
    const proof = chunkCount === 1 ? [] : Array.from({ length: (index % 3) + 1 }, (__, k) => hash(index + k));
    return { start, end, total: object.length, index, chunkCount, proof, data: object.subarray(start, end + 1) };
  });
}

function body(parts: readonly TestPart[], boundary = BOUNDARY): Buffer {
  return Buffer.concat([
    ...parts.flatMap((part) => [chunkPartHead(boundary, part), part.data, chunkPartEnd()]),
    byterangesTrailer(boundary),
  ]);
}

function parseAll(bytes: Buffer, splits: readonly number[] = [], boundary = BOUNDARY): ByterangesPart[] {
  const parser = new ByterangesParser(boundary);
  const parts: ByterangesPart[] = [];
  let from = 0;
  for (const at of [...splits].sort((a, b) => a - b)) {
    parts.push(...parser.push(bytes.subarray(from, at)));
    from = at;
  }
  parts.push(...parser.push(bytes.subarray(from)));
  parser.end();
  return parts;
}

function codeOf(run: () => unknown): DataPlaneErrorCode | 'ok' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof DataPlaneError) return error.code;
    throw error;
  }
}

const object = Buffer.from('The quick brown fox jumps over the lazy dog.\r\n--accord-3d6f0e\r\n inside the data');
const parts = chunkParts(object, 16);

describe('chunk part framing', () => {
  it('writes the head of a part exactly', () => {
    const head = chunkPartHead(BOUNDARY, {
      start: 16,
      end: 31,
      total: 83,
      index: 1,
      chunkCount: 6,
      proof: [hash(1), hash(2)],
    });
    expect(head.toString('latin1')).toBe(
      '--accord-3d6f0e\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 16-31/83\r\n' +
        `Accord-Chunk: index=1; count=6; proof=${hash(1)},${hash(2)}\r\n\r\n`,
    );
  });

  it('writes an empty proof for a one-chunk object and closes the body', () => {
    const head = chunkPartHead(BOUNDARY, { start: 0, end: 4, total: 5, index: 0, chunkCount: 1, proof: [] });
    expect(head.toString('latin1')).toContain('Accord-Chunk: index=0; count=1; proof=\r\n\r\n');
    expect(byterangesTrailer(BOUNDARY).toString('latin1')).toBe('--accord-3d6f0e--\r\n');
  });

  it.each<[string, Partial<ChunkPartHead>]>([
    ['start after end', { start: 5, end: 4 }],
    ['end at total', { end: 5, total: 5 }],
    ['index at count', { index: 1, chunkCount: 1 }],
    ['negative start', { start: -1 }],
    ['fractional total', { total: 5.5 }],
    ['upper-case proof', { proof: ['AB'.repeat(32)] }],
    ['short proof hash', { proof: ['ab'] }],
    ['part over 16 MiB', { start: 0, end: 16 * 1024 * 1024, total: 17 * 1024 * 1024 }],
  ])('refuses a head with %s', (_, change) => {
    const part = { start: 0, end: 4, total: 5, index: 0, chunkCount: 1, proof: [], ...change };
    expect(codeOf(() => chunkPartHead(BOUNDARY, part))).toBe('byteranges.invalid_argument');
  });

  it('draws boundaries from the random source', () => {
    const boundary = newBoundary((n) => new Uint8Array(n).fill(0xab));
    expect(boundary).toBe(`accord-${'ab'.repeat(24)}`);
    expect(boundaryOf(byterangesContentType(boundary))).toBe(boundary);
  });

  it.each([
    ['multipart/byteranges; boundary=abc', 'abc'],
    ['Multipart/ByteRanges;BOUNDARY="a b:c"', 'a b:c'],
    ['multipart/byteranges ; charset=x ; boundary="q\\:x"', 'q:x'],
    ['multipart/byteranges;;boundary=z', 'z'],
  ])('reads the boundary of %j', (contentType, boundary) => {
    expect(boundaryOf(contentType)).toBe(boundary);
  });

  it.each([
    'multipart/mixed; boundary=abc',
    'multipart/byteranges',
    'multipart/byteranges; boundary=',
    'multipart/byteranges; boundary=a; boundary=b',
    'multipart/byteranges; boundary="ends in space "',
    `multipart/byteranges; boundary=${'x'.repeat(71)}`,
    'multipart/byteranges; boundary=a b',
    'multipart/byteranges; boundary="unterminated',
  ])('refuses the content type %j', (contentType) => {
    expect(codeOf(() => boundaryOf(contentType))).toBe('byteranges.malformed');
  });
});

describe('ByterangesParser', () => {
  it('reads every part, even with the boundary inside the chunk bytes', () => {
    const read = parseAll(body(parts));
    expect(read.map((p) => p.data.toString('latin1')).join('')).toBe(object.toString('latin1'));
    expect(read.map(({ data: _, ...head }) => head)).toEqual(parts.map(({ data: _, ...head }) => head));
  });

  it('round-trips any chunking, read in any split', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.integer({ min: 1, max: 700 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bytes, chunkSize, cuts) => {
          const written = chunkParts(Buffer.from(bytes), chunkSize);
          const encoded = body(written);
          const read = parseAll(
            encoded,
            cuts.map((cut) => cut % (encoded.length + 1)),
          );
          expect(read).toEqual(
            written.map((part) => ({ ...part, proof: [...part.proof], data: Buffer.from(part.data) })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads one byte at a time', () => {
    const encoded = body(parts);
    const parser = new ByterangesParser(BOUNDARY);
    const read = [...encoded].flatMap((byte) => parser.push(Uint8Array.of(byte)));
    parser.end();
    expect(Buffer.concat(read.map((p) => p.data))).toEqual(object);
  });

  it('works as an object-mode Transform', async () => {
    const read: ByterangesPart[] = [];
    await pipeline(
      Readable.from([body(parts)]),
      byterangesStream(BOUNDARY),
      async (source: AsyncIterable<ByterangesPart>) => {
        for await (const part of source) read.push(part);
      },
    );
    expect(read).toHaveLength(parts.length);
    await expect(
      pipeline(
        Readable.from([body(parts).subarray(0, 40)]),
        byterangesStream(BOUNDARY),
        async (source: AsyncIterable<unknown>) => {
          for await (const _ of source);
        },
      ),
    ).rejects.toMatchObject({ code: 'byteranges.malformed' });
  });

  describe('refuses malformed bodies', () => {
    const good = body(parts).toString('latin1');
    const firstHead = chunkPartHead(BOUNDARY, parts[0] as TestPart).toString('latin1');
    const replaceHead = (head: string): string => good.replace(firstHead, head);
    const range = `bytes 0-15/${object.length}`;
    const chunk = `index=0; count=${parts.length}`;
    const cases: Array<[string, string]> = [
      ['a preamble', `preamble\r\n${good}`],
      ['trailing garbage', `${good}x`],
      ['an epilogue line', `${good}\r\n`],
      ['another boundary', good.replaceAll(BOUNDARY, 'accord-other')],
      ['no CRLF after the close delimiter', good.slice(0, -2)],
      ['no part at all', `--${BOUNDARY}--\r\n`],
      ['padding after a delimiter', good.replace(`--${BOUNDARY}\r\n`, `--${BOUNDARY} \r\n`)],
      [
        'a part one byte short',
        good.replace(parts[0]?.data.toString('latin1') as string, parts[0]?.data.toString('latin1').slice(1) as string),
      ],
      ['missing Content-Range', replaceHead(firstHead.replace(/Content-Range: [^\r]*\r\n/, ''))],
      ['missing Accord-Chunk', replaceHead(firstHead.replace(/Accord-Chunk: [^\r]*\r\n/, ''))],
      ['missing Content-Type', replaceHead(firstHead.replace(/Content-Type: [^\r]*\r\n/, ''))],
      ['another Content-Type', replaceHead(firstHead.replace('application/octet-stream', 'text/plain'))],
      ['a repeated field', replaceHead(firstHead.replace('\r\n\r\n', `\r\nContent-Range: ${range}\r\n\r\n`))],
      ['a bad field line', replaceHead(firstHead.replace('\r\n\r\n', '\r\nno colon here\r\n\r\n'))],
      ['obsolete line folding', replaceHead(firstHead.replace('\r\n\r\n', '\r\n folded\r\n\r\n'))],
      ['no header fields', replaceHead(`--${BOUNDARY}\r\n\r\n`)],
      ['an unsatisfied range', replaceHead(firstHead.replace(range, `bytes */${object.length}`))],
      ['end before start', replaceHead(firstHead.replace(range, `bytes 15-0/${object.length}`))],
      ['end beyond total', replaceHead(firstHead.replace(range, 'bytes 0-15/15'))],
      ['leading zeros', replaceHead(firstHead.replace(range, `bytes 0-015/${object.length}`))],
      ['index not below count', replaceHead(firstHead.replace(chunk, `index=${parts.length}; count=${parts.length}`))],
      ['a short proof hash', replaceHead(firstHead.replace(/proof=[0-9a-f]+/, 'proof=abcd'))],
      ['a trailing comma in the proof', replaceHead(firstHead.replace(/(proof=[0-9a-f]+)/, '$1,'))],
      ['another separator', replaceHead(firstHead.replace(chunk, chunk.replace('; ', ';')))],
      ['a different total', replaceHead(firstHead.replace(range, `bytes 0-15/${object.length + 1}`))],
      ['a different count', replaceHead(firstHead.replace(chunk, `index=0; count=${parts.length + 1}`))],
    ];
    it.each(cases)('%s', (_, text) => {
      expect(text).not.toBe(good);
      expect(codeOf(() => parseAll(Buffer.from(text, 'latin1')))).toBe('byteranges.malformed');
    });

    it('an early end anywhere', () => {
      const encoded = body(parts);
      for (let cut = 0; cut < encoded.length; cut += 1) {
        expect(codeOf(() => parseAll(encoded.subarray(0, cut)))).toBe('byteranges.malformed');
      }
    });

    it('a part larger than the limit, before buffering it', () => {
      const parser = new ByterangesParser(BOUNDARY, { maxPartBytes: 15 });
      expect(codeOf(() => parser.push(chunkPartHead(BOUNDARY, parts[0] as TestPart)))).toBe('byteranges.malformed');
    });

    it('a header block over the limit, even without its end', () => {
      const parser = new ByterangesParser(BOUNDARY);
      parser.push(Buffer.from(`--${BOUNDARY}\r\nX-Filler: `));
      expect(codeOf(() => parser.push(Buffer.alloc(16 * 1024, 0x61)))).toBe('byteranges.malformed');
    });

    it('a header block of exactly the limit is read', () => {
      const head = chunkPartHead(BOUNDARY, parts[0] as TestPart).toString('latin1');
      const headerBlock = head.slice(`--${BOUNDARY}\r\n`.length, -4);
      const filler = `\r\nX-Filler: ${'a'.repeat(16 * 1024 - headerBlock.length - '\r\nX-Filler: '.length)}`;
      const text = body(parts).toString('latin1').replace(head, `--${BOUNDARY}\r\n${headerBlock}${filler}\r\n\r\n`);
      expect(parseAll(Buffer.from(text, 'latin1'))).toHaveLength(parts.length);
      const over = text.replace('X-Filler: a', 'X-Filler: aa');
      expect(codeOf(() => parseAll(Buffer.from(over, 'latin1')))).toBe('byteranges.malformed');
    });

    it('everything after a failure', () => {
      const parser = new ByterangesParser(BOUNDARY);
      expect(codeOf(() => parser.push(Buffer.from('garbage')))).toBe('byteranges.malformed');
      expect(codeOf(() => parser.push(body(parts)))).toBe('byteranges.malformed');
      expect(codeOf(() => parser.end())).toBe('byteranges.malformed');
    });

    it('any corruption of the framing', () => {
      const encoded = body(parts);
      // Byte offsets that belong to framing (not chunk data): changing any of them must be refused or caught.
      const framing: number[] = [];
      let at = 0;
      for (const part of parts) {
        const headLength = chunkPartHead(BOUNDARY, part).length;
        for (let i = 0; i < headLength; i += 1) framing.push(at + i);
        at += headLength + part.data.length;
        framing.push(at, at + 1);
        at += 2;
      }
      for (let i = at; i < encoded.length; i += 1) framing.push(i);
      fc.assert(
        fc.property(fc.constantFrom(...framing), fc.integer({ min: 1, max: 255 }), (offset, delta) => {
          const corrupted = Buffer.from(encoded);
          const original = encoded[offset] as number;
          corrupted[offset] = (original + delta) % 256;
          // Field names are case-insensitive, and optional whitespace may be a space or a tab (RFC 9110 OWS): neither change is a corruption.
          const changed = corrupted[offset] as number;
          fc.pre(String.fromCharCode(changed).toLowerCase() !== String.fromCharCode(original).toLowerCase());
          fc.pre(!(original === 0x20 && changed === 0x09));
          const outcome = codeOf(() => parseAll(corrupted));
          // A corrupted digit or hash may still parse; then it must not read back as the original.
          if (outcome === 'ok') expect(parseAll(corrupted)).not.toEqual(parseAll(encoded));
          else expect(outcome).toBe('byteranges.malformed');
        }),
        { numRuns: 2000 },
      );
    });
  });
});
