import { assertEd25519PublicKey, isProtocolError, x25519PublicKeyObject } from '@accord/protocol';
import { LogPosition, Proposal, ProposalVote } from './channel-config.schema';
import type { GovernanceChange } from './governance-change.events';
import { CloseBlockCommand, GovernanceCommand, GovernanceTxContext } from './governance.commands';
import { tallyVotes } from './governance.queries';
import { ChannelInfo, GovernanceState } from './governance.state';
import {
  ChannelPolicy,
  DEFAULT_POLICY,
  defaultQuorum,
  GenesisPayload,
  MemberKeysPayload,
  policyWithinBounds,
  VotePayload,
} from './governance-tx.schema';

/** The validity codes a governance decision may give (docs/ledger.md "Validity codes"). */
export type GovernanceRejectionCode = 'unknown_member' | 'not_authorized' | 'config_rejected';

/** The outcome of one command: `valid` with its changes, or the code of a tx that has no effect. */
export type GovernanceDecision =
  | { readonly code: 'valid'; readonly changes: readonly GovernanceChange[] }
  | { readonly code: GovernanceRejectionCode; readonly changes: readonly [] };

const NO_CHANGES: readonly [] = Object.freeze([]) as readonly [];
const UNCHANGED: GovernanceDecision = Object.freeze({ code: 'valid', changes: NO_CHANGES });
const REJECTED: { readonly [C in GovernanceRejectionCode]: GovernanceDecision } = {
  unknown_member: Object.freeze({ code: 'unknown_member', changes: NO_CHANGES }),
  not_authorized: Object.freeze({ code: 'not_authorized', changes: NO_CHANGES }),
  config_rejected: Object.freeze({ code: 'config_rejected', changes: NO_CHANGES }),
};

/**
 * The governance decider (docs/ledger.md "Channel configuration and
 * governance"): what one configuration tx, or the close of a block, does to
 * the channel configuration. Pure; the state is only read, evolve() applies
 * the changes. A tx reaches it after the size, schema, channel, signature
 * and replay checks; its signer was resolved with resolveSigner on the same
 * state.
 */
export function decide(command: GovernanceCommand, state: GovernanceState): GovernanceDecision {
  switch (command.type) {
    case 'block.close':
      return closeBlock(command, state);
    case 'channel.genesis':
      return genesis(command.payload, command.tx, state);
  }
  const { info, policy } = state;
  // resolveSigner already gave these txs unknown_member; the same answer if decide is reached anyway.
  if (info === null || policy === null) return REJECTED.unknown_member;
  switch (command.type) {
    case 'member.join.request':
      return joinRequest(command.payload, command.tx, info, policy, state);
    case 'member.join.vote':
      return vote(command.payload, command.tx, 'member.join', info, state);
    case 'member.join.approve':
      return approve(command.payload, command.tx, info, state);
    case 'member.leave':
      return leave(command.tx, info, state);
    case 'member.key.rotate':
      return rotate(command.payload, command.tx, state);
    case 'policy.change.propose':
      return proposePolicy(command.payload.policy, command.tx, info, policy, state);
    case 'policy.change.vote':
      return vote(command.payload, command.tx, 'policy.change', info, state);
    default: {
      const unreachable: never = command;
      throw new Error(`unhandled governance command ${JSON.stringify(unreachable)}`);
    }
  }
}

function valid(changes: readonly GovernanceChange[]): GovernanceDecision {
  return { code: 'valid', changes };
}

function genesis(payload: GenesisPayload, tx: GovernanceTxContext, state: GovernanceState): GovernanceDecision {
  if (state.info !== null) return REJECTED.config_rejected;
  const isPrivate = payload.kind === 'private';
  if (isPrivate && payload.owner !== undefined && tx.from !== payload.owner) return REJECTED.not_authorized;
  if (isPrivate !== (payload.owner !== undefined)) return REJECTED.config_rejected;
  const ids = new Set(payload.members.map((m) => m.id));
  if (ids.size !== payload.members.length) return REJECTED.config_rejected;
  if (payload.owner !== undefined && !ids.has(payload.owner)) return REJECTED.config_rejected;
  if (!payload.members.every((m) => keysImportable(m))) return REJECTED.config_rejected;
  const policy: ChannelPolicy = { ...DEFAULT_POLICY, quorum: defaultQuorum(payload.kind), ...payload.policy };
  if (!policyWithinBounds(policy, payload.members.length)) return REJECTED.config_rejected;

  const { at } = tx;
  const changes: GovernanceChange[] = [
    {
      type: 'channel_created',
      at,
      txId: tx.txId,
      kind: payload.kind,
      owner: payload.owner ?? null,
      // The genesis policy governs at once; block limits change only from the next block (BlockBuilder).
      policy,
      members: payload.members.map((m) => m.id),
    },
  ];
  for (const m of payload.members) changes.push(admitted(m.id, m, at, null));
  return valid(changes);
}

function joinRequest(
  keys: MemberKeysPayload,
  tx: GovernanceTxContext,
  info: ChannelInfo,
  policy: ChannelPolicy,
  state: GovernanceState,
): GovernanceDecision {
  const { from, at } = tx;
  if (state.members.get(from)?.status === 'active') return REJECTED.not_authorized;
  if (state.applicants.has(from)) return REJECTED.config_rejected;
  if (!keysImportable(keys)) return REJECTED.config_rejected;
  if (info.kind === 'public') return valid([admitted(from, keys, at, null)]);
  const proposal: Proposal = {
    type: 'member.join',
    id: tx.txId,
    proposer: from,
    openedAt: at,
    expiresAtHeight: at.height + policy.votingWindowBlocks,
    votes: [],
    applicant: { id: from, ed25519: keys.ed25519, x25519: keys.x25519 },
  };
  return valid([{ type: 'proposal_opened', at, proposal }]);
}

function vote(
  payload: VotePayload,
  tx: GovernanceTxContext,
  type: Proposal['type'],
  info: ChannelInfo,
  state: GovernanceState,
): GovernanceDecision {
  // Private channels have no votes: the owner decides joins and policy alone.
  if (info.kind === 'private' || (type === 'member.join' && info.kind === 'public')) return REJECTED.not_authorized;
  const proposal = state.proposals.get(payload.proposal);
  if (proposal === undefined || proposal.type !== type) return REJECTED.config_rejected;
  if (proposal.votes.some((v) => v.member === tx.from)) return REJECTED.config_rejected;
  const changes: GovernanceChange[] = [voteCast(proposal.id, tx.from, payload.approve, tx.at)];
  const votes = [...proposal.votes, { member: tx.from, approve: payload.approve, at: tx.at }];
  const outcome = verdict(votes, activeIds(state));
  if (outcome !== undefined) decideProposal(changes, proposal, outcome, tx.at);
  return valid(changes);
}

function approve(
  payload: VotePayload,
  tx: GovernanceTxContext,
  info: ChannelInfo,
  state: GovernanceState,
): GovernanceDecision {
  if (info.kind !== 'private' || tx.from !== info.owner) return REJECTED.not_authorized;
  const proposal = state.proposals.get(payload.proposal);
  if (proposal === undefined || proposal.type !== 'member.join') return REJECTED.config_rejected;
  const changes: GovernanceChange[] = [voteCast(proposal.id, tx.from, payload.approve, tx.at)];
  decideProposal(changes, proposal, payload.approve, tx.at);
  return valid(changes);
}

function leave(tx: GovernanceTxContext, info: ChannelInfo, state: GovernanceState): GovernanceDecision {
  const { from, at } = tx;
  // A private channel without its owner could never decide anything again.
  if (info.kind === 'private' && from === info.owner) return REJECTED.config_rejected;
  const member = state.members.get(from);
  if (member === undefined || member.status !== 'active') return REJECTED.config_rejected;
  const changes: GovernanceChange[] = [{ type: 'member_left', at, member: from }];
  if (info.kind !== 'private') {
    // Fewer voters: a proposal may now have its majority (or lost it for good). The count is of the
    // members active at each step, so an applicant admitted here counts for the proposals after its own.
    const active = activeIds(state);
    active.delete(from);
    for (const proposal of state.proposals.values()) {
      const outcome = verdict(proposal.votes, active);
      if (outcome === undefined) continue;
      decideProposal(changes, proposal, outcome, at);
      if (outcome && proposal.type === 'member.join') active.add(proposal.applicant.id);
    }
  }
  return valid(changes);
}

function rotate(keys: MemberKeysPayload, tx: GovernanceTxContext, state: GovernanceState): GovernanceDecision {
  if (state.pendingRotations.has(tx.from)) return REJECTED.config_rejected;
  if (!keysImportable(keys)) return REJECTED.config_rejected;
  return valid([{ type: 'key_rotation_requested', member: tx.from, keys }]);
}

function proposePolicy(
  policy: ChannelPolicy,
  tx: GovernanceTxContext,
  info: ChannelInfo,
  current: ChannelPolicy,
  state: GovernanceState,
): GovernanceDecision {
  const { from, at } = tx;
  if (info.kind === 'private' && from !== info.owner) return REJECTED.not_authorized;
  if (!policyWithinBounds(policy, state.activeCount)) return REJECTED.config_rejected;
  if (info.kind === 'private') return valid([{ type: 'policy_scheduled', policy, proposal: tx.txId }]);
  const proposal: Proposal = {
    type: 'policy.change',
    id: tx.txId,
    proposer: from,
    openedAt: at,
    expiresAtHeight: at.height + current.votingWindowBlocks,
    votes: [],
    policy,
  };
  // Proposing is voting for it.
  const changes: GovernanceChange[] = [
    { type: 'proposal_opened', at, proposal },
    voteCast(proposal.id, from, true, at),
  ];
  const outcome = verdict([{ member: from, approve: true, at }], activeIds(state));
  if (outcome !== undefined) decideProposal(changes, proposal, outcome, at);
  return valid(changes);
}

function closeBlock({ height }: CloseBlockCommand, state: GovernanceState): GovernanceDecision {
  // Most blocks change nothing here: no allocation unless something is due.
  let changes: GovernanceChange[] | undefined;
  for (const [id, keys] of state.pendingRotations) {
    const member = state.members.get(id);
    if (member === undefined || member.status !== 'active') continue;
    (changes ??= []).push({ type: 'key_rotated', height, member: id, ed25519: keys.ed25519, x25519: keys.x25519 });
  }
  for (const { policy, proposal } of state.pendingPolicies) {
    (changes ??= []).push({ type: 'policy_changed', height, policy, proposal });
  }
  if (state.pendingRotations.size > 0 || state.pendingPolicies.length > 0) {
    (changes ??= []).push({ type: 'pending_cleared', height });
  }
  for (const proposal of state.proposals.values()) {
    if (proposal.expiresAtHeight > height) continue;
    (changes ??= []).push({ type: 'proposal_expired', height, proposal: proposal.id });
  }
  return changes === undefined ? UNCHANGED : valid(changes);
}

/** Majority of the members active now: true (approved) when yes > n/2, false (rejected) when no >= n/2. */
function verdict(votes: readonly ProposalVote[], active: ReadonlySet<string>): boolean | undefined {
  if (active.size === 0) return undefined;
  const tally = tallyVotes(votes, active);
  if (tally.yes >= tally.approveAt) return true;
  if (tally.no >= tally.rejectAt) return false;
  return undefined;
}

/** Closes a proposal; an approved one admits its applicant or schedules its policy. */
function decideProposal(changes: GovernanceChange[], proposal: Proposal, approved: boolean, at: LogPosition): void {
  changes.push({ type: approved ? 'proposal_approved' : 'proposal_rejected', at, proposal: proposal.id });
  if (!approved) return;
  if (proposal.type === 'member.join')
    changes.push(admitted(proposal.applicant.id, proposal.applicant, at, proposal.id));
  else changes.push({ type: 'policy_scheduled', policy: proposal.policy, proposal: proposal.id });
}

function admitted(member: string, keys: MemberKeysPayload, at: LogPosition, proposal: string | null): GovernanceChange {
  return { type: 'member_admitted', at, member, ed25519: keys.ed25519, x25519: keys.x25519, proposal };
}

function voteCast(proposal: string, member: string, approve: boolean, at: LogPosition): GovernanceChange {
  return { type: 'vote_cast', at, proposal, member, approve };
}

function activeIds(state: GovernanceState): Set<string> {
  const ids = new Set<string>();
  for (const m of state.members.values()) if (m.status === 'active') ids.add(m.id);
  return ids;
}

function keysImportable(keys: { ed25519: string; x25519: string }): boolean {
  try {
    assertEd25519PublicKey(keys.ed25519);
    x25519PublicKeyObject(keys.x25519);
    return true;
  } catch (error) {
    if (isProtocolError(error)) return false;
    throw error;
  }
}
