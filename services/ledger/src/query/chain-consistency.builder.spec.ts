import { fromHex, sha256Hex, verifyConsistency } from '@accord/protocol';
import { refLeafHash, refRoot } from '@accord/protocol/testing';
import { buildChainConsistencyProof } from './chain-consistency.builder';
import { HeightRangeInvalidError } from './query.errors';

const hashes = Array.from({ length: 21 }, (_, i) => sha256Hex(Buffer.from(`block ${i}`)));
const verify = (p: ReturnType<typeof buildChainConsistencyProof>) =>
  verifyConsistency(
    p.size1,
    p.size2,
    p.proof.map((h) => fromHex(h)),
    fromHex(p.root1),
    fromHex(p.root2),
  );

describe('buildChainConsistencyProof', () => {
  it('proves every prefix of a chain consistent with every longer one', () => {
    for (let to = 0; to < hashes.length; to++) {
      for (let from = 0; from <= to; from++) {
        const proof = buildChainConsistencyProof('c', hashes, from, to);
        expect({ from, to, result: verify(proof) }).toEqual({ from, to, result: { ok: true } });
        expect(proof).toMatchObject({ channel: 'c', fromHeight: from, toHeight: to, size1: from + 1, size2: to + 1 });
      }
    }
  });

  it('uses the block hashes as RFC 6962 leaves', () => {
    const proof = buildChainConsistencyProof('c', hashes, 4, 12);
    const root = (n: number) => refRoot(hashes.slice(0, n).map((h) => refLeafHash(fromHex(h)))).toString('hex');
    expect(proof.root1).toBe(root(5));
    expect(proof.root2).toBe(root(13));
  });

  it('fails verification against a chain whose earlier block was replaced', () => {
    const forked = [...hashes];
    forked[3] = sha256Hex(Buffer.from('another block 3'));
    const honest = buildChainConsistencyProof('c', hashes, 5, 20);
    const rewritten = buildChainConsistencyProof('c', forked, 5, 20);
    expect(verify({ ...rewritten, root1: honest.root1 })).toMatchObject({ ok: false, code: 'merkle.root_mismatch' });
  });

  it('refuses reversed ranges and heights beyond the chain', () => {
    expect(() => buildChainConsistencyProof('c', hashes, 5, 4)).toThrow(HeightRangeInvalidError);
    expect(() => buildChainConsistencyProof('c', hashes, 0, 21)).toThrow(HeightRangeInvalidError);
  });
});
