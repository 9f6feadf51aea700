import { Attestation } from '../attestation/attestation.schema';
import { isEnvelopeEntry, txMerkleTree } from '../block/block.codec';
import { Block } from '../block/block.schema';
import { toHex } from '../encoding/hex.codec';
import { ProtocolError } from '../errors/protocol.errors';
import { MerkleTree } from '../merkle/merkle-tree';
import { parseWithSchema } from '../schema/protocol.schema';
import { TxProof, txProofSchema } from './tx-proof.schema';

/**
 * Builds the proof for the tx at `index` of `block`. Pass the block's tree
 * (see txMerkleTree) when proving many txs of one block, so it is hashed once.
 */
export function buildTxProof(
  block: Block,
  index: number,
  attestations: readonly Attestation[],
  tree: MerkleTree = txMerkleTree(block.txs),
): TxProof {
  const entry = block.txs[index];
  if (!Number.isSafeInteger(index) || entry === undefined) {
    throw new ProtocolError('proof.invalid', `block ${block.header.height} has no tx at index ${String(index)}`);
  }
  if (!isEnvelopeEntry(entry)) {
    throw new ProtocolError(
      'proof.invalid',
      `tx ${index} of block ${block.header.height} is raw bytes, not an envelope`,
    );
  }
  if (tree.size !== block.txs.length) {
    throw new ProtocolError(
      'proof.invalid',
      `the given tree has ${tree.size} leaves but the block ${block.txs.length} txs`,
    );
  }
  return {
    v: 1,
    envelope: entry.envelope,
    code: entry.code,
    index,
    proof: tree.inclusionProof(index).map(toHex),
    header: block.header,
    attestations: [...attestations],
  };
}

/** Validates the shape of a parsed proof file (`proof.invalid`). */
export function validateTxProof(value: unknown): TxProof {
  return parseWithSchema(txProofSchema, value, 'proof.invalid', 'tx proof');
}
