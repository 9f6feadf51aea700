import * as fc from 'fast-check';
import { ProtocolError } from '../errors/protocol.errors';
import { deterministicRandom } from '../testing/deterministic-random';
import {
  assertEd25519PublicKey,
  ed25519KeyPairFromSeed,
  ed25519Signer,
  generateEd25519KeyPair,
  signEd25519,
  verifyEd25519,
} from './ed25519.crypto';
import { KeyObjectCache } from './key-object.cache';
import { createPublicKey } from 'node:crypto';

// RFC 8032 §7.1, TEST 1 and TEST 2.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('Ed25519', () => {
  it.each(RFC8032)('matches the RFC 8032 vector for public key $publicKey', (v) => {
    const signer = ed25519Signer(v.seed);
    expect(signer.publicKey).toBe(v.publicKey);
    expect(signer.sign(Buffer.from(v.message, 'hex'))).toBe(v.signature);
    expect(signEd25519(v.seed, Buffer.from(v.message, 'hex'))).toBe(v.signature);
    expect(verifyEd25519(v.publicKey, Buffer.from(v.message, 'hex'), v.signature)).toBe(true);
  });

  it.each(RFC8032)('derives the key pair of the RFC 8032 seed $seed', (v) => {
    expect(ed25519KeyPairFromSeed(v.seed)).toEqual({ publicKey: v.publicKey, privateKey: v.seed });
  });

  it('refuses a seed that is not 32 bytes of lower-case hex', () => {
    expect(() => ed25519KeyPairFromSeed(RFC8032[0].seed.slice(2))).toThrow(
      expect.objectContaining({ code: 'hex.wrong_length' }),
    );
    expect(() => ed25519KeyPairFromSeed(RFC8032[0].seed.toUpperCase())).toThrow(
      expect.objectContaining({ code: 'hex.invalid' }),
    );
  });

  it('generates key pairs from the injected random source', () => {
    const a = generateEd25519KeyPair(deterministicRandom('seed'));
    const b = generateEd25519KeyPair(deterministicRandom('seed'));
    const c = generateEd25519KeyPair(deterministicRandom('other'));
    expect(a).toEqual(b);
    expect(a.publicKey).not.toBe(c.publicKey);
    expect(ed25519Signer(a.privateKey).publicKey).toBe(a.publicKey);
    expect(() => generateEd25519KeyPair(() => new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'random.invalid' }),
    );
  });

  it('returns false, never throws, for wrong messages, keys or garbage', () => {
    const [v, other] = RFC8032;
    const msg = Buffer.from(v.message, 'hex');
    expect(verifyEd25519(v.publicKey, Buffer.from('00', 'hex'), v.signature)).toBe(false);
    expect(verifyEd25519(other.publicKey, msg, v.signature)).toBe(false);
    const flipped = (v.signature[0] === '0' ? '1' : '0') + v.signature.slice(1);
    expect(verifyEd25519(v.publicKey, msg, flipped)).toBe(false);
    for (const [key, sig] of [
      ['', v.signature],
      [v.publicKey.toUpperCase(), v.signature],
      [v.publicKey, v.signature.toUpperCase()],
      [v.publicKey.slice(2), v.signature],
      [v.publicKey, v.signature.slice(2)],
      [v.publicKey, `${v.signature}00`],
      ['zz'.repeat(32), v.signature],
      [undefined as unknown as string, null as unknown as string],
    ]) {
      expect(verifyEd25519(key, msg, sig)).toBe(false);
    }
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (key, sig) => {
          expect(verifyEd25519(Buffer.from(key).toString('hex'), msg, Buffer.from(sig).toString('hex'))).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a malformed private key with a typed error', () => {
    expect(() => ed25519Signer('00')).toThrow(ProtocolError);
    expect(() => ed25519Signer('ZZ'.repeat(32))).toThrow(expect.objectContaining({ code: 'hex.invalid' }));
  });

  it('assertEd25519PublicKey accepts real keys and rejects malformed ones', () => {
    expect(() => assertEd25519PublicKey(RFC8032[0].publicKey)).not.toThrow();
    expect(() => assertEd25519PublicKey('00')).toThrow(expect.objectContaining({ code: 'hex.wrong_length' }));
  });
});

describe('KeyObjectCache', () => {
  const key = (hex: string) =>
    createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(hex, 'hex')]),
      format: 'der',
      type: 'spki',
    });

  it('parses each key once and evicts the least recently used beyond its capacity', () => {
    const cache = new KeyObjectCache(2);
    let created = 0;
    const create = (hex: string) => {
      created++;
      return key(hex);
    };
    const [a, b] = RFC8032.map((v) => v.publicKey);
    const c = ed25519Signer('11'.repeat(32)).publicKey;
    cache.get(a, create);
    cache.get(b, create);
    cache.get(a, create); // a becomes most recent
    expect(created).toBe(2);
    cache.get(c, create); // evicts b
    expect(cache.size).toBe(2);
    cache.get(a, create);
    expect(created).toBe(3);
    cache.get(b, create);
    expect(created).toBe(4);
  });
});
