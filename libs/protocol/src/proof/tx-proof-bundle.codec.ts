import { ProtocolError } from '../errors/protocol.errors';
import { isPlainObject } from '../json/json.types';
import { validateMembers } from '../members/members.codec';
import { parseWithSchema } from '../schema/protocol.schema';
import { TxProofBundle, txProofBundleSchema } from './tx-proof-bundle.schema';

/**
 * Validates a parsed proof bundle (`proof.invalid`): its shape, its members
 * (keys importable, at least one), a quorum no larger than the member count,
 * and a channel and height that are the proof's own block, so the keys and
 * quorum cannot be those of another place in the chain.
 */
export function validateTxProofBundle(value: unknown): TxProofBundle {
  const bundle = parseWithSchema(txProofBundleSchema, value, 'proof.invalid', 'tx proof bundle');
  try {
    validateMembers(bundle.members);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    throw new ProtocolError('proof.invalid', `invalid tx proof bundle: ${error.message}`, error.details);
  }
  const { header } = bundle.proof;
  if (bundle.channel !== header.channel || bundle.height !== header.height) {
    throw new ProtocolError(
      'proof.invalid',
      `invalid tx proof bundle: it is for ${bundle.channel}#${bundle.height} but its proof for block ${header.channel}#${header.height}`,
    );
  }
  const memberCount = Object.keys(bundle.members).length;
  if (bundle.quorum > memberCount) {
    throw new ProtocolError(
      'proof.invalid',
      `invalid tx proof bundle: quorum ${bundle.quorum} is more than its ${memberCount} member(s)`,
    );
  }
  return bundle;
}

/**
 * Whether a parsed JSON file is meant as a proof bundle rather than a plain
 * proof: a bundle's `proof` is the TxProof object, a plain proof's `proof`
 * the array of inclusion hashes.
 */
export function isTxProofBundleShape(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return isPlainObject(value.proof);
}
