import { z } from 'zod';
import { attestationSchema } from '../attestation/attestation.schema';
import { blockHeaderSchema } from '../block/block.schema';
import { hashHexSchema, uintSchema } from '../schema/protocol.schema';
import { txEnvelopeSchema } from '../tx/tx.schema';
import { validityCodeSchema } from '../tx/validity-code';

/** An inclusion proof has at most one hash per tree level. */
const MAX_PROOF_HASHES = 64;
const MAX_ATTESTATIONS = 1024;

/** Everything needed to check, offline and with only the members' public keys, that a tx was committed. */
export const txProofSchema = z.strictObject({
  v: z.literal(1),
  envelope: txEnvelopeSchema,
  code: validityCodeSchema,
  /** Position of the tx in its block (0-based), i.e. its Merkle leaf index. */
  index: uintSchema,
  /** RFC 6962 inclusion proof (leaf to root) under header.txRoot, tree size header.txCount. */
  proof: z.array(hashHexSchema).max(MAX_PROOF_HASHES),
  header: blockHeaderSchema,
  /** Block attestations (kind `block`) of the header's hash. */
  attestations: z.array(attestationSchema).max(MAX_ATTESTATIONS),
});

export type TxProof = z.output<typeof txProofSchema>;
