import type { JsonObject } from '@accord/protocol';
import {
  findMemberRecord,
  findProposal,
  policyBoundsViolation,
  type ChannelConfig,
  type ChannelPolicy,
  type GenesisPayload,
  type GovernanceTxType,
} from '@accord/ledger-core';
import { InvalidGenesisError } from '../ledger.errors';
import {
  AlreadyMemberError,
  AlreadyVotedError,
  JoinPendingError,
  MemberKeysMismatchError,
  NotChannelMemberError,
  NotChannelOwnerError,
  OwnerCannotLeaveError,
  PolicyInvalidError,
  ProposalNotFoundError,
} from './governance-actions.errors';

/** The department acting: its id and the public keys of its key file. */
export interface ActingDepartment {
  readonly id: string;
  readonly ed25519: string;
  readonly x25519: string;
}

/** A governance action of a department on a channel that exists (has a configuration). */
export type GovernanceAction =
  | { readonly type: 'join' }
  | { readonly type: 'leave' }
  | { readonly type: 'propose'; readonly policy: Partial<ChannelPolicy> }
  | { readonly type: 'vote'; readonly proposal: string; readonly approve: boolean };

/** The configuration tx an action signs. */
export interface PlannedTx {
  readonly type: GovernanceTxType;
  readonly payload: JsonObject;
}

/**
 * The tx a governance action signs, given the channel configuration: or the
 * typed error naming what the governance decider (ledger-core decide) would
 * reject it for. Pure; the block builders remain the authority, this only
 * keeps a tx that cannot take effect off the log and tells why.
 */
export function planGovernanceTx(action: GovernanceAction, config: ChannelConfig, self: ActingDepartment): PlannedTx {
  switch (action.type) {
    case 'join':
      return planJoin(config, self);
    case 'leave':
      return planLeave(config, self);
    case 'propose':
      return planPolicyProposal(action.policy, config, self);
    case 'vote':
      return planVote(action.proposal, action.approve, config, self);
    default: {
      const unreachable: never = action;
      throw new Error(`unhandled governance action ${JSON.stringify(unreachable)}`);
    }
  }
}

function planJoin(config: ChannelConfig, self: ActingDepartment): PlannedTx {
  if (findMemberRecord(config, self.id)?.status === 'active') throw new AlreadyMemberError(config.channel, self.id);
  const open = config.proposals.find((p) => p.type === 'member.join' && p.applicant.id === self.id);
  if (open !== undefined) throw new JoinPendingError(config.channel, self.id, open.id);
  return { type: 'member.join.request', payload: { ed25519: self.ed25519, x25519: self.x25519 } };
}

function planLeave(config: ChannelConfig, self: ActingDepartment): PlannedTx {
  activeMember(config, self);
  if (config.kind === 'private' && config.owner === self.id) throw new OwnerCannotLeaveError(config.channel, self.id);
  return { type: 'member.leave', payload: {} };
}

function planPolicyProposal(change: Partial<ChannelPolicy>, config: ChannelConfig, self: ActingDepartment): PlannedTx {
  activeMember(config, self);
  if (config.kind === 'private' && config.owner !== self.id)
    throw new NotChannelOwnerError(config.channel, self.id, config.owner);
  // A proposal carries a complete policy: the one in force with the changed fields.
  const policy: ChannelPolicy = { ...config.policy, ...change };
  const active = config.members.filter((m) => m.status === 'active').length;
  const violation = policyBoundsViolation(policy, active);
  if (violation !== undefined) throw new PolicyInvalidError(violation.message, violation.field);
  return { type: 'policy.change.propose', payload: { policy: policy as unknown as JsonObject } };
}

function planVote(proposalId: string, approve: boolean, config: ChannelConfig, self: ActingDepartment): PlannedTx {
  activeMember(config, self);
  const proposal = findProposal(config, proposalId);
  if (proposal === undefined) throw new ProposalNotFoundError(config.channel, proposalId);
  const earlier = proposal.votes.find((v) => v.member === self.id);
  if (earlier !== undefined) throw new AlreadyVotedError(config.channel, proposal.id, self.id, earlier.approve);
  const payload = { proposal: proposal.id, approve };
  if (proposal.type === 'policy.change') return { type: 'policy.change.vote', payload };
  // Joins: a majority vote on an alliance channel, the owner's decision on a private one (public ones admit at once).
  if (config.kind !== 'private') return { type: 'member.join.vote', payload };
  if (config.owner !== self.id) throw new NotChannelOwnerError(config.channel, self.id, config.owner);
  return { type: 'member.join.approve', payload };
}

/** Throws unless the department is an active member listed with its own signing key (else its txs are bad_signature). */
function activeMember(config: ChannelConfig, self: ActingDepartment): void {
  const record = findMemberRecord(config, self.id);
  if (record?.status !== 'active') throw new NotChannelMemberError(config.channel, self.id);
  if (record.ed25519 !== self.ed25519) throw new MemberKeysMismatchError(config.channel, self.id);
}

/** What POST /v1/channels/:channel/genesis asks for: the genesis payload but for an optional policy. */
export type GenesisRequest = Omit<GenesisPayload, 'policy'> & { readonly policy?: GenesisPayload['policy'] };

/**
 * The genesis payload this department signs: it must be a founding member
 * listed with its own keys, or its signature could not create the channel.
 * The rest (owner, distinct members, policy bounds) is checkGenesis's, on
 * the signed envelope, as for POST /v1/channels.
 */
export function planGenesis(request: GenesisRequest, self: ActingDepartment): GenesisPayload {
  const listed = request.members.find((m) => m.id === self.id);
  if (listed === undefined)
    throw new InvalidGenesisError(`this department (${self.id}) must be one of the founding members`, {
      reason: 'genesis.signer',
    });
  if (listed.ed25519 !== self.ed25519 || listed.x25519 !== self.x25519) {
    throw new InvalidGenesisError(`the keys listed for ${self.id} are not this department's own`, {
      reason: 'genesis.own_keys',
    });
  }
  return { ...request, policy: request.policy ?? {} };
}
