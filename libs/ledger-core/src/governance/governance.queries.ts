import type { Members } from '@accord/protocol';
import type { ChannelConfig, MemberRecord, MemberStatus, Proposal } from './channel-config.schema';
import { PRE_GENESIS_LIMITS, type Quorum } from './governance-tx.schema';

/** Members of the channel (sorted by id), optionally only those with a status. */
export function listMembers(config: ChannelConfig, status?: MemberStatus): MemberRecord[] {
  return status === undefined ? [...config.members] : config.members.filter((m) => m.status === status);
}

export function findMemberRecord(config: ChannelConfig, id: string): MemberRecord | undefined {
  return config.members.find((m) => m.id === id);
}

/** Active members' public keys as protocol's Members map (e.g. for verifyTxProof). */
export function activeMemberKeys(config: ChannelConfig): Members {
  const out: Record<string, { ed25519: string; x25519: string }> = {};
  for (const m of config.members) {
    if (m.status === 'active')
      Object.defineProperty(out, m.id, { value: { ed25519: m.ed25519, x25519: m.x25519 }, enumerable: true });
  }
  return out;
}

/** Open proposals in the order they were opened. */
export function openProposals(config: ChannelConfig): Proposal[] {
  return [...config.proposals];
}

export function findProposal(config: ChannelConfig, id: string): Proposal | undefined {
  return config.proposals.find((p) => p.id === id);
}

export interface ProposalTally {
  /** Approvals / rejections by members active now (votes of departed members no longer count). */
  readonly yes: number;
  readonly no: number;
  readonly activeMembers: number;
  /** Approved once yes > activeMembers / 2; rejected once no >= activeMembers / 2. */
  readonly approveAt: number;
  readonly rejectAt: number;
}

/** How a proposal stands with the members active in `config`. */
export function tallyProposal(config: ChannelConfig, proposal: Proposal): ProposalTally {
  const active = new Set(config.members.filter((m) => m.status === 'active').map((m) => m.id));
  return tallyVotes(proposal.votes, active);
}

/** Majority arithmetic shared with the governance state machine (integers only). */
export function tallyVotes(
  votes: readonly { member: string; approve: boolean }[],
  active: ReadonlySet<string>,
): ProposalTally {
  let yes = 0;
  let no = 0;
  for (const v of votes) {
    if (!active.has(v.member)) continue;
    if (v.approve) yes++;
    else no++;
  }
  const n = active.size;
  return { yes, no, activeMembers: n, approveAt: Math.floor(n / 2) + 1, rejectAt: Math.ceil(n / 2) };
}

/** Distinct attestations that make a block final among `activeMembers` (at least 1). */
export function quorumSize(quorum: Quorum, activeMembers: number): number {
  const n = Math.max(activeMembers, 1);
  if (quorum === 'all') return n;
  if (quorum === 'majority') return Math.floor(n / 2) + 1;
  return Math.min(quorum, n);
}

/** The finality quorum of a configuration: its policy applied to its active members. */
export function finalityQuorum(config: ChannelConfig): number {
  return quorumSize(config.policy.quorum, config.members.filter((m) => m.status === 'active').length);
}

/** The size limit of a tx envelope on the channel: its policy's, or the pre-genesis limit before a configuration exists. */
export function maxTxBytesOf(config: ChannelConfig | null): number {
  return config?.policy.maxTxBytes ?? PRE_GENESIS_LIMITS.maxTxBytes;
}
