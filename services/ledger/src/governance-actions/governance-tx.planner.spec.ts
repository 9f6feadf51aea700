import type { JsonObject } from '@accord/protocol';
import type { ChannelKind } from '@accord/ledger-core';
import { LedgerHarness, rotatedMember, testMember, type TestMember } from '@accord/ledger-core/testing';
import {
  planGenesis,
  planGovernanceTx,
  type ActingDepartment,
  type GovernanceAction,
  type PlannedTx,
} from './governance-tx.planner';

// The planner against the block builder: every tx it plans is committed
// `valid`, and every action it refuses is one whose naive tx the block
// builder rejects (so the pre-check refuses exactly what the chain would).
const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const d = testMember('dept-d');

const acting = (m: TestMember): ActingDepartment => ({
  id: m.id,
  ed25519: m.keys.ed25519.publicKey,
  x25519: m.keys.x25519.publicKey,
});

/** Given: a channel whose genesis block is closed. */
function given(kind: ChannelKind, members: readonly TestMember[], owner?: string): LedgerHarness {
  const h = new LedgerHarness();
  h.log.genesis(members[0], kind, members, { owner, policy: { votingWindowBlocks: 5 } });
  h.closeBlock();
  return h;
}

/** Then: the tx, signed by `by`, lands in the next block with this code. */
function codeInBlock(h: LedgerHarness, by: TestMember, tx: PlannedTx): string {
  const appended = h.log.tx(by, tx.type, tx.payload);
  h.closeBlock();
  return h.code(appended);
}

function plan(h: LedgerHarness, by: TestMember, action: GovernanceAction): PlannedTx {
  return planGovernanceTx(action, h.config, acting(by));
}

function refusal(h: LedgerHarness, by: TestMember, action: GovernanceAction): string {
  try {
    plan(h, by, action);
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error(`expected ${action.type} by ${by.id} to be refused`);
}

const vote = (proposal: string, approve = true): GovernanceAction => ({ type: 'vote', proposal, approve });

describe('planGovernanceTx', () => {
  it('Given an alliance channel, When an outsider joins and members vote, Then every planned tx is valid and the majority admits it', () => {
    const h = given('alliance', [a, b, c]);
    const join = plan(h, d, { type: 'join' });
    expect(join).toEqual({
      type: 'member.join.request',
      payload: { ed25519: d.keys.ed25519.publicKey, x25519: d.keys.x25519.publicKey },
    });
    const request = h.log.tx(d, join.type, join.payload);
    h.closeBlock();
    expect(h.code(request)).toBe('valid');

    expect(refusal(h, d, { type: 'join' })).toBe('join_pending');
    expect(refusal(h, d, vote(request.txId))).toBe('not_channel_member');
    expect(refusal(h, a, vote('ab'.repeat(32)))).toBe('proposal_not_found');

    const first = plan(h, a, vote(request.txId));
    expect(first.type).toBe('member.join.vote');
    expect(codeInBlock(h, a, first)).toBe('valid');
    expect(refusal(h, a, vote(request.txId, false))).toBe('already_voted');
    expect(codeInBlock(h, a, { type: 'member.join.vote', payload: { proposal: request.txId, approve: false } })).toBe(
      'config_rejected',
    );

    expect(codeInBlock(h, b, plan(h, b, vote(request.txId)))).toBe('valid');
    expect(h.config.members.find((m) => m.id === d.id)?.status).toBe('active');
    expect(refusal(h, d, { type: 'join' })).toBe('already_member');
    expect(codeInBlock(h, d, { type: 'member.join.request', payload: join.payload })).toBe('not_authorized');
    expect(refusal(h, a, vote(request.txId))).toBe('proposal_not_found');
  });

  it('Given a private channel, Then only its owner approves joins and proposes policy, and the owner may not leave', () => {
    const h = given('private', [a, b], a.id);
    const request = h.log.tx(c, 'member.join.request', {
      ed25519: c.keys.ed25519.publicKey,
      x25519: c.keys.x25519.publicKey,
    });
    h.closeBlock();

    expect(refusal(h, b, vote(request.txId))).toBe('not_channel_owner');
    expect(codeInBlock(h, b, { type: 'member.join.approve', payload: { proposal: request.txId, approve: true } })).toBe(
      'not_authorized',
    );
    const approve = plan(h, a, vote(request.txId));
    expect(approve).toEqual({ type: 'member.join.approve', payload: { proposal: request.txId, approve: true } });
    expect(codeInBlock(h, a, approve)).toBe('valid');

    expect(refusal(h, b, { type: 'propose', policy: { maxTxPerBlock: 10 } })).toBe('not_channel_owner');
    const policy = { ...h.config.policy, maxTxPerBlock: 10 } as unknown as JsonObject;
    expect(codeInBlock(h, b, { type: 'policy.change.propose', payload: { policy } })).toBe('not_authorized');
    expect(codeInBlock(h, a, plan(h, a, { type: 'propose', policy: { maxTxPerBlock: 10 } }))).toBe('valid');
    expect(h.config.policy.maxTxPerBlock).toBe(10);

    expect(refusal(h, a, { type: 'leave' })).toBe('owner_cannot_leave');
    expect(codeInBlock(h, a, { type: 'member.leave', payload: {} })).toBe('config_rejected');
    expect(codeInBlock(h, b, plan(h, b, { type: 'leave' }))).toBe('valid');
    expect(refusal(h, b, { type: 'leave' })).toBe('not_channel_member');
    expect(codeInBlock(h, b, { type: 'member.leave', payload: {} })).toBe('removed_member');
  });

  it('Given a policy proposal, Then it carries the policy in force with the changes, refuses what is out of bounds and is voted through', () => {
    const h = given('alliance', [a, b, c]);
    expect(refusal(h, a, { type: 'propose', policy: { maxTxBytes: 10 } })).toBe('policy_invalid');
    expect(refusal(h, a, { type: 'propose', policy: { quorum: 4 } })).toBe('policy_invalid');
    const tooBig = { ...h.config.policy, quorum: 4 } as unknown as JsonObject;
    expect(codeInBlock(h, a, { type: 'policy.change.propose', payload: { policy: tooBig } })).toBe('config_rejected');

    const proposal = plan(h, a, { type: 'propose', policy: { quorum: 2 } });
    expect(proposal.payload).toEqual({ policy: { ...h.config.policy, quorum: 2 } });
    const opened = h.log.tx(a, proposal.type, proposal.payload);
    h.closeBlock();
    expect(h.code(opened)).toBe('valid');
    // Proposing is voting yes.
    expect(refusal(h, a, vote(opened.txId))).toBe('already_voted');
    const second = plan(h, b, vote(opened.txId));
    expect(second.type).toBe('policy.change.vote');
    expect(codeInBlock(h, b, second)).toBe('valid');
    expect(h.config.policy.quorum).toBe(2);
  });

  it('refuses a member whose listed keys are not its own (its txs would be bad_signature) and an outsider', () => {
    const h = given('alliance', [a, b]);
    const rotatedA = rotatedMember(a);
    expect(refusal(h, { ...rotatedA, id: a.id }, { type: 'leave' })).toBe('member_keys_mismatch');
    expect(refusal(h, d, { type: 'leave' })).toBe('not_channel_member');
    expect(refusal(h, d, { type: 'propose', policy: { maxTxPerBlock: 10 } })).toBe('not_channel_member');
    expect(codeInBlock(h, d, { type: 'member.leave', payload: {} })).toBe('unknown_member');
  });
});

describe('planGenesis', () => {
  const founders = [a, b].map((m) => ({
    id: m.id,
    ed25519: m.keys.ed25519.publicKey,
    x25519: m.keys.x25519.publicKey,
  }));

  it('signs a genesis with this department among the founders, with its own keys, and an empty policy by default', () => {
    expect(planGenesis({ kind: 'alliance', members: founders }, acting(a))).toEqual({
      kind: 'alliance',
      members: founders,
      policy: {},
    });
  });

  it('refuses a genesis this department is not a founder of, or lists with other keys', () => {
    const reason = (members: typeof founders) => {
      try {
        planGenesis({ kind: 'alliance', members }, acting(a));
      } catch (error) {
        return (error as { code: string; details: { reason: string } }).details.reason;
      }
      return 'accepted';
    };
    expect(reason([founders[1]])).toBe('genesis.signer');
    expect(reason([{ ...founders[0], ed25519: founders[1].ed25519 }, founders[1]])).toBe('genesis.own_keys');
    expect(reason([{ ...founders[0], x25519: founders[1].x25519 }, founders[1]])).toBe('genesis.own_keys');
  });
});
