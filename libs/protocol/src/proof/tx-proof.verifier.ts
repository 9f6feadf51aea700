import { verifyAttestation } from '../attestation/attestation.codec';
import { computeBlockHash, txLeafHash } from '../block/block.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { verifyInclusion } from '../merkle/merkle-proof.verifier';
import { findMember } from '../members/members.codec';
import { Members } from '../members/members.schema';
import { txSignerKey } from '../tx/tx-signer.resolver';
import { computeTxId, verifyEnvelopeSignature } from '../tx/tx.codec';
import { ValidityCode } from '../tx/validity-code';
import { TxProof } from './tx-proof.schema';

export type TxProofFailureCode =
  | 'proof.channel_mismatch'
  | 'proof.inclusion_invalid'
  | 'proof.attestation_mismatch'
  | 'proof.unknown_attester'
  | 'proof.duplicate_attester'
  | 'proof.attestation_signature_invalid'
  | 'proof.quorum_not_met'
  | 'proof.unknown_signer'
  | 'proof.tx_signature_invalid'
  | 'proof.code_mismatch';

export interface TxProofSummary {
  readonly ok: true;
  readonly txId: string;
  readonly channel: string;
  readonly height: number;
  readonly index: number;
  readonly blockHash: string;
  /** The tx's validity code in its block; a proof can show a tx was committed as invalid. */
  readonly validity: ValidityCode;
  readonly attesters: readonly string[];
  readonly quorum: number;
}

export type TxProofVerification =
  TxProofSummary | { readonly ok: false; readonly code: TxProofFailureCode; readonly reason: string };

export interface VerifyTxProofOptions {
  /** Distinct member attestations required (default: every listed member). */
  readonly quorum?: number;
}

/**
 * Checks a tx proof offline: leaf -> inclusion -> header.txRoot -> block
 * hash -> block attestations by distinct known members (at least `quorum`)
 * -> the tx signature by its `from` member (for a join request by a
 * non-member: the key in its payload, see txSignerKey). `members` must hold
 * the keys in force at the block's height. An invalid proof is a result; only an invalid
 * quorum (not an integer in 1..number of members) throws `quorum.invalid`.
 */
export function verifyTxProof(
  proof: TxProof,
  members: Members,
  options: VerifyTxProofOptions = {},
): TxProofVerification {
  const memberCount = Object.keys(members).length;
  const quorum = options.quorum ?? memberCount;
  if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > memberCount) {
    throw new ProtocolError(
      'quorum.invalid',
      `quorum must be an integer from 1 to ${memberCount} (the number of members), got ${String(quorum)}`,
    );
  }
  const { envelope, header } = proof;
  if (envelope.body.channel !== header.channel && proof.code !== 'wrong_channel') {
    return fail(
      'proof.channel_mismatch',
      `tx is for channel ${envelope.body.channel} but the block is on ${header.channel}`,
    );
  }

  const inclusion = verifyInclusion(
    txLeafHash({ envelope, code: proof.code }),
    proof.index,
    header.txCount,
    proof.proof.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(header.txRoot, 'hex'),
  );
  if (!inclusion.ok) {
    return fail(
      'proof.inclusion_invalid',
      `tx ${proof.index} is not proven to be in block ${header.height}: ${inclusion.reason}`,
    );
  }

  const blockHash = computeBlockHash(header);
  const attesters = new Set<string>();
  for (const attestation of proof.attestations) {
    const { body } = attestation;
    if (
      body.kind !== 'block' ||
      body.channel !== header.channel ||
      body.height !== header.height ||
      body.blockHash !== blockHash
    ) {
      return fail(
        'proof.attestation_mismatch',
        `attestation by ${body.from} is for ${body.kind} ${body.channel}#${body.height} ${body.blockHash}, not block ${header.channel}#${header.height} ${blockHash}`,
      );
    }
    const keys = findMember(members, body.from);
    if (keys === undefined)
      return fail('proof.unknown_attester', `attestation by ${body.from}, who is not a listed member`);
    if (attesters.has(body.from)) return fail('proof.duplicate_attester', `${body.from} attests more than once`);
    if (!verifyAttestation(attestation, keys.ed25519)) {
      return fail('proof.attestation_signature_invalid', `the attestation signature of ${body.from} is invalid`);
    }
    attesters.add(body.from);
  }
  if (attesters.size < quorum) {
    return fail(
      'proof.quorum_not_met',
      `block ${header.height} is attested by ${attesters.size} member(s), quorum is ${quorum}`,
    );
  }

  // The ledger's rule: a listed member's own key, else a join request's payload key.
  const signer = txSignerKey(envelope.body, findMember(members, envelope.body.from)?.ed25519);
  const keyName = signer?.fromPayload === true ? 'the key in its join request' : `the key of ${envelope.body.from}`;
  if (proof.code === 'valid') {
    if (signer === undefined)
      return fail('proof.unknown_signer', `the tx signer ${envelope.body.from} is not a listed member`);
    if (!verifyEnvelopeSignature(envelope, signer.key)) {
      return fail('proof.tx_signature_invalid', `the tx signature does not verify with ${keyName}`);
    }
  } else if (proof.code === 'bad_signature' && signer !== undefined && verifyEnvelopeSignature(envelope, signer.key)) {
    return fail('proof.code_mismatch', `the tx is flagged bad_signature but its signature verifies with ${keyName}`);
  }

  return {
    ok: true,
    txId: computeTxId(envelope.body),
    channel: header.channel,
    height: header.height,
    index: proof.index,
    blockHash,
    validity: proof.code,
    attesters: [...attesters].sort(),
    quorum,
  };
}

function fail(code: TxProofFailureCode, reason: string): TxProofVerification {
  return { ok: false, code, reason };
}
