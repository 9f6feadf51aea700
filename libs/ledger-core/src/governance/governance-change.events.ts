import type { LogPosition, Proposal } from './channel-config.schema';
import type { ChannelKind, ChannelPolicy, MemberKeysPayload } from './governance-tx.schema';
import type { GovernanceEvent, KeyChange } from './governance.events';

/**
 * What a governance decision changes, in order: the decider's events, which
 * evolve() applies to the state. Each carries everything its effect needs,
 * so evolving reads nothing from the tx. `at` is the causing tx; changes
 * without it happen when block `height` closes. The block's published
 * GovernanceEvents and KeyChanges are projections of them
 * (publishedEvent, keyChangeOf).
 */
export type GovernanceChange =
  | {
      readonly type: 'channel_created';
      readonly at: LogPosition;
      readonly txId: string;
      readonly kind: ChannelKind;
      readonly owner: string | null;
      readonly policy: ChannelPolicy;
      /** The founding members, each admitted by a `member_admitted` that follows. */
      readonly members: readonly string[];
    }
  | {
      readonly type: 'member_admitted';
      readonly at: LogPosition;
      readonly member: string;
      readonly ed25519: string;
      readonly x25519: string;
      /** The join proposal that admitted it; null for the genesis and a public channel's join request. */
      readonly proposal: string | null;
    }
  | { readonly type: 'member_left'; readonly at: LogPosition; readonly member: string }
  /** A key rotation waiting for its block to close. */
  | { readonly type: 'key_rotation_requested'; readonly member: string; readonly keys: MemberKeysPayload }
  /** The proposal as opened, with no votes yet. */
  | { readonly type: 'proposal_opened'; readonly at: LogPosition; readonly proposal: Proposal }
  | {
      readonly type: 'vote_cast';
      readonly at: LogPosition;
      readonly proposal: string;
      readonly member: string;
      readonly approve: boolean;
    }
  /** Closes the proposal; what it approved follows as `member_admitted` or `policy_scheduled`. */
  | { readonly type: 'proposal_approved'; readonly at: LogPosition; readonly proposal: string }
  | { readonly type: 'proposal_rejected'; readonly at: LogPosition; readonly proposal: string }
  /** A policy change waiting for its block to close. */
  | { readonly type: 'policy_scheduled'; readonly policy: ChannelPolicy; readonly proposal: string }
  /** New keys in force from height + 1. */
  | {
      readonly type: 'key_rotated';
      readonly height: number;
      readonly member: string;
      readonly ed25519: string;
      readonly x25519: string;
    }
  | {
      readonly type: 'policy_changed';
      readonly height: number;
      readonly policy: ChannelPolicy;
      readonly proposal: string;
    }
  /** Every pending rotation and policy change was settled when the block closed. */
  | { readonly type: 'pending_cleared'; readonly height: number }
  | { readonly type: 'proposal_expired'; readonly height: number; readonly proposal: string };

export type GovernanceChangeType = GovernanceChange['type'];

/** The governance event a change publishes with its block (docs/ledger.md), if any. */
export function publishedEvent(change: GovernanceChange): GovernanceEvent | undefined {
  switch (change.type) {
    case 'channel_created':
      return {
        type: 'channel_created',
        height: change.at.height,
        index: change.at.index,
        kind: change.kind,
        owner: change.owner,
        members: change.members,
      };
    case 'member_admitted':
      return {
        type: 'member_admitted',
        height: change.at.height,
        index: change.at.index,
        member: change.member,
        ed25519: change.ed25519,
        x25519: change.x25519,
        proposal: change.proposal,
      };
    case 'member_left':
      return { type: 'member_left', height: change.at.height, index: change.at.index, member: change.member };
    case 'proposal_opened': {
      const { proposal } = change;
      return {
        type: 'proposal_opened',
        height: change.at.height,
        index: change.at.index,
        proposal: proposal.id,
        proposalType: proposal.type,
        proposer: proposal.proposer,
      };
    }
    case 'vote_cast':
      return {
        type: 'vote_cast',
        height: change.at.height,
        index: change.at.index,
        proposal: change.proposal,
        member: change.member,
        approve: change.approve,
      };
    case 'proposal_approved':
    case 'proposal_rejected':
      return { type: change.type, height: change.at.height, index: change.at.index, proposal: change.proposal };
    case 'key_rotated':
      return {
        type: 'key_rotated',
        height: change.height,
        index: null,
        member: change.member,
        ed25519: change.ed25519,
        x25519: change.x25519,
      };
    case 'policy_changed':
      return {
        type: 'policy_changed',
        height: change.height,
        index: null,
        policy: change.policy,
        proposal: change.proposal,
      };
    case 'proposal_expired':
      return { type: 'proposal_expired', height: change.height, index: null, proposal: change.proposal };
    case 'key_rotation_requested':
    case 'policy_scheduled':
    case 'pending_cleared':
      return undefined;
    default: {
      const unreachable: never = change;
      throw new Error(`unhandled governance change ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The change of signing key a change makes (for KeyHistory), if any. */
export function keyChangeOf(change: GovernanceChange): KeyChange | undefined {
  switch (change.type) {
    case 'member_admitted':
      return { member: change.member, at: change.at, scope: 'from', ed25519: change.ed25519 };
    case 'member_left':
      // The leave tx itself was signed with the key; from the next position on there is none.
      return {
        member: change.member,
        at: { height: change.at.height, index: change.at.index + 1 },
        scope: 'from',
        ed25519: null,
      };
    case 'key_rotated':
      return {
        member: change.member,
        at: { height: change.height + 1, index: 0 },
        scope: 'from',
        ed25519: change.ed25519,
      };
    case 'channel_created':
    case 'key_rotation_requested':
    case 'proposal_opened':
    case 'vote_cast':
    case 'proposal_approved':
    case 'proposal_rejected':
    case 'policy_scheduled':
    case 'policy_changed':
    case 'pending_cleared':
    case 'proposal_expired':
      return undefined;
    default: {
      const unreachable: never = change;
      throw new Error(`unhandled governance change ${JSON.stringify(unreachable)}`);
    }
  }
}
