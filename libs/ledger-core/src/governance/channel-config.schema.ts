import { channelNameSchema, hashHexSchema, hexSchema, memberIdSchema, uintSchema } from '@accord/protocol';
import { z } from 'zod';
import { CHANNEL_KINDS, channelPolicySchema } from './governance-tx.schema';

/** A position in the chain: block height and tx index within that block. */
export const logPositionSchema = z.strictObject({ height: uintSchema, index: uintSchema });
export type LogPosition = z.output<typeof logPositionSchema>;

export const MEMBER_STATUSES = ['active', 'removed'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const memberRecordSchema = z.strictObject({
  id: memberIdSchema,
  status: z.enum(MEMBER_STATUSES),
  /** Keys in force (for a removed member: the last ones it had). */
  ed25519: hexSchema(32),
  x25519: hexSchema(32),
  /** Where the current keys took effect. */
  keysSince: logPositionSchema,
  /** Where the member was (last) admitted: the genesis, its join request (public) or the deciding vote. */
  joinedAt: logPositionSchema,
  /** Where it left; null while active. */
  leftAt: logPositionSchema.nullable(),
});
export type MemberRecord = z.output<typeof memberRecordSchema>;

export const proposalVoteSchema = z.strictObject({
  member: memberIdSchema,
  approve: z.boolean(),
  at: logPositionSchema,
});
export type ProposalVote = z.output<typeof proposalVoteSchema>;

const proposalBase = {
  /** txId of the tx that opened the proposal. */
  id: hashHexSchema,
  proposer: memberIdSchema,
  openedAt: logPositionSchema,
  /** The last height whose votes count; the proposal expires when that block closes undecided. */
  expiresAtHeight: uintSchema,
  /** Votes in log order, at most one per member. */
  votes: z.array(proposalVoteSchema),
};

export const joinProposalSchema = z.strictObject({
  ...proposalBase,
  type: z.literal('member.join'),
  applicant: z.strictObject({ id: memberIdSchema, ed25519: hexSchema(32), x25519: hexSchema(32) }),
});

export const policyProposalRecordSchema = z.strictObject({
  ...proposalBase,
  type: z.literal('policy.change'),
  policy: channelPolicySchema,
});

export const proposalSchema = z.discriminatedUnion('type', [joinProposalSchema, policyProposalRecordSchema]);
export type JoinProposal = z.output<typeof joinProposalSchema>;
export type PolicyProposal = z.output<typeof policyProposalRecordSchema>;
export type Proposal = z.output<typeof proposalSchema>;

/**
 * The channel configuration as ledger state, at a block boundary. Plain JSON:
 * it is stored with every block and is part of the builder's snapshot.
 */
export const channelConfigSchema = z.strictObject({
  channel: channelNameSchema,
  kind: z.enum(CHANNEL_KINDS),
  /** The deciding member of a private channel; null otherwise. */
  owner: memberIdSchema.nullable(),
  /** txId and position of the genesis tx. */
  genesis: z.strictObject({ txId: hashHexSchema, at: logPositionSchema }),
  /** Every member ever admitted, sorted by id. */
  members: z.array(memberRecordSchema),
  policy: channelPolicySchema,
  /** Open proposals in the order they were opened. */
  proposals: z.array(proposalSchema),
});
export type ChannelConfig = z.output<typeof channelConfigSchema>;
