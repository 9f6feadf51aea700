import { z } from 'zod';
import { membersSchema } from '../members/members.schema';
import { channelNameSchema, uintSchema } from '../schema/protocol.schema';
import { txProofSchema } from './tx-proof.schema';

/**
 * A tx proof with what an offline verifier otherwise has to fetch apart:
 * the keys of the members active at the proof's block (those whose
 * attestations count) and the finality quorum of the channel policy in force
 * at that height. GET /v1/txs/:txId/proof-bundle answers it; `accord
 * verify-proof` reads it. Trusting the bundle's keys is trusting the ledger
 * that served it: a verifier that has the keys from elsewhere passes its own.
 */
export const txProofBundleSchema = z.strictObject({
  v: z.literal(1),
  proof: txProofSchema,
  /** Members active at `height`, with their keys in force there. */
  members: membersSchema,
  /** Distinct block attestations the channel policy required at `height`. */
  quorum: z.int().min(1),
  channel: channelNameSchema,
  height: uintSchema,
});

export type TxProofBundle = z.output<typeof txProofBundleSchema>;
