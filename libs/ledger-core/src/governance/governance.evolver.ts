import { LedgerCoreError } from '../errors/ledger-core.errors';
import { MemberRecord, Proposal } from './channel-config.schema';
import type { GovernanceChange } from './governance-change.events';
import type { MemberKeysPayload } from './governance-tx.schema';
import { ChannelInfo, GovernanceState, PendingPolicy } from './governance.state';

/** A copy of the state whose maps may be written; the records in them are shared and never modified. */
export interface GovernanceDraft extends GovernanceState {
  info: ChannelInfo | null;
  policy: GovernanceState['policy'];
  activeCount: number;
  readonly members: Map<string, MemberRecord>;
  readonly proposals: Map<string, Proposal>;
  readonly applicants: Map<string, string>;
  readonly pendingRotations: Map<string, MemberKeysPayload>;
  readonly pendingPolicies: PendingPolicy[];
}

/**
 * Applies a change to the state (the decider's evolve), returning a new
 * state; the input is not modified. Changes come from decide() on the same
 * state; one that does not fit it (a member or proposal missing) throws
 * `config.invalid`.
 */
export function evolve(state: GovernanceState, change: GovernanceChange): GovernanceState {
  const draft = draftOf(state);
  applyChange(draft, change);
  return draft;
}

/**
 * A copy whose maps may be written. The block builder takes one per block
 * that has governance changes and applies them all to it, so a block costs
 * one copy however many governance txs it holds.
 */
export function draftOf(state: GovernanceState): GovernanceDraft {
  return {
    channel: state.channel,
    info: state.info,
    policy: state.policy,
    members: new Map(state.members),
    activeCount: state.activeCount,
    proposals: new Map(state.proposals),
    applicants: new Map(state.applicants),
    pendingRotations: new Map(state.pendingRotations),
    pendingPolicies: [...state.pendingPolicies],
  };
}

/** Writes a change's effects into a draft (records are replaced, never mutated). */
export function applyChange(draft: GovernanceDraft, change: GovernanceChange): void {
  switch (change.type) {
    case 'channel_created':
      if (draft.info !== null) throw invalid(change, 'the channel exists already');
      draft.info = { kind: change.kind, owner: change.owner, genesis: { txId: change.txId, at: change.at } };
      draft.policy = change.policy;
      return;
    case 'member_admitted': {
      const { member, at } = change;
      if (draft.members.get(member)?.status !== 'active') draft.activeCount++;
      draft.members.set(member, {
        id: member,
        status: 'active',
        ed25519: change.ed25519,
        x25519: change.x25519,
        keysSince: at,
        joinedAt: at,
        leftAt: null,
      });
      return;
    }
    case 'member_left': {
      const member = draft.members.get(change.member);
      if (member === undefined || member.status !== 'active') throw invalid(change, `${change.member} is not active`);
      draft.members.set(member.id, { ...member, status: 'removed', leftAt: change.at });
      draft.activeCount--;
      draft.pendingRotations.delete(member.id);
      return;
    }
    case 'key_rotation_requested':
      draft.pendingRotations.set(change.member, change.keys);
      return;
    case 'proposal_opened': {
      const { proposal } = change;
      draft.proposals.set(proposal.id, proposal);
      if (proposal.type === 'member.join') draft.applicants.set(proposal.applicant.id, proposal.id);
      return;
    }
    case 'vote_cast': {
      const proposal = requiredProposal(draft, change.proposal, change);
      const vote = { member: change.member, approve: change.approve, at: change.at };
      draft.proposals.set(proposal.id, { ...proposal, votes: [...proposal.votes, vote] });
      return;
    }
    case 'proposal_approved':
    case 'proposal_rejected':
    case 'proposal_expired':
      closeProposal(draft, requiredProposal(draft, change.proposal, change));
      return;
    case 'policy_scheduled':
      draft.pendingPolicies.push({ policy: change.policy, proposal: change.proposal });
      return;
    case 'key_rotated': {
      const member = draft.members.get(change.member);
      if (member === undefined) throw invalid(change, `${change.member} is not a member`);
      const keysSince = { height: change.height + 1, index: 0 };
      draft.members.set(member.id, { ...member, ed25519: change.ed25519, x25519: change.x25519, keysSince });
      return;
    }
    case 'policy_changed':
      draft.policy = change.policy;
      return;
    case 'pending_cleared':
      draft.pendingRotations.clear();
      draft.pendingPolicies.length = 0;
      return;
    default: {
      const unreachable: never = change;
      throw new Error(`unhandled governance change ${JSON.stringify(unreachable)}`);
    }
  }
}

function closeProposal(draft: GovernanceDraft, proposal: Proposal): void {
  draft.proposals.delete(proposal.id);
  if (proposal.type === 'member.join') draft.applicants.delete(proposal.applicant.id);
}

function requiredProposal(draft: GovernanceDraft, id: string, change: GovernanceChange): Proposal {
  const proposal = draft.proposals.get(id);
  if (proposal === undefined) throw invalid(change, `no proposal ${id} is open`);
  return proposal;
}

function invalid(change: GovernanceChange, reason: string): LedgerCoreError {
  return new LedgerCoreError('config.invalid', `governance change ${change.type} does not fit the state: ${reason}`, {
    change: change.type,
  });
}
