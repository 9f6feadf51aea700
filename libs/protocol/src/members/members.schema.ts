import { z } from 'zod';
import { hexSchema, memberIdSchema } from '../schema/protocol.schema';

/** A member's public keys as they appear on-chain and in members.json. */
export const memberPublicKeysSchema = z.strictObject({
  ed25519: hexSchema(32),
  x25519: hexSchema(32).optional(),
});

/** members.json: member id -> public keys. */
export const membersSchema = z.record(memberIdSchema, memberPublicKeysSchema);

export type MemberPublicKeys = z.output<typeof memberPublicKeysSchema>;
export type Members = Readonly<Record<string, MemberPublicKeys>>;
