import * as fc from 'fast-check';
import { validateAttestation } from './attestation/attestation.codec';
import { validateBlock } from './block/block.codec';
import { validateChainExport } from './chain/chain.schema';
import { generateX25519KeyPair } from './crypto/x25519.crypto';
import { unwrapDataKey, wrapDataKey } from './crypto/x25519-key-wrap.crypto';
import { ProtocolError } from './errors/protocol.errors';
import { validateMembers } from './members/members.codec';
import { validateTxProof } from './proof/tx-proof.builder';
import { deterministicRandom } from './testing/deterministic-random';
import { TestChain, testMember } from './testing/test-chain.builder';

/** Runs fn and lets only ProtocolError escape as an expected outcome. */
function onlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

/** Arbitrary values, plus near-misses made by replacing one member of a valid object. */
function aroundValid(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc.anything(),
    fc.tuple(fc.constantFrom(...keys), fc.anything()).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(fc.string(), fc.anything()).map(([key, value]) => ({ ...valid, [key]: value })),
  );
}

describe('validators never throw anything but ProtocolError', () => {
  const alice = testMember('dept-a');
  const chain = new TestChain([alice]);
  const block = chain.append([chain.tx(alice)]);
  const proof = chain.proof(0, 0);
  const recipient = generateX25519KeyPair(deterministicRandom('fuzz'));
  const wrapped = wrapDataKey(Buffer.alloc(32, 7), recipient.publicKey, { d: 1 });
  const runs = { numRuns: 300 };

  it.each<[string, Record<string, unknown>, (value: unknown) => unknown]>([
    ['validateTxProof', proof, validateTxProof],
    ['validateBlock', block, validateBlock],
    ['validateAttestation', proof.attestations[0], validateAttestation],
    ['validateChainExport', { v: 1, blocks: [block] }, validateChainExport],
    ['validateMembers', chain.memberKeys, validateMembers],
    ['unwrapDataKey', { ...wrapped }, (value) => unwrapDataKey(value, recipient.privateKey, { d: 1 })],
  ])('%s', (_name, valid, validate) => {
    expect(() => validate(valid)).not.toThrow();
    fc.assert(
      fc.property(aroundValid(valid), (value) => onlyProtocolErrors(() => validate(value))),
      runs,
    );
  });
});
