import { isLedgerCoreError } from '../errors/ledger-core.errors';
import { TestMember, testMember } from '../testing/ledger-log.builder';
import { LogPosition } from './channel-config.schema';
import { GovernanceChange, keyChangeOf, publishedEvent } from './governance-change.events';
import { GovernanceCommand, GovernanceTxContext } from './governance.commands';
import { decide, GovernanceDecision } from './governance.decider';
import { evolve } from './governance.evolver';
import { GovernanceState, governanceStateOf, initialGovernanceState, toChannelConfig } from './governance.state';
import { ChannelKind, ChannelPolicy, DEFAULT_POLICY } from './governance-tx.schema';

// The governance decider on its own, as in oskardudycz/EventSourcing.NodeJS:
// Given(changes) / When(command) / Then(decision), no block builder, no mocks.
const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const d = testMember('dept-d');
const e = testMember('dept-e');
let counter = 0;

function tx(from: TestMember, height = 1, index = 0): GovernanceTxContext {
  counter++;
  return { txId: counter.toString(16).padStart(64, '0'), from: from.id, at: { height, index } };
}

function keysOf(m: TestMember) {
  return { ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey };
}

function policy(changes: Partial<ChannelPolicy> = {}): ChannelPolicy {
  return { ...DEFAULT_POLICY, quorum: 'all', ...changes };
}

function given(...changes: readonly GovernanceChange[]): GovernanceState {
  return changes.reduce(evolve, initialGovernanceState('test-channel'));
}

function when(state: GovernanceState, command: GovernanceCommand): GovernanceDecision {
  return decide(command, state);
}

/** The changes of a valid decision (fails the test on a rejection). */
function accepted(decision: GovernanceDecision): readonly GovernanceChange[] {
  expect(decision.code).toBe('valid');
  return decision.changes;
}

/** The changes of a channel's genesis at height 0, sent by the first member. */
function created(kind: ChannelKind, members: readonly TestMember[], owner?: string): readonly GovernanceChange[] {
  return accepted(
    when(given(), {
      type: 'channel.genesis',
      payload: {
        kind,
        owner,
        members: members.map((m) => ({ id: m.id, ...keysOf(m) })),
        policy: { votingWindowBlocks: 3 },
      },
      tx: tx(members[0], 0, 0),
    }),
  );
}

/** Given the history, When the command, Then it is valid: the history with its changes appended. */
function then(history: readonly GovernanceChange[], command: GovernanceCommand): GovernanceChange[] {
  return [...history, ...accepted(when(given(...history), command))];
}

function types(changes: readonly GovernanceChange[]): string[] {
  return changes.map((change) => change.type);
}

function active(state: GovernanceState): string[] {
  return [...state.members.values()].filter((m) => m.status === 'active').map((m) => m.id);
}

describe('governance decide / evolve', () => {
  it('Given nothing, When a founding member sends the genesis, Then the channel and its members; evolving them gives the configuration', () => {
    const changes = created('alliance', [a, b, c]);
    expect(types(changes)).toEqual(['channel_created', 'member_admitted', 'member_admitted', 'member_admitted']);
    const state = given(...changes);
    expect(state).toMatchObject({ info: { kind: 'alliance', owner: null }, activeCount: 3 });
    expect(toChannelConfig(state)).toMatchObject({
      channel: 'test-channel',
      members: [
        { id: 'dept-a', status: 'active', keysSince: { height: 0, index: 0 } },
        { id: 'dept-b' },
        { id: 'dept-c' },
      ],
      policy: policy({ votingWindowBlocks: 3 }),
      proposals: [],
    });
    // What the block publishes: the events of docs/ledger.md and the key each member signs with from here on.
    expect(changes.map(publishedEvent)[0]).toEqual({
      type: 'channel_created',
      height: 0,
      index: 0,
      kind: 'alliance',
      owner: null,
      members: ['dept-a', 'dept-b', 'dept-c'],
    });
    expect(changes.map(keyChangeOf)[1]).toEqual({
      member: 'dept-a',
      at: { height: 0, index: 0 },
      scope: 'from',
      ed25519: a.keys.ed25519.publicKey,
    });
  });

  it('Given nothing, When a genesis breaks a rule, Then its rejection code and no changes; Given a channel, a second genesis is config_rejected', () => {
    const genesis = (
      from: TestMember,
      kind: ChannelKind,
      members: TestMember[],
      owner?: string,
    ): GovernanceCommand => ({
      type: 'channel.genesis',
      payload: { kind, owner, members: members.map((m) => ({ id: m.id, ...keysOf(m) })), policy: {} },
      tx: tx(from, 0, 0),
    });
    expect(when(given(), genesis(a, 'alliance', [a, a]))).toEqual({ code: 'config_rejected', changes: [] });
    expect(when(given(), genesis(b, 'private', [a, b], 'dept-a'))).toEqual({ code: 'not_authorized', changes: [] });
    expect(when(given(), genesis(a, 'private', [a, b])).code).toBe('config_rejected');
    expect(when(given(...created('public', [a, b])), genesis(a, 'public', [a, b])).code).toBe('config_rejected');
  });

  it('Given no genesis, When a member command arrives, Then unknown_member', () => {
    expect(when(given(), { type: 'member.leave', payload: {}, tx: tx(a) }).code).toBe('unknown_member');
  });

  it('Given an alliance of three, When an outsider asks to join and two members vote yes, Then the second vote admits it', () => {
    const channel = created('alliance', [a, b, c]);
    const request = tx(d, 1, 0);
    const opened = accepted(when(given(...channel), { type: 'member.join.request', payload: keysOf(d), tx: request }));
    expect(opened).toEqual([
      {
        type: 'proposal_opened',
        at: request.at,
        proposal: expect.objectContaining({ id: request.txId, expiresAtHeight: 4, votes: [] }),
      },
    ]);

    const vote = (m: TestMember, index: number): GovernanceCommand => ({
      type: 'member.join.vote',
      payload: { proposal: request.txId, approve: true },
      tx: tx(m, 2, index),
    });
    const first = accepted(when(given(...channel, ...opened), vote(a, 0)));
    expect(types(first)).toEqual(['vote_cast']);
    const second = accepted(when(given(...channel, ...opened, ...first), vote(b, 1)));
    expect(second).toEqual([
      { type: 'vote_cast', at: { height: 2, index: 1 }, proposal: request.txId, member: 'dept-b', approve: true },
      { type: 'proposal_approved', at: { height: 2, index: 1 }, proposal: request.txId },
      expect.objectContaining({ type: 'member_admitted', member: 'dept-d', proposal: request.txId }),
    ]);
    const after = given(...channel, ...opened, ...first, ...second);
    expect(active(after)).toEqual(['dept-a', 'dept-b', 'dept-c', 'dept-d']);
    expect(after.proposals.size).toBe(0);
    expect(after.applicants.size).toBe(0);
  });

  it('Given an open join proposal, When a member votes twice, votes on an unknown proposal or asks again, Then config_rejected', () => {
    const request = tx(d);
    const voted = given(
      ...then(created('alliance', [a, b, c, e]), { type: 'member.join.request', payload: keysOf(d), tx: request }),
      { type: 'vote_cast', at: { height: 1, index: 1 }, proposal: request.txId, member: 'dept-a', approve: false },
    );
    const again = { type: 'member.join.vote', payload: { proposal: request.txId, approve: true }, tx: tx(a) } as const;
    expect(when(voted, again).code).toBe('config_rejected');
    expect(when(voted, { ...again, payload: { proposal: 'ab'.repeat(32), approve: true } }).code).toBe(
      'config_rejected',
    );
    expect(when(voted, { type: 'member.join.request', payload: keysOf(d), tx: tx(d) }).code).toBe('config_rejected');
    expect(when(voted, { type: 'member.join.request', payload: keysOf(a), tx: tx(a) }).code).toBe('not_authorized');
  });

  it('Given two open proposals, When a member leaves, Then the recount admits the applicant, who then counts for the next proposal', () => {
    // Four members: the join of dept-e has 2 of 3 needed yes votes; the policy change has 2 as well.
    const join = tx(e, 1, 0);
    const propose = tx(a, 1, 1);
    let history = then(created('alliance', [a, b, c, d]), {
      type: 'member.join.request',
      payload: keysOf(e),
      tx: join,
    });
    history = then(history, { type: 'member.join.vote', payload: { proposal: join.txId, approve: true }, tx: tx(a) });
    history = then(history, { type: 'member.join.vote', payload: { proposal: join.txId, approve: true }, tx: tx(b) });
    history = then(history, {
      type: 'policy.change.propose',
      payload: { policy: policy({ maxTxPerBlock: 9 }) },
      tx: propose,
    });
    history = then(history, {
      type: 'policy.change.vote',
      payload: { proposal: propose.txId, approve: true },
      tx: tx(b),
    });
    const withPolicy = given(...history);
    expect(withPolicy.proposals.size).toBe(2);

    const leave = tx(c, 2, 0);
    const changes = accepted(when(withPolicy, { type: 'member.leave', payload: {}, tx: leave }));
    // Three left: the join has its majority (2 of 3); with dept-e admitted, 2 of 4 do not carry the policy.
    expect(changes).toEqual([
      { type: 'member_left', at: leave.at, member: 'dept-c' },
      { type: 'proposal_approved', at: leave.at, proposal: join.txId },
      expect.objectContaining({ type: 'member_admitted', at: leave.at, member: 'dept-e', proposal: join.txId }),
    ]);
    expect(keyChangeOf(changes[0])).toEqual({
      member: 'dept-c',
      at: { height: 2, index: 1 },
      scope: 'from',
      ed25519: null,
    });
    const after = changes.reduce(evolve, withPolicy);
    expect(active(after)).toEqual(['dept-a', 'dept-b', 'dept-d', 'dept-e']);
    expect([...after.proposals.keys()]).toEqual([propose.txId]);
  });

  it('Given a member, When it rotates its keys twice in a block, Then the second is config_rejected and the close puts the first in force from the next block', () => {
    const state = given(...created('alliance', [a, b]));
    const rotate = (keys: TestMember): GovernanceCommand => ({
      type: 'member.key.rotate',
      payload: keysOf(keys),
      tx: tx(a, 1, 0),
    });
    const requested = accepted(when(state, rotate(c)));
    expect(requested).toEqual([{ type: 'key_rotation_requested', member: 'dept-a', keys: keysOf(c) }]);
    const pending = given(...created('alliance', [a, b]), ...requested);
    expect(when(pending, rotate(d)).code).toBe('config_rejected');

    const closed = accepted(when(pending, { type: 'block.close', height: 1 }));
    expect(types(closed)).toEqual(['key_rotated', 'pending_cleared']);
    expect(publishedEvent(closed[0])).toEqual({
      type: 'key_rotated',
      height: 1,
      index: null,
      member: 'dept-a',
      ...keysOf(c),
    });
    expect(keyChangeOf(closed[0])).toEqual({
      member: 'dept-a',
      at: { height: 2, index: 0 },
      scope: 'from',
      ed25519: keysOf(c).ed25519,
    });
    const after = closed.reduce(evolve, pending);
    expect(after.members.get('dept-a')).toMatchObject({ ...keysOf(c), keysSince: { height: 2, index: 0 } });
    expect(after.pendingRotations.size).toBe(0);
  });

  it('Given a private channel, When the owner proposes a policy and approves a join, Then no votes are needed; others are not_authorized', () => {
    const channel = created('private', [a, b], 'dept-a');
    const state = given(...channel);
    const newPolicy = policy({ maxTxPerBlock: 7 });
    const scheduled = accepted(
      when(state, { type: 'policy.change.propose', payload: { policy: newPolicy }, tx: tx(a) }),
    );
    expect(scheduled).toEqual([{ type: 'policy_scheduled', policy: newPolicy, proposal: expect.any(String) }]);
    expect(when(state, { type: 'policy.change.propose', payload: { policy: newPolicy }, tx: tx(b) }).code).toBe(
      'not_authorized',
    );
    expect(when(state, { type: 'member.leave', payload: {}, tx: tx(a) }).code).toBe('config_rejected');
    const closed = accepted(when(given(...channel, ...scheduled), { type: 'block.close', height: 1 }));
    expect(types(closed)).toEqual(['policy_changed', 'pending_cleared']);
    expect(closed.reduce(evolve, given(...channel, ...scheduled)).policy).toEqual(newPolicy);

    const request = tx(c, 2, 0);
    const asked = given(...then(channel, { type: 'member.join.request', payload: keysOf(c), tx: request }));
    const approve = { type: 'member.join.approve', payload: { proposal: request.txId, approve: true } } as const;
    expect(when(asked, { ...approve, tx: tx(b) }).code).toBe('not_authorized');
    expect(types(accepted(when(asked, { ...approve, tx: tx(a, 2, 1) })))).toEqual([
      'vote_cast',
      'proposal_approved',
      'member_admitted',
    ]);
  });

  it('Given an open proposal, When blocks close, Then nothing changes until its window ends, and then it expires', () => {
    const request = tx(d, 1, 0);
    const state = given(
      ...then(created('alliance', [a, b, c]), { type: 'member.join.request', payload: keysOf(d), tx: request }),
    );
    const quiet = when(state, { type: 'block.close', height: 3 });
    expect(quiet).toEqual({ code: 'valid', changes: [] });
    // Most blocks close with nothing due: the same decision every time, nothing allocated.
    expect(when(state, { type: 'block.close', height: 2 })).toBe(quiet);
    const expired = accepted(when(state, { type: 'block.close', height: 4 }));
    expect(expired).toEqual([{ type: 'proposal_expired', height: 4, proposal: request.txId }]);
    const after = evolve(state, expired[0]);
    expect(after.proposals.size).toBe(0);
    expect(after.applicants.size).toBe(0);
  });

  it('evolve never modifies its input and rejects a change that does not fit the state', () => {
    const state = given(...created('alliance', [a, b]));
    const config = JSON.stringify(toChannelConfig(state));
    const left = evolve(state, { type: 'member_left', at: { height: 1, index: 0 }, member: 'dept-b' });
    expect(JSON.stringify(toChannelConfig(state))).toBe(config);
    expect(state.activeCount).toBe(2);
    expect(left.activeCount).toBe(1);
    for (const change of [
      { type: 'member_left', at: { height: 1, index: 1 }, member: 'dept-b' },
      { type: 'vote_cast', at: { height: 1, index: 1 }, proposal: 'ab'.repeat(32), member: 'dept-a', approve: true },
      {
        type: 'channel_created',
        at: { height: 1, index: 1 },
        txId: 'ab'.repeat(32),
        kind: 'public',
        owner: null,
        policy: policy(),
        members: [],
      },
    ] satisfies GovernanceChange[]) {
      try {
        evolve(left, change);
        throw new Error(`expected a LedgerCoreError for ${change.type}`);
      } catch (error) {
        expect(isLedgerCoreError(error) && error.code).toBe('config.invalid');
      }
    }
  });

  it('Given any state at a block boundary, its configuration restores the same state', () => {
    const at: LogPosition = { height: 1, index: 0 };
    const request = tx(d, 1, 0);
    const state = given(
      ...then([...created('alliance', [a, b, c]), { type: 'member_left', at, member: 'dept-c' }], {
        type: 'member.join.request',
        payload: keysOf(d),
        tx: request,
      }),
      { type: 'vote_cast', at: { height: 1, index: 2 }, proposal: request.txId, member: 'dept-a', approve: false },
    );
    const config = toChannelConfig(state);
    expect(governanceStateOf('test-channel', config)).toEqual(state);
    expect(toChannelConfig(governanceStateOf('test-channel', JSON.parse(JSON.stringify(config))))).toEqual(config);
  });
});
