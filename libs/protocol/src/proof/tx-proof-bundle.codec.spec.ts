import { ProtocolError } from '../errors/protocol.errors';
import { TestChain, testMember } from '../testing/test-chain.builder';
import { isTxProofBundleShape, validateTxProofBundle } from './tx-proof-bundle.codec';
import { verifyTxProof } from './tx-proof.verifier';

const alice = testMember('dept-a');
const bob = testMember('dept-b');
const carol = testMember('dept-c');

describe('validateTxProofBundle', () => {
  const chain = new TestChain([alice, bob, carol], 'health');
  chain.append([chain.tx(alice), chain.tx(bob)]);
  const proof = chain.proof(0, 1, [alice, carol]);
  const bundle = { v: 1, proof, members: chain.memberKeys, quorum: 2, channel: 'health', height: 0 };

  const reason = (value: unknown): string => {
    try {
      validateTxProofBundle(value);
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe('proof.invalid');
      return (error as ProtocolError).message;
    }
    throw new Error('expected the bundle to be refused');
  };

  it('Given a bundle read back from JSON, Then its proof verifies with its own keys and quorum', () => {
    const read = validateTxProofBundle(JSON.parse(JSON.stringify(bundle)));
    expect(verifyTxProof(read.proof, read.members, { quorum: read.quorum })).toMatchObject({
      ok: true,
      attesters: ['dept-a', 'dept-c'],
      quorum: 2,
    });
  });

  it('refuses a bundle whose shape, keys, place or quorum are not those of its proof', () => {
    expect(reason({ ...bundle, v: 2 })).toMatch(/^invalid tx proof bundle: v: /);
    expect(reason({ ...bundle, extra: true })).toMatch(/^invalid tx proof bundle: /);
    expect(reason({ ...bundle, quorum: 0 })).toMatch(/quorum: /);
    expect(reason({ ...bundle, members: {} })).toBe('invalid tx proof bundle: invalid members: no member is listed');
    expect(reason({ ...bundle, members: { 'dept-a': { ed25519: 'xyz' } } })).toMatch(
      /^invalid tx proof bundle: members\.dept-a\.ed25519: /,
    );
    expect(reason({ ...bundle, height: 1 })).toBe(
      'invalid tx proof bundle: it is for health#1 but its proof for block health#0',
    );
    expect(reason({ ...bundle, channel: 'other' })).toMatch(/it is for other#0 but its proof for block health#0/);
    expect(reason({ ...bundle, quorum: 4 })).toBe('invalid tx proof bundle: quorum 4 is more than its 3 member(s)');
  });

  it('tells a bundle from a plain proof by its `proof` field (an object, not the inclusion hashes)', () => {
    expect(isTxProofBundleShape(bundle)).toBe(true);
    expect(isTxProofBundleShape(proof)).toBe(false);
    expect(isTxProofBundleShape([proof])).toBe(false);
    expect(isTxProofBundleShape(null)).toBe(false);
  });
});
