import { randomBytes } from 'node:crypto';
import * as fc from 'fast-check';
import { computeTxId, signTx, txIdBytes, verifyEd25519 } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { SignatureVerifierPool, type SignatureCheck } from './signature-verifier.pool';

const a = testMember('dept-a');
const b = testMember('dept-b');

function validCheck(i: number): SignatureCheck {
  const body = { v: 1 as const, channel: 'pool', type: 'test.note', from: a.id, nonce: i, ts: 1, payload: { i } };
  const envelope = signTx(body, a.signer);
  return { publicKey: a.keys.ed25519.publicKey, message: txIdBytes(body), signature: envelope.sig };
}

/** Valid, forged, wrong-key, malformed and odd checks: everything verifyEd25519 must answer. */
function mixedChecks(): SignatureCheck[] {
  const checks: SignatureCheck[] = [];
  for (let i = 0; i < 200; i++) {
    const good = validCheck(i);
    checks.push(good);
    checks.push({ ...good, publicKey: b.keys.ed25519.publicKey }); // another member's key
    checks.push({
      ...good,
      message: Buffer.from(
        computeTxId({ v: 1, channel: 'pool', type: 'x', from: 'y', nonce: i, ts: 1, payload: {} }),
        'hex',
      ),
    });
    const flipped = Buffer.from(good.signature, 'hex');
    flipped[i % 64] ^= 1;
    checks.push({ ...good, signature: flipped.toString('hex') });
  }
  const good = validCheck(999);
  checks.push(
    { ...good, signature: good.signature.toUpperCase() }, // not lowercase hex
    { ...good, publicKey: good.publicKey.toUpperCase() },
    { ...good, signature: good.signature.slice(2) }, // too short
    { ...good, publicKey: `${good.publicKey}00` }, // too long
    { ...good, signature: 'zz'.repeat(64) },
    { ...good, publicKey: 'ff'.repeat(32) }, // 32 bytes that are not a curve point
    { ...good, publicKey: '00'.repeat(32) }, // a small-order point
    { ...good, message: Buffer.concat([Buffer.from(good.message), Buffer.from([0])]) }, // 33-byte message: inline path
    { ...good, message: new Uint8Array(0) },
    { publicKey: '', message: new Uint8Array(32), signature: '' },
  );
  return checks;
}

describe('SignatureVerifierPool', () => {
  const pools: SignatureVerifierPool[] = [];
  const pool = (workers: number, minChecksPerWorker?: number): SignatureVerifierPool => {
    const p = new SignatureVerifierPool({
      workers,
      ...(minChecksPerWorker === undefined ? {} : { minChecksPerWorker }),
    });
    pools.push(p);
    return p;
  };

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('answers exactly as verifyEd25519 on valid, forged, malformed and odd checks, with any number of workers', async () => {
    const checks = mixedChecks();
    const expected = checks.map((c) => verifyEd25519(c.publicKey, c.message, c.signature));
    expect(expected.filter(Boolean)).toHaveLength(200);
    for (const workers of [0, 1, 2, 3]) {
      expect(await pool(workers, 16).verifyBatch(checks)).toEqual(expected);
    }
  });

  it('spreads a large batch (an audit page) in chunks over the workers, and overlapping batches too, in order', async () => {
    const p = pool(2);
    const valid = Array.from({ length: 40 }, (_, i) => validCheck(i));
    const large = (forgedAt: number): SignatureCheck[] =>
      Array.from({ length: 5000 }, (_, i) => {
        const check = valid[i % valid.length];
        return i === forgedAt ? { ...check, signature: randomBytes(64).toString('hex') } : check;
      });
    const [first, second] = await Promise.all([p.verifyBatch(large(4321)), p.verifyBatch(large(17))]);
    expect(first.map((ok, i) => (ok ? -1 : i)).filter((i) => i >= 0)).toEqual([4321]);
    expect(second.map((ok, i) => (ok ? -1 : i)).filter((i) => i >= 0)).toEqual([17]);
  });

  it('answers false, never throws, for random garbage', async () => {
    const p = pool(2, 4);
    const hex = (bytes: number) =>
      fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((u) => Buffer.from(u).toString('hex'));
    const check = fc.record({
      publicKey: fc.oneof(hex(32), fc.string()),
      message: fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 })),
      signature: fc.oneof(hex(64), fc.string()),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(check, { maxLength: 40 }), async (checks) => {
        const results = await p.verifyBatch(checks);
        expect(results).toEqual(checks.map((c) => verifyEd25519(c.publicKey, c.message, c.signature)));
        expect(results.every((r) => r === false)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps answering when a worker dies (replaced; its checks verified inline) and after close (inline)', async () => {
    const errors: unknown[] = [];
    const p = new SignatureVerifierPool({ workers: 2, minChecksPerWorker: 8, onWorkerError: (e) => errors.push(e) });
    pools.push(p);
    const checks = Array.from({ length: 64 }, (_, i) => validCheck(i));
    const dying = (p as unknown as { workers: { worker: { terminate(): Promise<number> } }[] }).workers[0].worker;
    const [results] = await Promise.all([p.verifyBatch(checks), dying.terminate()]);
    expect(results).toEqual(checks.map(() => true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors.length).toBeGreaterThan(0);
    expect(p.size).toBe(2);
    expect(await p.verifyBatch(checks)).toEqual(checks.map(() => true));
    await p.close();
    const forged = { ...checks[0], signature: randomBytes(64).toString('hex') };
    expect(await p.verifyBatch([checks[1], forged])).toEqual([true, false]);
  });
});
