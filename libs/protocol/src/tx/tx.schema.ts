import { z } from 'zod';
import {
  channelNameSchema,
  hexSchema,
  jsonObjectSchema,
  memberIdSchema,
  txTypeSchema,
  uintSchema,
} from '../schema/protocol.schema';
import { ED25519_SIGNATURE_BYTES } from '../crypto/ed25519.crypto';

export const txBodySchema = z.strictObject({
  v: z.literal(1),
  channel: channelNameSchema,
  type: txTypeSchema,
  /** Member id of the signing department. */
  from: memberIdSchema,
  /** Unique per (from, channel); a repeat is `replayed`. */
  nonce: uintSchema,
  /** Client time in ms since the epoch; informative only, block time comes from the log. */
  ts: uintSchema,
  payload: jsonObjectSchema,
});

export const txEnvelopeSchema = z.strictObject({
  body: txBodySchema,
  /** Ed25519 signature over the 32 txId bytes. */
  sig: hexSchema(ED25519_SIGNATURE_BYTES),
});

export type TxBody = z.output<typeof txBodySchema>;
export type TxEnvelope = z.output<typeof txEnvelopeSchema>;
