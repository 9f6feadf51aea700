import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ed25519Signer, toHex, verifyEd25519 } from '@accord/protocol';
import {
  defaultEd25519NativePath,
  ED25519_NATIVE_ENV,
  loadEd25519Native,
  resolveEd25519Backend,
  type Ed25519Native,
} from './ed25519-native.loader';
import { SignatureVerifierPool, type SignatureCheck } from './signature-verifier.pool';

/** The "Taming the Many EdDSAs" vectors (source named in the file). */
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const VECTORS_FILE = join(REPO_ROOT, 'native', 'ed25519', 'fixtures', 'ed25519-speccheck.cases.json');
/** Ed25519's group order L. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** Encodings of small-order points, canonical and not (x = 0 with the sign bit, y ≥ p), from the vectors and RFC 8032's corner cases. */
const SMALL_ORDER_KEYS = [
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
];

interface Vector {
  readonly index: number;
  readonly message: string;
  readonly pub_key: string;
  readonly signature: string;
}

function nativeVerdict(native: Ed25519Native, key: string, message: Uint8Array, signature: string): boolean {
  const msg = Buffer.from(message);
  const verdicts = native.verifyMany(
    msg,
    msg.length,
    Buffer.from(signature, 'hex'),
    Buffer.from(key, 'hex'),
    native.VerifyMode.Cofactorless,
  );
  return verdicts[0] === 1;
}

/** S + L in place of S: the same equation, a non-canonical encoding (when it still fits 32 bytes). */
function withSPlusL(signature: string): string {
  const s = BigInt(`0x${Buffer.from(signature.slice(64), 'hex').reverse().toString('hex')}`) + L;
  const hex = s.toString(16).padStart(64, '0');
  return hex.length > 64 ? signature : signature.slice(0, 64) + Buffer.from(hex, 'hex').reverse().toString('hex');
}

function flipBit(hex: string, bit: number): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[(bit >> 3) % bytes.length] ^= 1 << (bit & 7);
  return bytes.toString('hex');
}

describe('Ed25519 addon (native/ed25519) against node:crypto', () => {
  const backend = resolveEd25519Backend(undefined);
  if (backend.kind !== 'native')
    throw new Error(`the Ed25519 addon is not built (${backend.reason}): run bash scripts/ensure-deps.sh`);
  const native = loadEd25519Native(backend.path);

  it('gives OpenSSL’s verdict on every edge-case vector of "Taming the Many EdDSAs"', () => {
    const { cases } = JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as { cases: Vector[] };
    expect(cases).toHaveLength(12);
    const node = cases.map((c) => verifyEd25519(c.pub_key, Buffer.from(c.message, 'hex'), c.signature));
    const addon = cases.map((c) => nativeVerdict(native, c.pub_key, Buffer.from(c.message, 'hex'), c.signature));
    expect(addon).toEqual(node);
    // OpenSSL's row of the paper's table: cofactorless, canonical S and R, A hashed as given.
    const V = true;
    const X = false;
    expect(node).toEqual([V, V, V, V, X, X, X, X, X, X, X, V]);
  });

  it('accepts every valid signature node:crypto accepts', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (seed, message) => {
          const signer = ed25519Signer(toHex(seed));
          const signature = signer.sign(message);
          expect(nativeVerdict(native, signer.publicKey, message, signature)).toBe(true);
          expect(verifyEd25519(signer.publicKey, message, signature)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects exactly what node:crypto rejects: corrupted signatures, messages and keys, S + L, random bytes', () => {
    const corruption = fc.oneof(
      fc.record({ kind: fc.constant('sig' as const), bit: fc.nat(511) }),
      fc.record({ kind: fc.constant('msg' as const), bit: fc.nat(255) }),
      fc.record({ kind: fc.constant('key' as const), bit: fc.nat(255) }),
      fc.record({ kind: fc.constant('s+l' as const) }),
      fc.record({ kind: fc.constant('random-key' as const), bytes: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
      fc.record({ kind: fc.constant('random-sig' as const), bytes: fc.uint8Array({ minLength: 64, maxLength: 64 }) }),
      fc.record({ kind: fc.constant('small-order-key' as const), key: fc.constantFrom(...SMALL_ORDER_KEYS) }),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        corruption,
        (seed, message, c) => {
          const signer = ed25519Signer(toHex(seed));
          let key = signer.publicKey;
          let msg = message;
          let sig = signer.sign(message);
          if (c.kind === 'sig') sig = flipBit(sig, c.bit);
          if (c.kind === 'msg') msg = Buffer.from(flipBit(toHex(message), c.bit), 'hex');
          if (c.kind === 'key') key = flipBit(key, c.bit);
          if (c.kind === 's+l') sig = withSPlusL(sig);
          if (c.kind === 'random-key') key = toHex(c.bytes);
          if (c.kind === 'random-sig') sig = toHex(c.bytes);
          if (c.kind === 'small-order-key') key = c.key;
          expect(nativeVerdict(native, key, msg, sig)).toBe(verifyEd25519(key, msg, sig));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('agrees with node:crypto on small-order keys and R with S = 0 (valid for both when R = -hA)', () => {
    for (const key of SMALL_ORDER_KEYS) {
      for (const r of SMALL_ORDER_KEYS) {
        const sig = r + '00'.repeat(32);
        for (let m = 0; m < 8; m++) {
          const message = Buffer.alloc(32, m);
          expect(nativeVerdict(native, key, message, sig)).toBe(verifyEd25519(key, message, sig));
        }
      }
    }
  });

  it('verifies many checks in one call, in order', () => {
    const signer = ed25519Signer('11'.repeat(32));
    const messages = Array.from({ length: 64 }, (_, i) => Buffer.alloc(32, i));
    const signatures = messages.map((m, i) => (i % 3 === 0 ? flipBit(signer.sign(m), i) : signer.sign(m)));
    const verdicts = native.verifyMany(
      Buffer.concat(messages),
      32,
      Buffer.concat(signatures.map((s) => Buffer.from(s, 'hex'))),
      Buffer.concat(messages.map(() => Buffer.from(signer.publicKey, 'hex'))),
      native.VerifyMode.Cofactorless,
    );
    expect([...verdicts]).toEqual(messages.map((_, i) => (i % 3 === 0 ? 0 : 1)));
  });

  it('throws on packed inputs of mismatched sizes', () => {
    expect(() =>
      native.verifyMany(Buffer.alloc(64), 32, Buffer.alloc(64), Buffer.alloc(32), native.VerifyMode.Cofactorless),
    ).toThrow('same number of checks');
  });

  it('gives the pool’s workers node:crypto’s verdicts', async () => {
    const pool = new SignatureVerifierPool({ workers: 2, minChecksPerWorker: 4, nativeAddonPath: backend.path });
    try {
      const signer = ed25519Signer('22'.repeat(32));
      const checks: SignatureCheck[] = [];
      for (let i = 0; i < 64; i++) {
        const message = Buffer.alloc(32, i);
        const signature = signer.sign(message);
        checks.push({ publicKey: signer.publicKey, message, signature });
        checks.push({ publicKey: signer.publicKey, message, signature: flipBit(signature, i * 7) });
        checks.push({ publicKey: SMALL_ORDER_KEYS[i % SMALL_ORDER_KEYS.length], message, signature });
      }
      const answers = await pool.verifyBatch(checks);
      expect(answers).toEqual(checks.map((c) => verifyEd25519(c.publicKey, c.message, c.signature)));
      expect(answers.filter(Boolean)).toHaveLength(64);
    } finally {
      await pool.close();
    }
  });

  it('gives node:crypto’s verdicts inline too (verifyOne on the calling thread), malformed hex and odd message sizes included', async () => {
    const pool = new SignatureVerifierPool({ workers: 0, nativeAddonPath: backend.path });
    try {
      const signer = ed25519Signer('33'.repeat(32));
      const cases: [string, Uint8Array, string][] = [];
      for (let i = 0; i < 32; i++) {
        const message = Buffer.alloc(i % 2 === 0 ? 32 : 5 + i, i);
        const signature = signer.sign(message);
        cases.push([signer.publicKey, message, signature]);
        cases.push([signer.publicKey, message, flipBit(signature, i * 11)]);
        cases.push([SMALL_ORDER_KEYS[i % SMALL_ORDER_KEYS.length], message, signature]);
      }
      const message = Buffer.alloc(32, 1);
      const signature = signer.sign(message);
      cases.push([signer.publicKey.toUpperCase(), message, signature]);
      cases.push([signer.publicKey, message, signature.slice(2)]);
      cases.push(['zz'.repeat(32), message, signature]);
      for (const [key, msg, sig] of cases) expect(pool.verifyOne(key, msg, sig)).toBe(verifyEd25519(key, msg, sig));
      // Batches below a worker's round trip (and a pool without workers) are verified inline the same way.
      const answers = await pool.verifyBatch(
        cases.map(([publicKey, m, s]) => ({ publicKey, message: m, signature: s })),
      );
      expect(answers).toEqual(cases.map(([key, msg, sig]) => verifyEd25519(key, msg, sig)));
    } finally {
      await pool.close();
    }
  });
});

describe('resolveEd25519Backend', () => {
  it('uses node:crypto, without a warning, when told so', () => {
    expect(resolveEd25519Backend('off')).toEqual({
      kind: 'node-crypto',
      reason: `${ED25519_NATIVE_ENV}=off`,
      warn: false,
    });
  });

  it('falls back to node:crypto with a warning when the default build is missing', () => {
    const backend = resolveEd25519Backend(undefined, defaultEd25519NativePath('/nonexistent-home'));
    expect(backend).toMatchObject({ kind: 'node-crypto', warn: true });
  });

  it('throws when an addon named explicitly does not load', () => {
    expect(() => resolveEd25519Backend('/nonexistent/addon.so')).toThrow();
  });
});
