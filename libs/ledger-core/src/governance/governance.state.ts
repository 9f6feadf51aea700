import { txSignerKey } from '@accord/protocol';
import type { ParsedTx } from '../block/log-record.parser';
import { ChannelConfig, MemberRecord, Proposal } from './channel-config.schema';
import { ChannelKind, ChannelPolicy, MemberKeysPayload } from './governance-tx.schema';

/** What a genesis fixed for good: the channel's kind, its owner and where it was created. */
export interface ChannelInfo {
  readonly kind: ChannelKind;
  readonly owner: string | null;
  readonly genesis: ChannelConfig['genesis'];
}

/** A policy change that takes effect when its block closes (a private owner's proposal, an approved one). */
export interface PendingPolicy {
  readonly policy: ChannelPolicy;
  readonly proposal: string;
}

/**
 * The channel configuration as the governance decider's state: decide()
 * reads it, evolve() returns the next one; records are replaced, never
 * modified. Membership changes apply at once; key rotations and policy
 * changes wait in `pendingRotations` / `pendingPolicies` until the block
 * closes, so both are empty at block boundaries.
 */
export interface GovernanceState {
  readonly channel: string;
  /** null before the genesis. */
  readonly info: ChannelInfo | null;
  /** The policy in force (null before the genesis). */
  readonly policy: ChannelPolicy | null;
  /** Every member ever admitted, by id. */
  readonly members: ReadonlyMap<string, MemberRecord>;
  /** How many of `members` are active. */
  readonly activeCount: number;
  /** Open proposals with their votes; a Map iterates in insertion order, which is the order they were opened. */
  readonly proposals: ReadonlyMap<string, Proposal>;
  /** Join proposals by applicant id: at most one pending request per id. */
  readonly applicants: ReadonlyMap<string, string>;
  readonly pendingRotations: ReadonlyMap<string, MemberKeysPayload>;
  readonly pendingPolicies: readonly PendingPolicy[];
}

/** A channel before its genesis. */
export function initialGovernanceState(channel: string): GovernanceState {
  return {
    channel,
    info: null,
    policy: null,
    members: new Map(),
    activeCount: 0,
    proposals: new Map(),
    applicants: new Map(),
    pendingRotations: new Map(),
    pendingPolicies: [],
  };
}

/** The state a configuration stored at a block boundary stands for (null: no genesis yet). */
export function governanceStateOf(channel: string, config: ChannelConfig | null): GovernanceState {
  if (config === null) return initialGovernanceState(channel);
  const members = new Map<string, MemberRecord>();
  let activeCount = 0;
  for (const m of config.members) {
    members.set(m.id, { ...m });
    if (m.status === 'active') activeCount++;
  }
  const proposals = new Map<string, Proposal>();
  const applicants = new Map<string, string>();
  for (const p of config.proposals) {
    proposals.set(p.id, { ...p, votes: p.votes.map((v) => ({ ...v })) });
    if (p.type === 'member.join') applicants.set(p.applicant.id, p.id);
  }
  return {
    channel,
    info: { kind: config.kind, owner: config.owner, genesis: config.genesis },
    policy: config.policy,
    members,
    activeCount,
    proposals,
    applicants,
    pendingRotations: new Map(),
    pendingPolicies: [],
  };
}

/** The configuration as plain JSON (meaningful at block boundaries, where nothing is pending). */
export function toChannelConfig(state: GovernanceState): ChannelConfig | null {
  const { info, policy } = state;
  if (info === null || policy === null) return null;
  const members: MemberRecord[] = [...state.members.values()]
    .map((m) => ({
      ...m,
      keysSince: { ...m.keysSince },
      joinedAt: { ...m.joinedAt },
      leftAt: m.leftAt === null ? null : { ...m.leftAt },
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const proposals: Proposal[] = [...state.proposals.values()].map((p) => ({
    ...p,
    votes: p.votes.map((v) => ({ ...v })),
  }));
  return {
    channel: state.channel,
    kind: info.kind,
    owner: info.owner,
    genesis: info.genesis,
    members,
    policy,
    proposals,
  };
}

/** Which key checks a tx's signature, or why none does. */
export type SignerResolution =
  | {
      readonly ok: true;
      readonly key: string;
      /** true when the key comes from the tx's own payload (genesis, join request) */ readonly fromPayload: boolean;
    }
  | { readonly ok: false; readonly code: 'unknown_member' | 'removed_member' };

/** The key that checks `tx`'s signature in `state` (docs/ledger.md: unknown_member and removed_member come first). */
export function resolveSigner(state: GovernanceState, tx: Pick<ParsedTx, 'envelope' | 'governance'>): SignerResolution {
  const { from } = tx.envelope.body;
  const gov = tx.governance;
  if (state.info === null) {
    // Before genesis nobody is a member; only a founding member's genesis can be checked.
    if (gov?.type === 'channel.genesis') {
      const founder = gov.payload.members.find((m) => m.id === from);
      if (founder !== undefined) return { ok: true, key: founder.ed25519, fromPayload: true };
    }
    return { ok: false, code: 'unknown_member' };
  }
  const member = state.members.get(from);
  // Shared with the proof verifier: a current member's own key, else a join request's payload key.
  const signer = txSignerKey(tx.envelope.body, member?.status === 'active' ? member.ed25519 : undefined);
  if (signer !== undefined) return { ok: true, ...signer };
  return { ok: false, code: member === undefined ? 'unknown_member' : 'removed_member' };
}
