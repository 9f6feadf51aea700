import {
  hashHexSchema,
  hexSchema,
  jsonObjectSchema,
  memberIdSchema,
  type MemberKeysPayload,
  memberKeysPayloadSchema,
  uintSchema,
} from '@accord/protocol';
import { z } from 'zod';

/** Configuration tx types (docs/ledger.md "Channel configuration and governance"). */
export const GOVERNANCE_TX_TYPES = [
  'channel.genesis',
  'member.join.request',
  'member.join.vote',
  'member.join.approve',
  'member.leave',
  'member.key.rotate',
  'policy.change.propose',
  'policy.change.vote',
] as const;

export type GovernanceTxType = (typeof GOVERNANCE_TX_TYPES)[number];

const governanceTypes: ReadonlySet<string> = new Set(GOVERNANCE_TX_TYPES);

export function isGovernanceTxType(type: string): type is GovernanceTxType {
  return governanceTypes.has(type);
}

export const CHANNEL_KINDS = ['public', 'alliance', 'private'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Finality quorum: every active member, more than half of them, or a fixed number (capped at the active count). */
export const quorumSchema = z.union([z.literal('all'), z.literal('majority'), z.int().min(1)]);
export type Quorum = z.output<typeof quorumSchema>;

/**
 * A complete channel policy. The schema checks types only; the bounds
 * (POLICY_BOUNDS) are a governance decision, so a policy outside them is
 * `config_rejected`, not `schema_error`.
 */
export const channelPolicySchema = z.strictObject({
  quorum: quorumSchema,
  maxTxPerBlock: uintSchema,
  maxBlockBytes: uintSchema,
  maxTxBytes: uintSchema,
  batchTimeoutMs: uintSchema,
  votingWindowBlocks: uintSchema,
  /** The contracts' parameters; opaque to the ledger. */
  rules: jsonObjectSchema,
});
export type ChannelPolicy = z.output<typeof channelPolicySchema>;

/** Inclusive bounds of the numeric policy fields. */
export const POLICY_BOUNDS = {
  maxTxPerBlock: { min: 1, max: 100_000 },
  maxBlockBytes: { min: 1024, max: 1024 * 1024 * 1024 },
  maxTxBytes: { min: 1024, max: 16 * 1024 * 1024 },
  batchTimeoutMs: { min: 1, max: 3_600_000 },
  votingWindowBlocks: { min: 1, max: 1_000_000 },
} as const;

/** The first field of a policy that the governance rules refuse, and why. */
export interface PolicyBoundsViolation {
  readonly field: keyof typeof POLICY_BOUNDS | 'quorum';
  readonly message: string;
}

/**
 * Why a policy is out of bounds (a numeric field outside POLICY_BOUNDS, a
 * fixed quorum larger than the member count), or undefined when it is
 * within them. The decider's rule; services use it to refuse such a policy
 * with the reason before it reaches the log.
 */
export function policyBoundsViolation(policy: ChannelPolicy, activeMembers: number): PolicyBoundsViolation | undefined {
  for (const [field, { min, max }] of Object.entries(POLICY_BOUNDS) as [
    keyof typeof POLICY_BOUNDS,
    { min: number; max: number },
  ][]) {
    const value = policy[field];
    if (value < min || value > max) return { field, message: `policy.${field} must be from ${min} to ${max}` };
  }
  if (typeof policy.quorum === 'number' && policy.quorum > activeMembers) {
    return {
      field: 'quorum',
      message: `policy.quorum ${policy.quorum} is more than the ${activeMembers} active member(s)`,
    };
  }
  return undefined;
}

/** Numeric fields within POLICY_BOUNDS and a fixed quorum no larger than the member count. */
export function policyWithinBounds(policy: ChannelPolicy, activeMembers: number): boolean {
  return policyBoundsViolation(policy, activeMembers) === undefined;
}

/** Defaults for the fields a genesis policy leaves out; the quorum default depends on the kind. */
export const DEFAULT_POLICY: Omit<ChannelPolicy, 'quorum'> = {
  maxTxPerBlock: 500,
  maxBlockBytes: 4 * 1024 * 1024,
  maxTxBytes: 256 * 1024,
  batchTimeoutMs: 200,
  votingWindowBlocks: 1000,
  rules: {},
};

export function defaultQuorum(kind: ChannelKind): Quorum {
  return kind === 'public' ? 'majority' : 'all';
}

/** Block limits before a channel's genesis takes effect (no policy exists yet). */
export const PRE_GENESIS_LIMITS = {
  maxTxPerBlock: DEFAULT_POLICY.maxTxPerBlock,
  maxBlockBytes: DEFAULT_POLICY.maxBlockBytes,
  maxTxBytes: DEFAULT_POLICY.maxTxBytes,
} as const;

// The join request's schema lives in protocol with the rule for which key signs it (txSignerKey).
export { memberKeysPayloadSchema, type MemberKeysPayload } from '@accord/protocol';

export const genesisMemberSchema = z.strictObject({
  id: memberIdSchema,
  ed25519: hexSchema(32),
  x25519: hexSchema(32),
});

/** The genesis policy may leave out any field; defaults fill them in. */
export const genesisPolicySchema = channelPolicySchema.partial();

export const genesisPayloadSchema = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  /** Required for (and only allowed on) private channels. */
  owner: memberIdSchema.optional(),
  members: z.array(genesisMemberSchema).min(1).max(1000),
  policy: genesisPolicySchema,
});

export const voteSchema = z.strictObject({
  /** The proposal id: txId of the request or proposal that opened it. */
  proposal: hashHexSchema,
  approve: z.boolean(),
});

export const emptyPayloadSchema = z.strictObject({});

export const policyProposalSchema = z.strictObject({ policy: channelPolicySchema });

export type GenesisPayload = z.output<typeof genesisPayloadSchema>;
export type VotePayload = z.output<typeof voteSchema>;
export type PolicyProposalPayload = z.output<typeof policyProposalSchema>;

/** A configuration tx's payload after its schema check, tagged by tx type. */
export type GovernancePayload =
  | { readonly type: 'channel.genesis'; readonly payload: GenesisPayload }
  | { readonly type: 'member.join.request'; readonly payload: MemberKeysPayload }
  | { readonly type: 'member.join.vote'; readonly payload: VotePayload }
  | { readonly type: 'member.join.approve'; readonly payload: VotePayload }
  | { readonly type: 'member.leave'; readonly payload: Record<string, never> }
  | { readonly type: 'member.key.rotate'; readonly payload: MemberKeysPayload }
  | { readonly type: 'policy.change.propose'; readonly payload: PolicyProposalPayload }
  | { readonly type: 'policy.change.vote'; readonly payload: VotePayload };

const payloadSchemas: { readonly [T in GovernanceTxType]: z.ZodType } = {
  'channel.genesis': genesisPayloadSchema,
  'member.join.request': memberKeysPayloadSchema,
  'member.join.vote': voteSchema,
  'member.join.approve': voteSchema,
  'member.leave': emptyPayloadSchema,
  'member.key.rotate': memberKeysPayloadSchema,
  'policy.change.propose': policyProposalSchema,
  'policy.change.vote': voteSchema,
};

/**
 * Checks a configuration tx's payload against its schema. Returns undefined
 * when it does not match (the tx is then `schema_error`).
 */
export function parseGovernancePayload(type: GovernanceTxType, payload: unknown): GovernancePayload | undefined {
  const result = payloadSchemas[type].safeParse(payload);
  return result.success ? ({ type, payload: result.data } as GovernancePayload) : undefined;
}
