import { z } from 'zod';
import { hexSchema } from '../schema/protocol.schema';
import { TxBody } from './tx.schema';

/** The tx type by which a non-member applies to join a channel; it is signed with the key it carries. */
export const JOIN_REQUEST_TX_TYPE = 'member.join.request';

/** Payload of a join request and of a key rotation: the member's new public keys. */
export const memberKeysPayloadSchema = z.strictObject({
  ed25519: hexSchema(32),
  x25519: hexSchema(32),
});

export type MemberKeysPayload = z.output<typeof memberKeysPayloadSchema>;

export interface TxSignerKey {
  /** Ed25519 public key (hex) that must verify the tx's signature. */
  readonly key: string;
  /** true when the key comes from the tx's own payload (a join request by a non-member). */
  readonly fromPayload: boolean;
}

/**
 * Which key checks a tx's signature (docs/ledger.md "bad_signature"): a
 * current member's tx is always checked with the member's own key, so nobody
 * can burn its nonces by claiming its id in a join request; a join request by
 * anyone else with the key in its payload. Any other tx by a non-member has no
 * key (undefined). `memberKey` is the signer's key as a current member, or
 * undefined when it is not one. The ledger and the proof verifier share this rule.
 */
export function txSignerKey(
  body: Pick<TxBody, 'type' | 'payload'>,
  memberKey: string | undefined,
): TxSignerKey | undefined {
  if (memberKey !== undefined) return { key: memberKey, fromPayload: false };
  if (body.type !== JOIN_REQUEST_TX_TYPE) return undefined;
  const payload = memberKeysPayloadSchema.safeParse(body.payload);
  return payload.success ? { key: payload.data.ed25519, fromPayload: true } : undefined;
}
