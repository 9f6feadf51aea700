import { buildTxProof, signAttestation, verifyTxProof } from '@accord/protocol';
import { LedgerHarness } from '../testing/ledger.harness';
import { rotatedMember, TestMember, testMember } from '../testing/ledger-log.builder';
import { ChannelPolicy, DEFAULT_POLICY } from './governance-tx.schema';
import { findMemberRecord, findProposal, listMembers, openProposals, tallyProposal } from './governance.queries';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const d = testMember('dept-d');
const e = testMember('dept-e');
const outsider = testMember('outsider');

function policy(changes: Partial<ChannelPolicy> = {}): ChannelPolicy {
  return { ...DEFAULT_POLICY, quorum: 'all', ...changes };
}

function keysPayload(members: readonly TestMember[]) {
  return members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey }));
}

/** Given: a channel whose genesis block (height 0) is closed. */
function given(
  kind: 'public' | 'alliance' | 'private',
  members: readonly TestMember[] = [a, b, c],
  options: { owner?: string; votingWindowBlocks?: number } = {},
): LedgerHarness {
  const h = new LedgerHarness();
  const genesis = h.log.genesis(members[0], kind, members, {
    owner: options.owner,
    policy: { votingWindowBlocks: options.votingWindowBlocks ?? 3 },
  });
  h.closeBlock();
  expect(h.code(genesis)).toBe('valid');
  return h;
}

function activeIds(h: LedgerHarness): string[] {
  return listMembers(h.config, 'active').map((m) => m.id);
}

describe('genesis', () => {
  it('Given no genesis, When members send txs, Then they are unknown_member until a founding member creates the channel', () => {
    const h = new LedgerHarness();
    const early = h.log.tx(a);
    const genesis = h.log.genesis(a, 'alliance', [a, b]);
    const after = h.log.tx(b);
    const block = h.closeBlock();

    expect([h.code(early), h.code(genesis), h.code(after)]).toEqual(['unknown_member', 'valid', 'valid']);
    expect(block.block.header).toMatchObject({ height: 0, prevHash: '0'.repeat(64), txCount: 3 });
    expect(block.config).toMatchObject({
      kind: 'alliance',
      owner: null,
      genesis: { txId: genesis.txId, at: { height: 0, index: 1 } },
    });
    expect(activeIds(h)).toEqual(['dept-a', 'dept-b']);
    expect(h.config.policy).toEqual({
      ...DEFAULT_POLICY,
      quorum: 'all',
      votingWindowBlocks: DEFAULT_POLICY.votingWindowBlocks,
    });
    expect(block.events.map((ev) => ev.type)).toEqual(['channel_created', 'member_admitted', 'member_admitted']);
  });

  it('Given no genesis, When bad genesis txs arrive, Then each gets its code and only a good one creates the channel', () => {
    const h = new LedgerHarness();
    const byOutsider = h.log.genesis(outsider, 'alliance', [a, b]);
    const forged = h.log.tx(
      a,
      'channel.genesis',
      { kind: 'alliance', members: keysPayload([a, b]), policy: {} },
      { signedBy: outsider },
    );
    const byNonOwner = h.log.genesis(b, 'private', [a, b], { owner: 'dept-a' });
    const noOwner = h.log.genesis(a, 'private', [a, b]);
    const ownerOnAlliance = h.log.genesis(a, 'alliance', [a, b], { owner: 'dept-a' });
    const ownerNotMember = h.log.genesis(a, 'private', [a, b], { owner: 'dept-c' });
    const quorumTooLarge = h.log.genesis(a, 'alliance', [a, b], { policy: { quorum: 3 } });
    const outOfBounds = h.log.genesis(a, 'alliance', [a, b], { policy: { maxTxPerBlock: 0 } });
    const duplicateIds = h.log.tx(a, 'channel.genesis', { kind: 'public', members: keysPayload([a, a]), policy: {} });
    const badPayload = h.log.tx(a, 'channel.genesis', { kind: 'alliance' });
    const real = h.log.genesis(a, 'public', [a, b]);
    const second = h.log.genesis(b, 'alliance', [a, b]);
    // The forged genesis did not burn dept-a's nonce 0.
    const reuse = h.log.tx(a, 'test.note', { n: 0 }, { nonce: 0 });
    h.closeBlock();

    expect(h.code(byOutsider)).toBe('unknown_member');
    expect(h.code(forged)).toBe('bad_signature');
    expect(h.code(byNonOwner)).toBe('not_authorized');
    expect(h.code(noOwner)).toBe('config_rejected');
    expect(h.code(ownerOnAlliance)).toBe('config_rejected');
    expect(h.code(ownerNotMember)).toBe('not_authorized'); // only the owner may create a private channel
    expect(h.code(quorumTooLarge)).toBe('config_rejected');
    expect(h.code(outOfBounds)).toBe('config_rejected');
    expect(h.code(duplicateIds)).toBe('config_rejected');
    expect(h.code(badPayload)).toBe('schema_error');
    expect(h.code(real)).toBe('valid');
    expect(h.code(second)).toBe('config_rejected');
    expect(forged.envelope.body.nonce).toBe(0);
    expect(h.code(reuse)).toBe('valid');
    expect(h.config.kind).toBe('public');
    expect(h.config.policy.quorum).toBe('majority');
  });
});

describe('public channel', () => {
  it('Given a public channel, When an outsider asks to join, Then it is admitted at once and may transact in the same block', () => {
    const h = given('public', [a, b]);
    const before = h.log.tx(d);
    const request = h.log.joinRequest(d);
    const after = h.log.tx(d);
    const block = h.closeBlock();

    expect([h.code(before), h.code(request), h.code(after)]).toEqual(['unknown_member', 'valid', 'valid']);
    expect(activeIds(h)).toEqual(['dept-a', 'dept-b', 'dept-d']);
    expect(block.events).toEqual([
      expect.objectContaining({ type: 'member_admitted', member: 'dept-d', proposal: null, height: 1, index: 1 }),
    ]);
    expect(findMemberRecord(h.config, 'dept-d')?.joinedAt).toEqual({ height: 1, index: 1 });
  });

  it('Given a public channel, When a member sends a join request or a join vote, Then it is not_authorized', () => {
    const h = given('public', [a, b]);
    const request = h.log.joinRequest(a);
    const vote = h.log.joinVote(b, request.txId, true);
    h.closeBlock();
    expect([h.code(request), h.code(vote)]).toEqual(['not_authorized', 'not_authorized']);
  });
});

describe('alliance channel', () => {
  it('Given an alliance of three, When a fourth asks and two members vote yes within the window, Then it is admitted', () => {
    const h = given('alliance', [a, b, c], { votingWindowBlocks: 2 });
    const request = h.log.joinRequest(d);
    const early = h.log.tx(d);
    h.closeBlock();
    expect([h.code(request), h.code(early)]).toEqual(['valid', 'unknown_member']);
    expect(openProposals(h.config)).toEqual([
      expect.objectContaining({
        id: request.txId,
        type: 'member.join',
        proposer: 'dept-d',
        expiresAtHeight: 3,
        votes: [],
      }),
    ]);

    const yesA = h.log.joinVote(a, request.txId, true);
    h.closeBlock();
    expect(tallyProposal(h.config, findProposal(h.config, request.txId)!)).toMatchObject({
      yes: 1,
      no: 0,
      activeMembers: 3,
      approveAt: 2,
    });

    const yesB = h.log.joinVote(b, request.txId, true);
    const byD = h.log.tx(d);
    const lateVote = h.log.joinVote(c, request.txId, true);
    h.closeBlock();

    expect([h.code(yesA), h.code(yesB), h.code(byD), h.code(lateVote)]).toEqual([
      'valid',
      'valid',
      'valid',
      'config_rejected',
    ]);
    expect(activeIds(h)).toEqual(['dept-a', 'dept-b', 'dept-c', 'dept-d']);
    expect(openProposals(h.config)).toEqual([]);
    expect(h.events('member_admitted').at(-1)).toMatchObject({
      member: 'dept-d',
      proposal: request.txId,
      height: 3,
      index: 0,
    });
    expect(h.events('proposal_approved')).toEqual([
      expect.objectContaining({ proposal: request.txId, height: 3, index: 0 }),
    ]);
  });

  it('Given an open join proposal, When its window passes without a majority, Then it expires and later votes are config_rejected', () => {
    const h = given('alliance', [a, b, c], { votingWindowBlocks: 2 });
    const request = h.log.joinRequest(d); // height 1: votes count through height 3
    h.closeBlock();
    h.log.joinVote(a, request.txId, true);
    h.closeBlock(); // 2
    h.log.tx(a);
    const closing = h.closeBlock(); // 3
    expect(closing.events).toEqual([{ type: 'proposal_expired', height: 3, index: null, proposal: request.txId }]);

    const tooLate = h.log.joinVote(b, request.txId, true);
    const stillOut = h.log.tx(d);
    h.closeBlock();
    expect([h.code(tooLate), h.code(stillOut)]).toEqual(['config_rejected', 'unknown_member']);
    expect(activeIds(h)).toEqual(['dept-a', 'dept-b', 'dept-c']);
  });

  it('Given an open join proposal, When half the members vote no, Then it is rejected', () => {
    const h = given('alliance', [a, b, c, e]);
    const request = h.log.joinRequest(d);
    const noA = h.log.joinVote(a, request.txId, false);
    const yesB = h.log.joinVote(b, request.txId, true);
    const noC = h.log.joinVote(c, request.txId, false);
    const block = h.closeBlock();
    expect([h.code(noA), h.code(yesB), h.code(noC)]).toEqual(['valid', 'valid', 'valid']);
    expect(block.events.map((ev) => ev.type)).toEqual([
      'proposal_opened',
      'vote_cast',
      'vote_cast',
      'vote_cast',
      'proposal_rejected',
    ]);
    expect(findMemberRecord(h.config, 'dept-d')).toBeUndefined();
  });

  it('gives double votes, unknown proposals, duplicate requests and approvals their codes', () => {
    const h = given('alliance', [a, b, c]);
    const request = h.log.joinRequest(d);
    const vote = h.log.joinVote(a, request.txId, true);
    const doubleVote = h.log.joinVote(a, request.txId, false);
    const unknownProposal = h.log.joinVote(b, 'ab'.repeat(32), true);
    const duplicateRequest = h.log.joinRequest(d);
    const byNonMember = h.log.joinVote(outsider, request.txId, true);
    const byApplicant = h.log.joinVote(d, request.txId, true);
    const approve = h.log.joinApprove(b, request.txId, true);
    const wrongType = h.log.policyVote(b, request.txId, true);
    const badVotePayload = h.log.tx(b, 'member.join.vote', { proposal: request.txId, approve: 'yes' });
    const byMember = h.log.joinRequest(b);
    h.closeBlock();

    expect(h.code(vote)).toBe('valid');
    expect(h.code(doubleVote)).toBe('config_rejected');
    expect(h.code(unknownProposal)).toBe('config_rejected');
    expect(h.code(duplicateRequest)).toBe('config_rejected');
    expect(h.code(byNonMember)).toBe('unknown_member');
    expect(h.code(byApplicant)).toBe('unknown_member');
    expect(h.code(approve)).toBe('not_authorized');
    expect(h.code(wrongType)).toBe('config_rejected');
    expect(h.code(badVotePayload)).toBe('schema_error');
    expect(h.code(byMember)).toBe('not_authorized');
    expect(findProposal(h.config, request.txId)?.votes).toEqual([
      { member: 'dept-a', approve: true, at: { height: 1, index: 1 } },
    ]);
  });

  it("checks a current member's join request with the member's own key, so nobody can burn its nonces", () => {
    const h = given('alliance', [a, b]);
    // The attacker claims dept-a's id with its own keys in the payload.
    const hijack = h.log.tx(
      a,
      'member.join.request',
      { ed25519: outsider.keys.ed25519.publicKey, x25519: outsider.keys.x25519.publicKey },
      { signedBy: outsider, nonce: 7 },
    );
    const real = h.log.tx(a, 'test.note', { n: 7 }, { nonce: 7 });
    h.closeBlock();
    expect([h.code(hijack), h.code(real)]).toEqual(['bad_signature', 'valid']);
  });

  it("Given an outsider's join request committed valid, Then its proof verifies with the members' keys at that height", () => {
    const h = given('alliance', [a, b, c]);
    const request = h.log.joinRequest(d);
    const { block } = h.closeBlock();
    expect(h.code(request)).toBe('valid');
    const membersAtHeight = Object.fromEntries(
      listMembers(h.config, 'active').map((m) => [m.id, { ed25519: m.ed25519, x25519: m.x25519 }]),
    );
    expect(membersAtHeight).not.toHaveProperty('dept-d');
    const attestations = [a, b, c].map((m) =>
      signAttestation(
        {
          v: 1,
          channel: block.header.channel,
          height: block.header.height,
          blockHash: block.hash,
          from: m.id,
          kind: 'block',
        },
        m.signer,
      ),
    );
    const proof = buildTxProof(block, h.position(request).index, attestations);
    expect(verifyTxProof(proof, membersAtHeight)).toMatchObject({ ok: true, txId: request.txId, validity: 'valid' });
  });

  it('Given a pending join, When members leave, Then the majority is recounted over the members still active', () => {
    const h = given('alliance', [a, b, c, e]);
    const request = h.log.joinRequest(d);
    h.log.joinVote(a, request.txId, true);
    h.log.joinVote(b, request.txId, true); // 2 of 4: not yet more than half
    h.closeBlock();
    expect(openProposals(h.config)).toHaveLength(1);

    const leave = h.log.leave(c); // 2 of 3 active
    const block = h.closeBlock();
    expect(h.code(leave)).toBe('valid');
    expect(block.events.map((ev) => ev.type)).toEqual(['member_left', 'proposal_approved', 'member_admitted']);
    expect(activeIds(h)).toEqual(['dept-a', 'dept-b', 'dept-d', 'dept-e']);
  });
});

describe('private channel', () => {
  it('Given a private channel, When an outsider asks, Then only the owner decides', () => {
    const h = given('private', [a, b], { owner: 'dept-a' });
    const request = h.log.joinRequest(d);
    const voteByMember = h.log.joinVote(b, request.txId, true);
    const approveByMember = h.log.joinApprove(b, request.txId, true);
    const approveByOwner = h.log.joinApprove(a, request.txId, true);
    const byD = h.log.tx(d);
    const other = h.log.joinRequest(e);
    const refused = h.log.joinApprove(a, other.txId, false);
    const again = h.log.joinApprove(a, other.txId, true);
    h.closeBlock();

    expect(h.code(voteByMember)).toBe('not_authorized');
    expect(h.code(approveByMember)).toBe('not_authorized');
    expect([h.code(approveByOwner), h.code(byD)]).toEqual(['valid', 'valid']);
    expect([h.code(refused), h.code(again)]).toEqual(['valid', 'config_rejected']);
    expect(activeIds(h)).toEqual(['dept-a', 'dept-b', 'dept-d']);
    expect(h.events('proposal_rejected')).toEqual([expect.objectContaining({ proposal: other.txId })]);
  });

  it("Given a private channel, Then the owner's policy change applies from the next block, a member's is not_authorized, the owner cannot leave", () => {
    const h = given('private', [a, b], { owner: 'dept-a' });
    const byMember = h.log.proposePolicy(b, policy({ maxTxPerBlock: 2 }));
    const byOwner = h.log.proposePolicy(a, policy({ maxTxPerBlock: 2 }));
    const ownerLeaves = h.log.leave(a);
    const block = h.closeBlock();
    expect([h.code(byMember), h.code(byOwner), h.code(ownerLeaves)]).toEqual([
      'not_authorized',
      'valid',
      'config_rejected',
    ]);
    expect(block.events).toEqual([
      expect.objectContaining({ type: 'policy_changed', proposal: byOwner.txId, index: null }),
    ]);
    expect(h.config.policy.maxTxPerBlock).toBe(2);

    h.log.tx(a);
    h.log.tx(b);
    expect(h.sync()).toHaveLength(1); // closed by count, no cut marker needed
  });
});

describe('leaving', () => {
  it('Given a member leaves, Then its later txs are removed_member, in the same block and after', () => {
    const h = given('alliance', [a, b, c]);
    const before = h.log.tx(b);
    const leave = h.log.leave(b);
    const sameBlock = h.log.tx(b);
    h.closeBlock();
    const nextBlock = h.log.tx(b);
    const rejoinVoteByRemoved = h.log.joinVote(b, 'cd'.repeat(32), true);
    h.closeBlock();

    expect([h.code(before), h.code(leave), h.code(sameBlock), h.code(nextBlock), h.code(rejoinVoteByRemoved)]).toEqual([
      'valid',
      'valid',
      'removed_member',
      'removed_member',
      'removed_member',
    ]);
    expect(findMemberRecord(h.config, 'dept-b')).toMatchObject({ status: 'removed', leftAt: { height: 1, index: 1 } });
    expect(listMembers(h.config, 'removed').map((m) => m.id)).toEqual(['dept-b']);
  });

  it('Given a member left, When it asks to join again and is voted in, Then it is active with its new keys', () => {
    const h = given('alliance', [a, b, c]);
    h.log.leave(c);
    h.closeBlock();
    const c2 = rotatedMember(c);
    const request = h.log.joinRequest(c2);
    h.log.joinVote(a, request.txId, true);
    h.log.joinVote(b, request.txId, true);
    const back = h.log.tx(c2);
    h.closeBlock();
    expect([h.code(request), h.code(back)]).toEqual(['valid', 'valid']);
    expect(findMemberRecord(h.config, 'dept-c')).toMatchObject({
      status: 'active',
      ed25519: c2.keys.ed25519.publicKey,
      leftAt: null,
    });
  });
});

describe('key rotation', () => {
  it('Given a member rotates its keys, Then the new key counts from the next block and the old one is rejected after', () => {
    const h = given('alliance', [a, b]);
    const a2 = rotatedMember(a);
    const rotate = h.log.rotateKeys(a, a2);
    const oldKeySameBlock = h.log.tx(a);
    const newKeySameBlock = h.log.tx(a2);
    const secondRotation = h.log.rotateKeys(a, rotatedMember(a, 2));
    const rotationBlock = h.closeBlock();
    const oldKeyNextBlock = h.log.tx(a);
    const newKeyNextBlock = h.log.tx(a2);
    h.closeBlock();

    expect([h.code(rotate), h.code(oldKeySameBlock), h.code(newKeySameBlock), h.code(secondRotation)]).toEqual([
      'valid',
      'valid',
      'bad_signature',
      'config_rejected',
    ]);
    expect([h.code(oldKeyNextBlock), h.code(newKeyNextBlock)]).toEqual(['bad_signature', 'valid']);
    expect(rotationBlock.events).toEqual([
      {
        type: 'key_rotated',
        height: 1,
        index: null,
        member: 'dept-a',
        ed25519: a2.keys.ed25519.publicKey,
        x25519: a2.keys.x25519.publicKey,
      },
    ]);
    expect(findMemberRecord(h.config, 'dept-a')).toMatchObject({
      ed25519: a2.keys.ed25519.publicKey,
      keysSince: { height: 2, index: 0 },
    });
    expect(h.keys.keyAt('dept-a', h.position(oldKeySameBlock))).toBe(a.keys.ed25519.publicKey);
    expect(h.keys.keyAt('dept-a', h.position(newKeyNextBlock))).toBe(a2.keys.ed25519.publicKey);
  });

  it('Given a member rotates and leaves in the same block, Then the rotation is dropped', () => {
    const h = given('alliance', [a, b]);
    h.log.rotateKeys(b, rotatedMember(b));
    h.log.leave(b);
    const block = h.closeBlock();
    expect(block.events.map((ev) => ev.type)).toEqual(['member_left']);
    expect(findMemberRecord(h.config, 'dept-b')?.ed25519).toBe(b.keys.ed25519.publicKey);
  });
});

describe('policy change', () => {
  it('Given an alliance, When a change is proposed and voted, Then it applies from the next block', () => {
    const h = given('alliance', [a, b, c]);
    const proposal = h.log.proposePolicy(a, policy({ maxTxPerBlock: 2, rules: { pointsPerUpload: 5 } }));
    const doubleVote = h.log.policyVote(a, proposal.txId, true);
    h.closeBlock();
    expect(h.code(doubleVote)).toBe('config_rejected');
    expect(findProposal(h.config, proposal.txId)?.votes).toEqual([
      { member: 'dept-a', approve: true, at: { height: 1, index: 0 } },
    ]);
    expect(h.config.policy.maxTxPerBlock).toBe(DEFAULT_POLICY.maxTxPerBlock);

    const yes = h.log.policyVote(b, proposal.txId, true);
    h.log.tx(c);
    h.log.tx(c); // still the old limit in this block
    const block = h.closeBlock();
    expect(h.code(yes)).toBe('valid');
    expect(block.block.header.txCount).toBe(3);
    expect(block.events.map((ev) => ev.type)).toEqual(['vote_cast', 'proposal_approved', 'policy_changed']);
    expect(h.config.policy).toMatchObject({ maxTxPerBlock: 2, rules: { pointsPerUpload: 5 } });

    h.log.tx(a);
    h.log.tx(b);
    expect(h.sync()).toHaveLength(1);
  });

  it('rejects proposals out of bounds, quorums above the member count, and votes by members of a private channel', () => {
    const h = given('alliance', [a, b, c]);
    const tooBig = h.log.proposePolicy(a, policy({ maxTxBytes: 1024 * 1024 * 1024 }));
    const quorum = h.log.proposePolicy(a, policy({ quorum: 4 }));
    const fine = h.log.proposePolicy(a, policy({ quorum: 3 }));
    const notAPolicy = h.log.tx(a, 'policy.change.propose', { policy: { quorum: 'all' } });
    h.closeBlock();
    expect([h.code(tooBig), h.code(quorum), h.code(fine), h.code(notAPolicy)]).toEqual([
      'config_rejected',
      'config_rejected',
      'valid',
      'schema_error',
    ]);

    const p = given('private', [a, b], { owner: 'dept-a' });
    const vote = p.log.policyVote(b, fine.txId, true);
    p.closeBlock();
    expect(p.code(vote)).toBe('not_authorized');
  });
});
