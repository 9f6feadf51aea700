import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { newRecordKey, openRecord, recordAad, sealRecord, type RecordPlace } from './strong-record.cipher';

const place: RecordPlace = { channel: 'alliance', dataset: 'dept-a/residents', record: 'alice' };
const random = (n: number) => randomBytes(n);

describe('strong-mode record encryption', () => {
  it('binds the ciphertext to JCS({channel, dataset, record}) as additional data', () => {
    expect(Buffer.from(recordAad({ record: 'r', dataset: 'd/x', channel: 'c' })).toString()).toBe(
      '{"channel":"c","dataset":"d/x","record":"r"}',
    );
  });

  it('opens what it sealed, for any content (ciphertext = plaintext length + 16-byte tag)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (plaintext) => {
        const key = newRecordKey(random);
        const sealed = sealRecord(key, place, plaintext, random);
        expect(sealed.iv).toMatch(/^[0-9a-f]{24}$/);
        expect(Buffer.from(sealed.ciphertext, 'base64')).toHaveLength(plaintext.length + 16);
        expect(openRecord(key, place, sealed)).toEqual(Buffer.from(plaintext));
      }),
    );
  });

  it('detects any altered byte of the ciphertext or tag', () => {
    const key = newRecordKey(random);
    const sealed = sealRecord(key, place, Buffer.from('{"name":"Alice"}'), random);
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const altered = Buffer.from(bytes);
        altered[at] = (altered[at] as number) ^ flip;
        expect(openRecord(key, place, { ...sealed, ciphertext: altered.toString('base64') })).toBeUndefined();
      }),
    );
  });

  it('does not open under another key, IV or place (a ciphertext cannot pass for another record)', () => {
    const key = newRecordKey(random);
    const sealed = sealRecord(key, place, Buffer.from('a,b\n1,2\n'), random);
    expect(openRecord(newRecordKey(random), place, sealed)).toBeUndefined();
    expect(openRecord(key, place, { ...sealed, iv: '00'.repeat(12) })).toBeUndefined();
    expect(openRecord(key, { ...place, record: 'bob' }, sealed)).toBeUndefined();
    expect(openRecord(key, { ...place, dataset: 'dept-a/other' }, sealed)).toBeUndefined();
    expect(openRecord(key, { ...place, channel: 'other' }, sealed)).toBeUndefined();
    expect(openRecord(key, place, { ...sealed, ciphertext: '' })).toBeUndefined();
  });

  it('draws a fresh key and IV per record from the random source', () => {
    const fixed = (n: number) => new Uint8Array(n).fill(7);
    expect(newRecordKey(fixed)).toEqual(new Uint8Array(32).fill(7));
    expect(sealRecord(newRecordKey(fixed), place, Buffer.from('x'), fixed).iv).toBe('07'.repeat(12));
    expect(() => newRecordKey(() => new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'random.invalid' }));
  });
});
