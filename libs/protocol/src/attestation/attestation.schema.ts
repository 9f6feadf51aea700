import { z } from 'zod';
import { ED25519_SIGNATURE_BYTES } from '../crypto/ed25519.crypto';
import { channelNameSchema, hashHexSchema, hexSchema, memberIdSchema, uintSchema } from '../schema/protocol.schema';

const common = {
  v: z.literal(1),
  channel: channelNameSchema,
  height: uintSchema,
  blockHash: hashHexSchema,
  /** Member id of the attesting department. */
  from: memberIdSchema,
};

/** A department's ledger attests the hash of a block it committed. */
export const blockAttestationBodySchema = z.strictObject({ ...common, kind: z.literal('block') });
/** A department's contracts service attests its state digest after applying the block. */
export const stateAttestationBodySchema = z.strictObject({
  ...common,
  kind: z.literal('state'),
  stateDigest: hashHexSchema,
});

export const attestationBodySchema = z.discriminatedUnion('kind', [
  blockAttestationBodySchema,
  stateAttestationBodySchema,
]);

export const attestationSchema = z.strictObject({
  body: attestationBodySchema,
  /** Ed25519 over SHA-256(JCS(body)). */
  sig: hexSchema(ED25519_SIGNATURE_BYTES),
});

export type AttestationBody = z.output<typeof attestationBodySchema>;
export type Attestation = z.output<typeof attestationSchema>;
