import fc from 'fast-check';
import type { OutgoingMessage } from '../event-bus.port';
import {
  SEGMENT_HEADER_BYTES,
  checkFrame,
  decodeFrame,
  decodeSegmentHeader,
  encodeRecords,
  encodeSegmentHeader,
} from './segment-record.codec';

const messageArb: fc.Arbitrary<OutgoingMessage> = fc.record(
  {
    key: fc.string({ unit: 'binary', maxLength: 40 }),
    value: fc.uint8Array({ maxLength: 300 }),
    headers: fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 30 }), {
      maxKeys: 4,
    }),
  },
  { requiredKeys: ['value'] },
);

const utf8RoundTrip = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/** Splits a buffer of frames back into messages with the checker and decoder. */
function decodeAll(buf: Buffer) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    const check = checkFrame(buf, pos);
    if (check.kind !== 'ok') throw new Error(`unexpected ${check.kind} at ${pos}`);
    out.push({ check, message: decodeFrame(buf, pos, 't') });
    pos += check.frameBytes;
  }
  return out;
}

describe('segment record codec', () => {
  it('round-trips any messages: offsets, one timestamp, key, headers, value, end-of-batch flag', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.integer({ min: 0, max: 2 ** 50 }),
        (messages, baseOffset, timestamp) => {
          const { buffer, frameStarts } = encodeRecords(messages, baseOffset, timestamp);
          const decoded = decodeAll(buffer);
          expect(decoded).toHaveLength(messages.length);
          decoded.forEach(({ check, message }, i) => {
            expect(frameStarts[i]).toBe(i === 0 ? 0 : frameStarts[i - 1] + decoded[i - 1].check.frameBytes);
            expect(check.kind === 'ok' && check.endOfBatch).toBe(i === messages.length - 1);
            expect(message.offset).toBe(baseOffset + i);
            expect(message.timestamp).toBe(timestamp);
            const key = messages[i].key;
            expect(message.key).toBe(key === undefined ? undefined : utf8RoundTrip(key));
            expect(Buffer.from(message.value).equals(Buffer.from(messages[i].value))).toBe(true);
            // Lone surrogates become U+FFFD in UTF-8, as everywhere else.
            const expectedHeaders = Object.fromEntries(
              Object.entries(messages[i].headers ?? {}).map(([k, v]) => [utf8RoundTrip(k), utf8RoundTrip(v)]),
            );
            expect(message.headers).toEqual(expectedHeaders);
          });
        },
      ),
    );
  });

  it('detects any single corrupted byte of a frame', () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (message, at, xor) => {
        const { buffer } = encodeRecords([message], 7, 1_700_000_000_000);
        const position = at % buffer.length;
        buffer[position] ^= xor;
        const check = checkFrame(buffer, 0);
        expect(check.kind).not.toBe('ok');
      }),
    );
  });

  it('reports a frame cut short as incomplete, not corrupt', () => {
    const { buffer } = encodeRecords([{ value: new Uint8Array(100) }], 0, 1);
    for (const cut of [0, 3, 8, 20, buffer.length - 1]) {
      expect(checkFrame(buffer.subarray(0, cut), 0).kind).toBe('incomplete');
    }
  });

  it('keeps a "__proto__" header as an ordinary header', () => {
    const { buffer } = encodeRecords(
      [{ value: new Uint8Array(1), headers: JSON.parse('{"__proto__":"x","a":"b"}') }],
      0,
      1,
    );
    const message = decodeFrame(buffer, 0, 't');
    expect(Object.keys(message.headers)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(message.headers)).toBe(Object.prototype);
  });

  it('writes and recognises segment headers', () => {
    const header = encodeSegmentHeader(2 ** 40 + 5);
    expect(header).toHaveLength(SEGMENT_HEADER_BYTES);
    expect(decodeSegmentHeader(header)).toBe(2 ** 40 + 5);
    expect(decodeSegmentHeader(header.subarray(0, 10))).toBeUndefined();
    expect(decodeSegmentHeader(Buffer.alloc(SEGMENT_HEADER_BYTES))).toBeUndefined();
  });
});
