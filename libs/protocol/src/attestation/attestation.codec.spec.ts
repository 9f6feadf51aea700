import { createHash } from 'node:crypto';
import * as fc from 'fast-check';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalize } from '../json/canonical-json.codec';
import { testMember } from '../testing/test-chain.builder';
import {
  attestationDigest,
  encodeAttestation,
  parseAttestation,
  signAttestation,
  validateAttestation,
  verifyAttestation,
} from './attestation.codec';
import { AttestationBody } from './attestation.schema';

const alice = testMember('dept-a');
const bob = testMember('dept-b');
const blockHash = 'ab'.repeat(32);
const body: AttestationBody = { v: 1, channel: 'health', height: 3, blockHash, from: 'dept-a', kind: 'block' };

describe('attestations', () => {
  it('signs SHA-256(JCS(body)) (known answer) and verifies with the attester key only', () => {
    const json = `{"blockHash":"${blockHash}","channel":"health","from":"dept-a","height":3,"kind":"block","v":1}`;
    expect(canonicalize(body)).toBe(json);
    expect(Buffer.from(attestationDigest(body)).toString('hex')).toBe(createHash('sha256').update(json).digest('hex'));
    const attestation = signAttestation(body, alice.signer);
    expect(verifyAttestation(attestation, alice.keys.ed25519.publicKey)).toBe(true);
    expect(verifyAttestation(attestation, bob.keys.ed25519.publicKey)).toBe(false);
    expect(verifyAttestation({ ...attestation, body: { ...body, height: 4 } }, alice.keys.ed25519.publicKey)).toBe(
      false,
    );
  });

  it('supports state attestations, which require a stateDigest', () => {
    const state = signAttestation({ ...body, kind: 'state', stateDigest: 'cd'.repeat(32) }, alice.signer);
    expect(verifyAttestation(state, alice.keys.ed25519.publicKey)).toBe(true);
    expect(() => signAttestation({ ...body, kind: 'state' } as AttestationBody, alice.signer)).toThrow(
      expect.objectContaining({ code: 'attestation.invalid' }),
    );
    expect(() => validateAttestation({ body: { ...body, stateDigest: 'cd'.repeat(32) }, sig: state.sig })).toThrow(
      ProtocolError,
    );
  });

  it('round-trips through canonical bytes and rejects malformed input', () => {
    const attestation = signAttestation(body, alice.signer);
    expect(parseAttestation(encodeAttestation(attestation))).toEqual(attestation);
    expect(() => parseAttestation(JSON.stringify(attestation, null, 1))).toThrow(
      expect.objectContaining({ code: 'json.non_canonical' }),
    );
    expect(() => validateAttestation({ ...attestation, extra: 1 })).toThrow(
      expect.objectContaining({ code: 'attestation.invalid' }),
    );
    expect(() => validateAttestation({ ...attestation, body: { ...body, kind: 'other' } })).toThrow(ProtocolError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parseAttestation(bytes);
        } catch (error) {
          if (!(error instanceof ProtocolError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
