import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import { ed25519Signer } from '../crypto/ed25519.crypto';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalize } from '../json/canonical-json.codec';
import type { JsonValue } from '../json/json.types';
import { protocolJson } from '../testing/json.arbitrary';
import { testMember } from '../testing/test-chain.builder';
import {
  computeTxId,
  encodeEnvelope,
  envelopeOfCanonicalValue,
  parseEnvelope,
  signTx,
  txIdBytesOfCanonicalEnvelope,
  verifyEnvelopeSignature,
} from './tx.codec';
import { TxBody } from './tx.schema';
import { isValidityCode, validityCodeForParseError } from './validity-code';

const alice = testMember('dept-a');
const bob = testMember('dept-b');

const body: TxBody = {
  v: 1,
  channel: 'health',
  type: 'dataset.register',
  from: 'dept-a',
  nonce: 0,
  ts: 1700000000000,
  payload: { name: 'x', tags: ['a', 'b'] },
};

const errorOf = (fn: () => unknown): ProtocolError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
};

const encode = (value: unknown): Buffer => Buffer.from(canonicalize(value), 'utf8');

describe('transactions', () => {
  it('txId is SHA-256 of the canonical body (known answer)', () => {
    const expectedJson =
      '{"channel":"health","from":"dept-a","nonce":0,"payload":{"name":"x","tags":["a","b"]},"ts":1700000000000,"type":"dataset.register","v":1}';
    expect(canonicalize(body)).toBe(expectedJson);
    expect(computeTxId(body)).toBe(createHash('sha256').update(expectedJson).digest('hex'));
  });

  it('signs the 32 txId bytes with Ed25519 and verifies with the signer key only', () => {
    const envelope = signTx(body, alice.signer);
    expect(envelope.sig).toBe(alice.signer.sign(Buffer.from(computeTxId(body), 'hex')));
    expect(signTx(body, alice.keys.ed25519.privateKey)).toEqual(envelope);
    expect(verifyEnvelopeSignature(envelope, alice.keys.ed25519.publicKey)).toBe(true);
    expect(verifyEnvelopeSignature(envelope, bob.keys.ed25519.publicKey)).toBe(false);
    expect(verifyEnvelopeSignature({ ...envelope, body: { ...body, nonce: 1 } }, alice.keys.ed25519.publicKey)).toBe(
      false,
    );
    expect(verifyEnvelopeSignature({ ...envelope, sig: 'ab' }, alice.keys.ed25519.publicKey)).toBe(false);
  });

  it('refuses to sign an invalid body', () => {
    expect(errorOf(() => signTx({ ...body, nonce: -1 }, alice.signer)).code).toBe('tx.invalid');
    expect(errorOf(() => signTx({ ...body, extra: 1 } as TxBody, alice.signer)).code).toBe('tx.invalid');
  });

  it('parses the bytes it encodes and returns the txId', () => {
    const envelope = signTx(body, alice.signer);
    const parsed = parseEnvelope(encodeEnvelope(envelope), { channel: 'health' });
    expect(parsed).toEqual({ envelope, txId: computeTxId(body) });
  });

  describe('parseEnvelope rejects', () => {
    const envelope = signTx(body, alice.signer);
    const withBody = (patch: Record<string, unknown>) => encode({ ...envelope, body: { ...body, ...patch } });

    it.each([
      ['an unknown envelope field', encode({ ...envelope, extra: 1 }), 'tx.invalid'],
      ['an unknown body field', withBody({ extra: 1 }), 'tx.invalid'],
      ['a missing field', encode({ body: { ...body, payload: undefined }, sig: envelope.sig }), 'tx.invalid'],
      ['a bad channel name', withBody({ channel: 'Health' }), 'tx.invalid'],
      ['a channel name too long', withBody({ channel: 'a'.repeat(65) }), 'tx.invalid'],
      ['a bad member id', withBody({ from: '-dept' }), 'tx.invalid'],
      ['a bad type', withBody({ type: 'Dataset.Register' }), 'tx.invalid'],
      ['a type with an empty segment', withBody({ type: 'dataset..register' }), 'tx.invalid'],
      ['a negative nonce', withBody({ nonce: -1 }), 'tx.invalid'],
      ['a string ts', withBody({ ts: '1' }), 'tx.invalid'],
      ['a non-object payload', withBody({ payload: [1] }), 'tx.invalid'],
      ['a short signature', encode({ ...envelope, sig: envelope.sig.slice(2) }), 'tx.invalid'],
      ['an uppercase signature', encode({ ...envelope, sig: envelope.sig.toUpperCase() }), 'tx.invalid'],
      ['a newer protocol version', withBody({ v: 2 }), 'tx.unsupported_version'],
      [
        'a fractional ts',
        Buffer.from(canonicalize(envelope).replace('"ts":1700000000000', '"ts":1700000000000.5')),
        'json.number_not_integer',
      ],
      ['non-canonical JSON', Buffer.from(JSON.stringify(envelope)), 'json.non_canonical'],
      ['garbage', Buffer.from([0xff, 0x00]), 'json.malformed'],
    ])('%s', (_name, bytes, code) => {
      expect(errorOf(() => parseEnvelope(bytes)).code).toBe(code);
    });

    it('a tx larger than maxTxBytes, before parsing it', () => {
      const bytes = encodeEnvelope(envelope);
      expect(errorOf(() => parseEnvelope(bytes, { maxTxBytes: bytes.length - 1 })).code).toBe('tx.too_large');
      expect(parseEnvelope(bytes, { maxTxBytes: bytes.length }).envelope).toEqual(envelope);
      expect(errorOf(() => parseEnvelope(Buffer.alloc(300_000, 0x20))).code).toBe('tx.too_large');
    });

    it('a tx for another channel when one is given', () => {
      expect(errorOf(() => parseEnvelope(encodeEnvelope(envelope), { channel: 'finance' })).code).toBe(
        'tx.wrong_channel',
      );
    });
  });

  it('maps parse errors to validity codes', () => {
    const code = (bytes: Uint8Array, maxTxBytes?: number) =>
      validityCodeForParseError(errorOf(() => parseEnvelope(bytes, { maxTxBytes })));
    const envelope = signTx(body, alice.signer);
    expect(code(encodeEnvelope(envelope), 10)).toBe('too_large');
    expect(code(encode({ ...envelope, body: { ...body, v: 3 } }))).toBe('unsupported_version');
    expect(code(encode({ ...envelope, extra: true }))).toBe('schema_error');
    expect(code(Buffer.from('{'))).toBe('schema_error');
  });

  it('recognises exactly the validity codes', () => {
    expect(isValidityCode('valid')).toBe(true);
    expect(isValidityCode('config_rejected')).toBe(true);
    expect(isValidityCode('VALID')).toBe(false);
    expect(isValidityCode('toString')).toBe(false);
    expect(isValidityCode(1)).toBe(false);
  });

  it('never throws anything but ProtocolError on random input', () => {
    const envelopeText = canonicalize(signTx(body, ed25519Signer('22'.repeat(32))));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .nat(envelopeText.length - 1)
            .chain((at) =>
              fc
                .tuple(fc.constant(at), fc.string({ maxLength: 3 }))
                .map(([i, s]) => Buffer.from(envelopeText.slice(0, i) + s + envelopeText.slice(i + 1))),
            ),
        ),
        (bytes) => {
          try {
            parseEnvelope(bytes);
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  describe('txId from the canonical envelope bytes (fast-check)', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
    const txBody: fc.Arbitrary<TxBody> = fc.record({
      v: fc.constant(1 as const),
      channel: name,
      type: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\.[a-z][a-z0-9_]{0,8}){0,2}$/),
      from: name,
      nonce: fc.maxSafeNat(),
      ts: fc.maxSafeNat(),
      payload: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), protocolJson as fc.Arbitrary<JsonValue>, {
        maxKeys: 5,
      }),
    });
    const sig = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => Buffer.from(b).toString('hex'));

    it('SHA-256 of the body slice is computeTxId of the parsed body, for any body', () => {
      fc.assert(
        fc.property(txBody, sig, (b, s) => {
          const bytes = encodeEnvelope({ body: b, sig: s });
          const parsed = parseEnvelope(bytes, { maxTxBytes: 1024 * 1024 });
          expect(parsed.txId).toBe(computeTxId(b));
          expect(parsed.txId).toBe(computeTxId(parsed.envelope.body));
        }),
        { numRuns: 200 },
      );
    });

    it("falls back to the body's serialisation when the bytes are not the envelope's frame", () => {
      const envelope = signTx(body, alice.signer);
      const txId = computeTxId(body);
      expect(Buffer.from(txIdBytesOfCanonicalEnvelope(encodeEnvelope(envelope), envelope)).toString('hex')).toBe(txId);
      const other = signTx({ ...body, nonce: 7 }, alice.signer);
      expect(Buffer.from(txIdBytesOfCanonicalEnvelope(encodeEnvelope(other), envelope)).toString('hex')).toBe(txId);
      expect(Buffer.from(txIdBytesOfCanonicalEnvelope(new Uint8Array(3), envelope)).toString('hex')).toBe(txId);
    });

    it('envelopeOfCanonicalValue answers as parseEnvelope for a value and its JCS', () => {
      const envelope = signTx(body, alice.signer);
      const bytes = encodeEnvelope(envelope);
      expect(envelopeOfCanonicalValue(envelope, bytes, { channel: 'health' })).toEqual(parseEnvelope(bytes));
      expect(errorOf(() => envelopeOfCanonicalValue(envelope, bytes, { channel: 'other' })).code).toBe(
        'tx.wrong_channel',
      );
      expect(errorOf(() => envelopeOfCanonicalValue(envelope, bytes, { maxTxBytes: 10 })).code).toBe('tx.too_large');
    });
  });
});
