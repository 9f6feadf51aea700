import {
  assertEd25519PublicKey,
  isProtocolError,
  txSignerKey,
  ValidityCode,
  x25519PublicKeyObject,
} from '@accord/protocol';
import type { ParsedTx } from '../block/log-record.parser';
import {
  ChannelConfig,
  LogPosition,
  MemberRecord,
  MemberStatus,
  Proposal,
  ProposalVote,
} from './channel-config.schema';
import {
  ChannelKind,
  ChannelPolicy,
  DEFAULT_POLICY,
  defaultQuorum,
  GenesisPayload,
  MemberKeysPayload,
  policyWithinBounds,
  VotePayload,
} from './governance-tx.schema';
import type { GovernanceEvent, KeyChange } from './governance.events';
import { tallyVotes } from './governance.queries';

/** Which key checks a tx's signature, or why none does. */
export type SignerResolution =
  | {
      readonly ok: true;
      readonly key: string;
      /** true when the key comes from the tx's own payload (genesis, join request) */ readonly fromPayload: boolean;
    }
  | { readonly ok: false; readonly code: 'unknown_member' | 'removed_member' };

interface MemberState {
  readonly id: string;
  status: MemberStatus;
  ed25519: string;
  x25519: string;
  keysSince: LogPosition;
  joinedAt: LogPosition;
  leftAt: LogPosition | null;
}

interface ProposalState {
  readonly proposal: Proposal;
  readonly votes: ProposalVote[];
  readonly voters: Set<string>;
}

interface Channel {
  readonly kind: ChannelKind;
  readonly owner: string | null;
  readonly genesis: ChannelConfig['genesis'];
}

/**
 * The channel configuration as a mutable state machine, driven by the block
 * builder: `resolveSigner` and `decide` for each tx in log order (after the
 * size, schema, channel, signature and replay checks), `closeBlock` when its
 * block closes. Membership changes apply at once; key rotations and policy
 * changes are held until the block closes. Everything is a function of the
 * txs fed in, so replicas agree.
 */
export class GovernanceState {
  private channelInfo: Channel | null = null;
  private readonly members = new Map<string, MemberState>();
  private policyInForce: ChannelPolicy | null = null;
  /** Open proposals; a Map iterates in insertion order, which is the order they were opened. */
  private readonly proposals = new Map<string, ProposalState>();
  /** Join proposals by applicant id: at most one pending request per id. */
  private readonly pendingApplicants = new Map<string, string>();
  private readonly pendingRotations = new Map<string, MemberKeysPayload>();
  private readonly pendingPolicies: { policy: ChannelPolicy; proposal: string }[] = [];
  private activeCount = 0;
  private events: GovernanceEvent[] = [];
  private keyChanges: KeyChange[] = [];

  constructor(
    readonly channel: string,
    config: ChannelConfig | null,
  ) {
    if (config !== null) this.restore(config);
  }

  get exists(): boolean {
    return this.channelInfo !== null;
  }

  /** The policy in force (null before genesis). */
  get policy(): ChannelPolicy | null {
    return this.policyInForce;
  }

  /** The key that checks `tx`'s signature now (docs/ledger.md: unknown_member and removed_member come first). */
  resolveSigner(tx: Pick<ParsedTx, 'envelope' | 'governance'>): SignerResolution {
    const { from } = tx.envelope.body;
    const gov = tx.governance;
    if (this.channelInfo === null) {
      // Before genesis nobody is a member; only a founding member's genesis can be checked.
      if (gov?.type === 'channel.genesis') {
        const founder = gov.payload.members.find((m) => m.id === from);
        if (founder !== undefined) return { ok: true, key: founder.ed25519, fromPayload: true };
      }
      return { ok: false, code: 'unknown_member' };
    }
    const member = this.members.get(from);
    // Shared with the proof verifier: a current member's own key, else a join request's payload key.
    const signer = txSignerKey(tx.envelope.body, member?.status === 'active' ? member.ed25519 : undefined);
    if (signer !== undefined) return { ok: true, ...signer };
    return { ok: false, code: member === undefined ? 'unknown_member' : 'removed_member' };
  }

  /**
   * Authorisation and effect of a tx whose signature verified and whose nonce
   * is fresh: `not_authorized`, `config_rejected` or `valid` (applied).
   */
  decide(tx: ParsedTx, at: LogPosition): ValidityCode {
    const gov = tx.governance;
    const { from } = tx.envelope.body;
    if (gov?.type === 'channel.genesis') return this.genesis(gov.payload, from, tx.txId, at);
    const info = this.channelInfo;
    const policy = this.policyInForce;
    // resolveSigner already gave these txs unknown_member; the same answer if decide is reached anyway.
    if (info === null || policy === null) return 'unknown_member';
    if (gov === null) return 'valid';
    switch (gov.type) {
      case 'member.join.request':
        return this.joinRequest(info, policy, gov.payload, from, tx.txId, at);
      case 'member.join.vote':
        return this.vote(info, gov.payload, from, 'member.join', at);
      case 'member.join.approve':
        return this.approve(info, gov.payload, from, at);
      case 'member.leave':
        return this.leave(info, from, at);
      case 'member.key.rotate':
        return this.rotate(gov.payload, from);
      case 'policy.change.propose':
        return this.proposePolicy(info, policy, gov.payload.policy, from, tx.txId, at);
      case 'policy.change.vote':
        return this.vote(info, gov.payload, from, 'policy.change', at);
    }
  }

  /**
   * Closes block `height`: pending key rotations and policy changes take
   * effect (from height + 1 on), undecided proposals whose window ended
   * expire. Returns the block's governance events and key changes.
   */
  closeBlock(height: number): { events: GovernanceEvent[]; keyChanges: KeyChange[] } {
    const next: LogPosition = { height: height + 1, index: 0 };
    for (const [id, keys] of this.pendingRotations) {
      const member = this.members.get(id);
      if (member === undefined || member.status !== 'active') continue;
      member.ed25519 = keys.ed25519;
      member.x25519 = keys.x25519;
      member.keysSince = next;
      this.events.push({
        type: 'key_rotated',
        height,
        index: null,
        member: id,
        ed25519: keys.ed25519,
        x25519: keys.x25519,
      });
      this.keyChanges.push({ member: id, at: next, scope: 'from', ed25519: keys.ed25519 });
    }
    this.pendingRotations.clear();
    for (const { policy, proposal } of this.pendingPolicies) {
      this.policyInForce = policy;
      this.events.push({ type: 'policy_changed', height, index: null, policy, proposal });
    }
    this.pendingPolicies.length = 0;
    for (const [id, state] of this.proposals) {
      if (state.proposal.expiresAtHeight > height) continue;
      this.closeProposal(id);
      this.events.push({ type: 'proposal_expired', height, index: null, proposal: id });
    }
    const out = { events: this.events, keyChanges: this.keyChanges };
    this.events = [];
    this.keyChanges = [];
    return out;
  }

  /** Records the key a payload-signed tx was checked with (for KeyHistory). */
  notePayloadKey(member: string, at: LogPosition, key: string): void {
    this.keyChanges.push({ member, at, scope: 'only', ed25519: key });
  }

  /** The configuration as plain JSON (meaningful at block boundaries, where nothing is pending). */
  toConfig(): ChannelConfig | null {
    const info = this.channelInfo;
    const policy = this.policyInForce;
    if (info === null || policy === null) return null;
    const members: MemberRecord[] = [...this.members.values()]
      .map((m) => ({
        ...m,
        keysSince: { ...m.keysSince },
        joinedAt: { ...m.joinedAt },
        leftAt: m.leftAt === null ? null : { ...m.leftAt },
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const proposals: Proposal[] = [...this.proposals.values()].map((s) => ({
      ...s.proposal,
      votes: s.votes.map((v) => ({ ...v })),
    }));
    return {
      channel: this.channel,
      kind: info.kind,
      owner: info.owner,
      genesis: info.genesis,
      members,
      policy,
      proposals,
    };
  }

  private restore(config: ChannelConfig): void {
    this.channelInfo = { kind: config.kind, owner: config.owner, genesis: config.genesis };
    this.policyInForce = config.policy;
    for (const m of config.members) {
      this.members.set(m.id, { ...m });
      if (m.status === 'active') this.activeCount++;
    }
    for (const p of config.proposals) {
      this.proposals.set(p.id, {
        proposal: p,
        votes: p.votes.map((v) => ({ ...v })),
        voters: new Set(p.votes.map((v) => v.member)),
      });
      if (p.type === 'member.join') this.pendingApplicants.set(p.applicant.id, p.id);
    }
  }

  private genesis(payload: GenesisPayload, from: string, txId: string, at: LogPosition): ValidityCode {
    if (this.channelInfo !== null) return 'config_rejected';
    const isPrivate = payload.kind === 'private';
    if (isPrivate && payload.owner !== undefined && from !== payload.owner) return 'not_authorized';
    if (isPrivate !== (payload.owner !== undefined)) return 'config_rejected';
    const ids = new Set(payload.members.map((m) => m.id));
    if (ids.size !== payload.members.length) return 'config_rejected';
    if (payload.owner !== undefined && !ids.has(payload.owner)) return 'config_rejected';
    if (!payload.members.every((m) => keysImportable(m))) return 'config_rejected';
    const policy: ChannelPolicy = { ...DEFAULT_POLICY, quorum: defaultQuorum(payload.kind), ...payload.policy };
    if (!policyWithinBounds(policy, payload.members.length)) return 'config_rejected';

    const owner = payload.owner ?? null;
    this.channelInfo = { kind: payload.kind, owner, genesis: { txId, at } };
    // The genesis policy governs at once; block limits change only from the next block (BlockBuilder).
    this.policyInForce = policy;
    this.events.push({
      type: 'channel_created',
      height: at.height,
      index: at.index,
      kind: payload.kind,
      owner,
      members: payload.members.map((m) => m.id),
    });
    for (const m of payload.members) this.admit(m.id, m, at, null);
    return 'valid';
  }

  private joinRequest(
    info: Channel,
    policy: ChannelPolicy,
    keys: MemberKeysPayload,
    from: string,
    txId: string,
    at: LogPosition,
  ): ValidityCode {
    if (this.members.get(from)?.status === 'active') return 'not_authorized';
    if (this.pendingApplicants.has(from)) return 'config_rejected';
    if (!keysImportable(keys)) return 'config_rejected';
    if (info.kind === 'public') {
      this.admit(from, keys, at, null);
      return 'valid';
    }
    const proposal: Proposal = {
      type: 'member.join',
      id: txId,
      proposer: from,
      openedAt: at,
      expiresAtHeight: at.height + policy.votingWindowBlocks,
      votes: [],
      applicant: { id: from, ed25519: keys.ed25519, x25519: keys.x25519 },
    };
    this.open(proposal, at);
    this.pendingApplicants.set(from, txId);
    return 'valid';
  }

  private vote(
    info: Channel,
    payload: VotePayload,
    from: string,
    type: Proposal['type'],
    at: LogPosition,
  ): ValidityCode {
    // Private channels have no votes: the owner decides joins and policy alone.
    if (info.kind === 'private' || (type === 'member.join' && info.kind === 'public')) return 'not_authorized';
    const state = this.proposals.get(payload.proposal);
    if (state === undefined || state.proposal.type !== type) return 'config_rejected';
    if (state.voters.has(from)) return 'config_rejected';
    this.castVote(state, from, payload.approve, at);
    this.evaluate(state, at);
    return 'valid';
  }

  private approve(info: Channel, payload: VotePayload, from: string, at: LogPosition): ValidityCode {
    if (info.kind !== 'private' || from !== info.owner) return 'not_authorized';
    const state = this.proposals.get(payload.proposal);
    if (state === undefined || state.proposal.type !== 'member.join') return 'config_rejected';
    this.castVote(state, from, payload.approve, at);
    this.decideProposal(state, payload.approve, at);
    return 'valid';
  }

  private leave(info: Channel, from: string, at: LogPosition): ValidityCode {
    // A private channel without its owner could never decide anything again.
    if (info.kind === 'private' && from === info.owner) return 'config_rejected';
    const member = this.members.get(from);
    if (member === undefined || member.status !== 'active') return 'config_rejected';
    member.status = 'removed';
    member.leftAt = at;
    this.activeCount--;
    this.pendingRotations.delete(from);
    this.events.push({ type: 'member_left', height: at.height, index: at.index, member: from });
    // The leave tx itself was signed with the key; from the next position on there is none.
    this.keyChanges.push({
      member: from,
      at: { height: at.height, index: at.index + 1 },
      scope: 'from',
      ed25519: null,
    });
    // Fewer voters: a proposal may now have its majority (or lost it for good).
    if (info.kind !== 'private') for (const state of [...this.proposals.values()]) this.evaluate(state, at);
    return 'valid';
  }

  private rotate(keys: MemberKeysPayload, from: string): ValidityCode {
    if (this.pendingRotations.has(from)) return 'config_rejected';
    if (!keysImportable(keys)) return 'config_rejected';
    this.pendingRotations.set(from, keys);
    return 'valid';
  }

  private proposePolicy(
    info: Channel,
    current: ChannelPolicy,
    policy: ChannelPolicy,
    from: string,
    txId: string,
    at: LogPosition,
  ): ValidityCode {
    if (info.kind === 'private' && from !== info.owner) return 'not_authorized';
    if (!policyWithinBounds(policy, this.activeCount)) return 'config_rejected';
    if (info.kind === 'private') {
      this.pendingPolicies.push({ policy, proposal: txId });
      return 'valid';
    }
    const proposal: Proposal = {
      type: 'policy.change',
      id: txId,
      proposer: from,
      openedAt: at,
      expiresAtHeight: at.height + current.votingWindowBlocks,
      votes: [],
      policy,
    };
    const state = this.open(proposal, at);
    // Proposing is voting for it.
    this.castVote(state, from, true, at);
    this.evaluate(state, at);
    return 'valid';
  }

  private open(proposal: Proposal, at: LogPosition): ProposalState {
    const state: ProposalState = { proposal, votes: [], voters: new Set() };
    this.proposals.set(proposal.id, state);
    this.events.push({
      type: 'proposal_opened',
      height: at.height,
      index: at.index,
      proposal: proposal.id,
      proposalType: proposal.type,
      proposer: proposal.proposer,
    });
    return state;
  }

  private castVote(state: ProposalState, member: string, approve: boolean, at: LogPosition): void {
    state.votes.push({ member, approve, at });
    state.voters.add(member);
    this.events.push({
      type: 'vote_cast',
      height: at.height,
      index: at.index,
      proposal: state.proposal.id,
      member,
      approve,
    });
  }

  /** Majority of the members active now: approved when yes > n/2, rejected when no >= n/2. */
  private evaluate(state: ProposalState, at: LogPosition): void {
    if (this.activeCount === 0) return;
    const tally = tallyVotes(state.votes, this.activeIds());
    if (tally.yes >= tally.approveAt) this.decideProposal(state, true, at);
    else if (tally.no >= tally.rejectAt) this.decideProposal(state, false, at);
  }

  private decideProposal(state: ProposalState, approved: boolean, at: LogPosition): void {
    const { proposal } = state;
    this.closeProposal(proposal.id);
    this.events.push({
      type: approved ? 'proposal_approved' : 'proposal_rejected',
      height: at.height,
      index: at.index,
      proposal: proposal.id,
    });
    if (!approved) return;
    if (proposal.type === 'member.join') this.admit(proposal.applicant.id, proposal.applicant, at, proposal.id);
    else this.pendingPolicies.push({ policy: proposal.policy, proposal: proposal.id });
  }

  private closeProposal(id: string): void {
    const state = this.proposals.get(id);
    if (state === undefined) return;
    this.proposals.delete(id);
    if (state.proposal.type === 'member.join') this.pendingApplicants.delete(state.proposal.applicant.id);
  }

  private admit(id: string, keys: MemberKeysPayload, at: LogPosition, proposal: string | null): void {
    const existing = this.members.get(id);
    if (existing?.status !== 'active') this.activeCount++;
    this.members.set(id, {
      id,
      status: 'active',
      ed25519: keys.ed25519,
      x25519: keys.x25519,
      keysSince: at,
      joinedAt: at,
      leftAt: null,
    });
    this.events.push({
      type: 'member_admitted',
      height: at.height,
      index: at.index,
      member: id,
      ed25519: keys.ed25519,
      x25519: keys.x25519,
      proposal,
    });
    this.keyChanges.push({ member: id, at, scope: 'from', ed25519: keys.ed25519 });
  }

  private activeIds(): Set<string> {
    const ids = new Set<string>();
    for (const m of this.members.values()) if (m.status === 'active') ids.add(m.id);
    return ids;
  }
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
