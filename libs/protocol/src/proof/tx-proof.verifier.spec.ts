import * as fc from 'fast-check';
import { signAttestation } from '../attestation/attestation.codec';
import { txMerkleTree } from '../block/block.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { TestChain, TestMember, testMember } from '../testing/test-chain.builder';
import { JOIN_REQUEST_TX_TYPE } from '../tx/tx-signer.resolver';
import { signTx } from '../tx/tx.codec';
import { buildTxProof, validateTxProof } from './tx-proof.builder';
import { TxProof } from './tx-proof.schema';
import { verifyTxProof } from './tx-proof.verifier';

const alice = testMember('dept-a');
const bob = testMember('dept-b');
const carol = testMember('dept-c');
const mallory = testMember('mallory');

function sampleChain(): TestChain {
  const chain = new TestChain([alice, bob, carol]);
  chain.append([chain.tx(alice), chain.tx(bob)]);
  const forged = { ...chain.tx(alice), sig: mallory.signer.sign(Buffer.alloc(32)) };
  chain.append([
    chain.tx(carol),
    { envelope: forged, code: 'bad_signature' },
    { envelope: chain.tx(mallory), code: 'unknown_member' },
    { envelope: { ...chain.tx(bob), sig: 'ab'.repeat(64) }, code: 'valid' },
    { envelope: chain.tx(bob), code: 'bad_signature' },
    chain.tx(alice, { payload: { big: 'x'.repeat(100) } }),
  ]);
  return chain;
}

const flipHex = (hex: string, bit: number): string => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[(bit >> 3) % bytes.length] ^= 1 << (bit & 7);
  return bytes.toString('hex');
};

describe('verifyTxProof', () => {
  const chain = sampleChain();
  const members = chain.memberKeys;

  it('accepts a proof built for any valid tx and summarises it', () => {
    const proof = chain.proof(1, 5);
    const result = verifyTxProof(proof, members);
    expect(result).toEqual({
      ok: true,
      txId: expect.stringMatching(/^[0-9a-f]{64}$/),
      channel: 'test-channel',
      height: 1,
      index: 5,
      blockHash: chain.blocks[1].hash,
      validity: 'valid',
      attesters: ['dept-a', 'dept-b', 'dept-c'],
      quorum: 3,
    });
    for (const [height, index] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ]) {
      expect(verifyTxProof(chain.proof(height, index), members)).toMatchObject({ ok: true });
    }
  });

  it('survives a JSON round trip through validateTxProof', () => {
    const proof = validateTxProof(JSON.parse(JSON.stringify(chain.proof(1, 0))));
    expect(verifyTxProof(proof, members)).toMatchObject({ ok: true });
  });

  it('proves txs committed as invalid, with their validity code', () => {
    expect(verifyTxProof(chain.proof(1, 1), members)).toMatchObject({ ok: true, validity: 'bad_signature' });
    expect(verifyTxProof(chain.proof(1, 2), members)).toMatchObject({ ok: true, validity: 'unknown_member' });
  });

  it('applies the quorum: all members by default, or the given number', () => {
    const twoOfThree = chain.proof(1, 0, [alice, carol]);
    expect(verifyTxProof(twoOfThree, members)).toMatchObject({ ok: false, code: 'proof.quorum_not_met' });
    expect(verifyTxProof(twoOfThree, members, { quorum: 2 })).toMatchObject({
      ok: true,
      attesters: ['dept-a', 'dept-c'],
      quorum: 2,
    });
    for (const quorum of [0, 4, 1.5, -1]) {
      expect(() => verifyTxProof(twoOfThree, members, { quorum })).toThrow(
        expect.objectContaining({ code: 'quorum.invalid' }),
      );
    }
  });

  describe('rejects', () => {
    const good = chain.proof(1, 0);
    const block1 = chain.blocks[1];
    const otherBlockAttestation = chain.attest(chain.blocks[0], [alice])[0];

    it.each<[string, () => TxProof, string]>([
      [
        'a changed payload',
        () => ({ ...good, envelope: { ...good.envelope, body: { ...good.envelope.body, payload: { x: 1 } } } }),
        'proof.inclusion_invalid',
      ],
      ['a changed validity code', () => ({ ...good, code: 'replayed' }), 'proof.inclusion_invalid'],
      ['another index', () => ({ ...good, index: 1 }), 'proof.inclusion_invalid'],
      ['an index beyond the block', () => ({ ...good, index: 6 }), 'proof.inclusion_invalid'],
      ['a truncated inclusion proof', () => ({ ...good, proof: good.proof.slice(1) }), 'proof.inclusion_invalid'],
      [
        'another txRoot',
        () => ({ ...good, header: { ...good.header, txRoot: chain.blocks[0].header.txRoot } }),
        'proof.inclusion_invalid',
      ],
      [
        'a txCount that changes the proof shape',
        () => ({ ...good, header: { ...good.header, txCount: 9 } }),
        'proof.inclusion_invalid',
      ],
      // Leaf 0 has the same inclusion proof in trees of 6 and 7 leaves; the attested header hash binds txCount.
      [
        'a txCount with the same proof shape',
        () => ({ ...good, header: { ...good.header, txCount: 7 } }),
        'proof.attestation_mismatch',
      ],
      [
        'an edited header field',
        () => ({ ...good, header: { ...good.header, time: good.header.time + 1 } }),
        'proof.attestation_mismatch',
      ],
      [
        'an attestation of another block',
        () => ({ ...good, attestations: [...good.attestations, otherBlockAttestation] }),
        'proof.attestation_mismatch',
      ],
      [
        'a state attestation',
        () => ({
          ...good,
          attestations: [
            signAttestation(
              {
                v: 1,
                channel: 'test-channel',
                height: 1,
                blockHash: block1.hash,
                from: 'dept-a',
                kind: 'state',
                stateDigest: '00'.repeat(32),
              },
              alice.signer,
            ),
          ],
        }),
        'proof.attestation_mismatch',
      ],
      [
        'an attester who is not a member',
        () => ({ ...good, attestations: [...good.attestations, ...chain.attest(block1, [mallory])] }),
        'proof.unknown_attester',
      ],
      [
        'the same attester twice',
        () => ({ ...good, attestations: [...good.attestations, good.attestations[0]] }),
        'proof.duplicate_attester',
      ],
      [
        'a forged attestation signature',
        () => ({
          ...good,
          attestations: [{ ...good.attestations[1], sig: good.attestations[0].sig }, good.attestations[0]],
        }),
        'proof.attestation_signature_invalid',
      ],
      ['no attestations', () => ({ ...good, attestations: [] }), 'proof.quorum_not_met'],
      [
        'a tx for another channel',
        () => ({ ...good, envelope: { ...good.envelope, body: { ...good.envelope.body, channel: 'other' } } }),
        'proof.channel_mismatch',
      ],
      ['a valid-flagged tx whose signature fails', () => chain.proof(1, 3), 'proof.tx_signature_invalid'],
      ['a bad_signature-flagged tx whose signature verifies', () => chain.proof(1, 4), 'proof.code_mismatch'],
    ])('%s', (_name, proof, code) => {
      expect(verifyTxProof(proof(), members)).toMatchObject({ ok: false, code });
    });

    it('a valid tx whose signer is not a listed member', () => {
      const { 'dept-a': _gone, ...withoutAlice } = members;
      expect(verifyTxProof(chain.proof(1, 5, [bob, carol]), withoutAlice)).toMatchObject({
        ok: false,
        code: 'proof.unknown_signer',
      });
    });

    it('any single-bit flip in a proof hash, the tx signature, the header roots or an attestation signature', () => {
      const proof = chain.proof(1, 5);
      fc.assert(
        fc.property(
          fc.nat(511),
          fc.nat(10),
          fc.constantFrom('proof', 'sig', 'txRoot', 'prevHash', 'attestation'),
          (bit, pick, where) => {
            const tampered: TxProof =
              where === 'proof'
                ? {
                    ...proof,
                    proof: proof.proof.map((h, i) => (i === pick % proof.proof.length ? flipHex(h, bit) : h)),
                  }
                : where === 'sig'
                  ? { ...proof, envelope: { ...proof.envelope, sig: flipHex(proof.envelope.sig, bit) } }
                  : where === 'attestation'
                    ? {
                        ...proof,
                        attestations: proof.attestations.map((a, i) =>
                          i === pick % 3 ? { ...a, sig: flipHex(a.sig, bit) } : a,
                        ),
                      }
                    : { ...proof, header: { ...proof.header, [where]: flipHex(proof.header[where], bit) } };
            expect(verifyTxProof(tampered, members).ok).toBe(false);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('join requests (signed with the key in their payload by a non-member)', () => {
    const dave = testMember('dept-d');
    const joinPayload = (keysOf: TestMember) => ({
      ed25519: keysOf.keys.ed25519.publicKey,
      x25519: keysOf.keys.x25519.publicKey,
    });
    const join = new TestChain([alice, bob, carol]);
    join.append([join.tx(alice)]);
    join.append([
      join.tx(dave, { type: JOIN_REQUEST_TX_TYPE, payload: joinPayload(dave) }),
      // dave signs but names mallory's key: the payload key does not verify.
      { envelope: join.tx(dave, { type: JOIN_REQUEST_TX_TYPE, payload: joinPayload(mallory) }), code: 'valid' },
      { envelope: join.tx(dave, { type: JOIN_REQUEST_TX_TYPE, payload: joinPayload(dave) }), code: 'bad_signature' },
      // A current member is checked with its own key, never the payload's.
      { envelope: join.tx(alice, { type: JOIN_REQUEST_TX_TYPE, payload: joinPayload(alice) }), code: 'valid' },
      { envelope: join.tx(mallory, { type: JOIN_REQUEST_TX_TYPE, payload: { ed25519: 'zz' } }), code: 'valid' },
      // mallory claims alice's id with its own key in the payload: checked with alice's key, it fails.
      {
        envelope: signTx(
          join.tx(alice, { type: JOIN_REQUEST_TX_TYPE, payload: joinPayload(mallory) }).body,
          mallory.signer,
        ),
        code: 'valid',
      },
    ]);
    const membersAtJoin = join.memberKeys;

    it("accepts a valid join request by a non-member with the members' keys at its height", () => {
      expect(membersAtJoin).not.toHaveProperty('dept-d');
      expect(verifyTxProof(join.proof(1, 0), membersAtJoin)).toMatchObject({ ok: true, validity: 'valid', height: 1 });
    });

    it('checks a join request by a current member with its own key', () => {
      expect(verifyTxProof(join.proof(1, 3), membersAtJoin)).toMatchObject({ ok: true, validity: 'valid' });
    });

    it.each<[string, number, string]>([
      ['a valid-flagged join request whose payload key does not verify', 1, 'proof.tx_signature_invalid'],
      ['a bad_signature-flagged join request whose payload key verifies', 2, 'proof.code_mismatch'],
      ['a join request by a non-member without a usable payload key', 4, 'proof.unknown_signer'],
      ["a member's id on a join request signed with the payload key", 5, 'proof.tx_signature_invalid'],
    ])('rejects %s', (_name, index, code) => {
      expect(verifyTxProof(join.proof(1, index), membersAtJoin)).toMatchObject({ ok: false, code });
    });
  });

  describe('buildTxProof and validateTxProof', () => {
    it('reuses a given tree and refuses raw entries, missing indexes and mismatched trees', () => {
      const c = new TestChain([alice]);
      const block = c.append([c.tx(alice), { raw: '00', code: 'schema_error' }]);
      const tree = txMerkleTree(block.txs);
      expect(buildTxProof(block, 0, c.attest(block), tree)).toEqual(c.proof(0, 0));
      expect(() => buildTxProof(block, 1, [])).toThrow(expect.objectContaining({ code: 'proof.invalid' }));
      expect(() => buildTxProof(block, 2, [])).toThrow(expect.objectContaining({ code: 'proof.invalid' }));
      expect(() => buildTxProof(block, 0, [], txMerkleTree(block.txs.slice(0, 1)))).toThrow(ProtocolError);
    });

    it('rejects malformed proof files with proof.invalid', () => {
      const proof = chain.proof(0, 0);
      for (const bad of [
        null,
        [],
        { ...proof, v: 2 },
        { ...proof, extra: 1 },
        { ...proof, index: -1 },
        { ...proof, proof: ['zz'] },
        { ...proof, code: 'nope' },
      ]) {
        expect(() => validateTxProof(bad)).toThrow(expect.objectContaining({ code: 'proof.invalid' }));
      }
      fc.assert(
        fc.property(fc.anything(), (value) => {
          try {
            validateTxProof(value);
          } catch (error) {
            if (!(error instanceof ProtocolError)) throw error;
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
