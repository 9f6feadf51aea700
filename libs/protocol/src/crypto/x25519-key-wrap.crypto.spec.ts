import * as fc from 'fast-check';
import { ProtocolError } from '../errors/protocol.errors';
import { deterministicRandom } from '../testing/deterministic-random';
import {
  generateX25519KeyPair,
  x25519KeyPairFromPrivateKey,
  x25519PrivateKeyObject,
  x25519PublicKey,
} from './x25519.crypto';
import { unwrapDataKey, WrappedKey, wrapDataKey } from './x25519-key-wrap.crypto';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ProtocolError) return error.code;
    throw error;
  }
};

const flipHexBit = (hex: string, bit: number): string => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[(bit >> 3) % bytes.length] ^= 1 << (bit & 7);
  return bytes.toString('hex');
};

describe('X25519 keys', () => {
  it('derives the RFC 7748 §6.1 public keys', () => {
    const alice = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
    const bob = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';
    expect(x25519PublicKey(x25519PrivateKeyObject(alice))).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    expect(x25519PublicKey(x25519PrivateKeyObject(bob))).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    );
  });

  it('derives the key pair of a raw private key (RFC 7748 §6.1) and refuses one that is not 32 bytes of hex', () => {
    const alice = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
    expect(x25519KeyPairFromPrivateKey(alice)).toEqual({
      publicKey: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
      privateKey: alice,
    });
    expect(codeOf(() => x25519KeyPairFromPrivateKey(alice.slice(4)))).toBe('hex.wrong_length');
  });

  it('generates key pairs from the injected random source', () => {
    expect(generateX25519KeyPair(deterministicRandom('x'))).toEqual(generateX25519KeyPair(deterministicRandom('x')));
  });
});

describe('data key wrapping', () => {
  const recipient = generateX25519KeyPair(deterministicRandom('recipient'));
  const stranger = generateX25519KeyPair(deterministicRandom('stranger'));
  const dataKey = Buffer.from('a1'.repeat(32), 'hex');
  const context = { channel: 'health', datasetId: 'ds-1' };

  it('round-trips a data key for the recipient and the same context', () => {
    const wrapped = wrapDataKey(dataKey, recipient.publicKey, context);
    expect(Buffer.from(unwrapDataKey(wrapped, recipient.privateKey, { datasetId: 'ds-1', channel: 'health' }))).toEqual(
      dataKey,
    );
    // A JSON round trip (how wrapped keys travel) changes nothing.
    expect(Buffer.from(unwrapDataKey(JSON.parse(JSON.stringify(wrapped)), recipient.privateKey, context))).toEqual(
      dataKey,
    );
  });

  it('uses fresh ephemeral keys from the random source', () => {
    const a = wrapDataKey(dataKey, recipient.publicKey, context, deterministicRandom('e'));
    const b = wrapDataKey(dataKey, recipient.publicKey, context, deterministicRandom('e'));
    const c = wrapDataKey(dataKey, recipient.publicKey, context);
    expect(a).toEqual(b);
    expect(c.epk).not.toBe(a.epk);
    expect(c.ct).not.toBe(a.ct);
  });

  it('fails with wrap.unwrap_failed for another private key or another context', () => {
    const wrapped = wrapDataKey(dataKey, recipient.publicKey, context);
    expect(codeOf(() => unwrapDataKey(wrapped, stranger.privateKey, context))).toBe('wrap.unwrap_failed');
    expect(codeOf(() => unwrapDataKey(wrapped, recipient.privateKey, { ...context, datasetId: 'ds-2' }))).toBe(
      'wrap.unwrap_failed',
    );
    expect(codeOf(() => unwrapDataKey(wrapped, recipient.privateKey, {}))).toBe('wrap.unwrap_failed');
  });

  it('fails with wrap.unwrap_failed when any bit of epk, ct or tag is flipped', () => {
    const wrapped = wrapDataKey(dataKey, recipient.publicKey, context);
    fc.assert(
      fc.property(fc.constantFrom<'epk' | 'ct' | 'tag'>('epk', 'ct', 'tag'), fc.nat(255), (field, bit) => {
        const tampered: WrappedKey = { ...wrapped, [field]: flipHexBit(wrapped[field], bit) };
        expect(codeOf(() => unwrapDataKey(tampered, recipient.privateKey, context))).toBe('wrap.unwrap_failed');
      }),
      { numRuns: 150 },
    );
  });

  it('rejects malformed input with typed errors', () => {
    const wrapped = wrapDataKey(dataKey, recipient.publicKey, context);
    expect(codeOf(() => wrapDataKey(dataKey.subarray(1), recipient.publicKey, context))).toBe('wrap.invalid');
    expect(codeOf(() => wrapDataKey(dataKey, 'zz', context))).toBe('hex.invalid');
    expect(codeOf(() => wrapDataKey(dataKey, recipient.publicKey, [] as never))).toBe('wrap.invalid');
    expect(codeOf(() => unwrapDataKey({ ...wrapped, extra: 1 }, recipient.privateKey, context))).toBe('wrap.invalid');
    expect(codeOf(() => unwrapDataKey({ ...wrapped, v: 2 }, recipient.privateKey, context))).toBe('wrap.invalid');
    expect(codeOf(() => unwrapDataKey({ ...wrapped, ct: wrapped.ct.slice(2) }, recipient.privateKey, context))).toBe(
      'wrap.invalid',
    );
    expect(codeOf(() => unwrapDataKey('nope', recipient.privateKey, context))).toBe('wrap.invalid');
    expect(codeOf(() => unwrapDataKey(wrapped, '00', context))).toBe('hex.wrong_length');
  });

  it('refuses low-order recipient keys (all-zero shared secret)', () => {
    expect(codeOf(() => wrapDataKey(dataKey, '00'.repeat(32), context))).toBe('key.invalid');
    const wrapped = wrapDataKey(dataKey, recipient.publicKey, context);
    expect(codeOf(() => unwrapDataKey({ ...wrapped, epk: '00'.repeat(32) }, recipient.privateKey, context))).toBe(
      'key.invalid',
    );
  });
});
