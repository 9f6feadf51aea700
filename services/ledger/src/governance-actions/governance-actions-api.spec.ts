import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { waitFor } from '@accord/event-bus/testing';
import {
  NONCE_LANE_SIZE,
  NONCE_LANES,
  shutdownTelemetry,
  startServiceForTest,
  type ServiceUnderTest,
} from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import { validateTxProofBundle, verifyTxProof, type TxEnvelope } from '@accord/protocol';
import { testMember, type TestMember } from '@accord/protocol/testing';
import request from 'supertest';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { getJson, runAccordCli, TxFactory } from '../testing/ledger-api.fixture';

// Two departments' ledgers in one process on one embedded log (as `accord up`
// runs them), each signing its department's governance txs through its own
// API: test-dept creates an alliance channel with dept-c (played by the
// test), dept-b joins by its own ledger and is admitted by a majority of yes
// votes, a policy proposal lowers the quorum to 2 of 3, and a proof bundle of
// a block final under that quorum verifies offline.
const self = testMember('test-dept');
const b = testMember('dept-b');
const c = testMember('dept-c');
const CHANNEL = 'gov-channel';
const UNKNOWN = 'no-such-channel';
const MISSING = 'ab'.repeat(32);

type Ledger = ServiceUnderTest<LedgerConfig>;
type Role = keyof Ledger['tokens'];

interface Accepted {
  txId: string;
  status: string;
  statusUrl: string;
  channel: string;
}

interface Committed {
  status: 'committed';
  height: number;
  code: string;
  final: boolean;
  envelope: TxEnvelope;
}

const keysOf = (m: TestMember) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey });

jest.setTimeout(60_000);

describe('governance actions API (two ledgers, in-process)', () => {
  let dir: string;
  let bus: EventBus;
  let ledgerA: Ledger;
  let ledgerB: Ledger;
  const cTxs = new TxFactory(CHANNEL);

  const post = (ledger: Ledger, path: string, body?: unknown, role: Role | null = 'sysadmin') => {
    const req = request(ledger.url).post(path);
    if (role !== null) void req.set('Authorization', `Bearer ${ledger.tokens[role]}`);
    return body === undefined ? req : req.send(body as object);
  };

  /** Posts an action that must be accepted (202) and waits for its commit on `ledger`. */
  const act = async (ledger: Ledger, path: string, body: unknown = {}): Promise<Accepted & Committed> => {
    const res = await post(ledger, path, body);
    expect([res.status, res.body.error, res.body.message]).toEqual([202, undefined, undefined]);
    const accepted = res.body as Accepted;
    expect(accepted).toEqual({
      txId: expect.stringMatching(/^[0-9a-f]{64}$/),
      status: 'pending',
      statusUrl: `/v1/txs/${accepted.txId}?channel=${CHANNEL}`,
      channel: CHANNEL,
    });
    return { ...accepted, ...(await committedOn(ledger, accepted.txId)) };
  };

  const committedOn = async (ledger: Ledger, txId: string): Promise<Committed> => {
    const status = await getJson<Committed>(
      ledger.url,
      `/v1/txs/${txId}?channel=${CHANNEL}&waitMs=10000`,
      ledger.tokens.user,
    );
    expect(status.status).toBe('committed');
    return status;
  };

  const refused = async (
    res: request.Test,
    status: number,
    error: string,
  ): Promise<{ error: string; details?: Record<string, unknown> }> => {
    const answer = await res;
    expect([answer.status, answer.body.error]).toEqual([status, error]);
    return answer.body as { error: string; details?: Record<string, unknown> };
  };

  const ch = `/v1/channels/${CHANNEL}`;

  const startLedger = async (member: TestMember): Promise<Ledger> =>
    startServiceForTest(ledgerService, {
      env: {
        ACCORD_DEPARTMENT: member.id,
        ACCORD_KEYS_FILE: await writeKeysFile(dir, member),
        ACCORD_BUS: `embedded:${join(dir, 'bus')}`,
        ACCORD_LEDGER_SIG_WORKERS: '1',
      },
      shared: { bus },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-ledger-governance-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: join(dir, 'bus'), logger: silentEventBusLogger });
    ledgerA = await startLedger(self);
    ledgerB = await startLedger(b);
  });

  afterAll(async () => {
    await ledgerA?.close();
    await ledgerB?.close();
    await bus?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates an alliance channel by the genesis action, signed with the department key in the ledger nonce lane', async () => {
    const genesis = { kind: 'alliance', members: [keysOf(self), keysOf(c)], policy: { batchTimeoutMs: 20 } };
    await refused(post(ledgerA, `${ch}/genesis`, genesis, null), 401, 'unauthenticated');
    await refused(post(ledgerA, `${ch}/genesis`, genesis, 'user'), 403, 'forbidden');
    await refused(post(ledgerA, `${ch}/genesis`, { ...genesis, kind: 'club' }), 400, 'validation_failed');
    const reasons: [unknown, string][] = [
      [{ ...genesis, members: [keysOf(c)] }, 'genesis.signer'],
      [{ ...genesis, members: [{ ...keysOf(self), ed25519: keysOf(c).ed25519 }, keysOf(c)] }, 'genesis.own_keys'],
      [{ ...genesis, kind: 'private' }, 'genesis.owner'],
      [{ ...genesis, policy: { quorum: 3 } }, 'genesis.policy'],
    ];
    for (const [body, reason] of reasons) {
      const answer = await refused(post(ledgerA, `${ch}/genesis`, body), 400, 'genesis_invalid');
      expect(answer.details?.reason).toBe(reason);
    }

    const res = await post(ledgerA, `${ch}/genesis`, genesis);
    expect(res.status).toBe(202);
    // Marked pending here: its status answers at once, before the commit.
    const pending = await getJson(ledgerA.url, res.body.statusUrl as string, ledgerA.tokens.user);
    expect(pending).toMatchObject({ status: 'pending', channel: CHANNEL });
    const committed = await committedOn(ledgerA, res.body.txId as string);
    expect(committed).toMatchObject({ height: 0, code: 'valid' });
    expect(committed.envelope.body).toMatchObject({ type: 'channel.genesis', from: self.id });
    expect(committed.envelope.body.nonce).toBeGreaterThanOrEqual(NONCE_LANES.ledger * NONCE_LANE_SIZE);

    await refused(post(ledgerA, `${ch}/genesis`, genesis), 409, 'channel_already_exists');
    const channels = await getJson<{ channels: { channel: string; followSource: string }[] }>(
      ledgerA.url,
      '/v1/channels',
      ledgerA.tokens.user,
    );
    expect(channels.channels).toContainEqual(expect.objectContaining({ channel: CHANNEL, followSource: 'create' }));
  });

  it('lets a second department join by its own ledger, admitted by a majority of yes votes', async () => {
    await refused(post(ledgerB, `/v1/channels/${UNKNOWN}/join`, {}), 404, 'channel_not_found');
    await refused(post(ledgerB, `${ch}/join`, { note: 'hi' }), 400, 'validation_failed');
    await refused(post(ledgerB, `${ch}/join`, {}, 'dataadmin'), 403, 'forbidden');

    const joined = await act(ledgerB, `${ch}/join`);
    expect(joined).toMatchObject({ code: 'valid', envelope: { body: { type: 'member.join.request', from: b.id } } });
    await refused(post(ledgerB, `${ch}/join`, {}), 409, 'join_pending');
    await refused(post(ledgerA, `${ch}/join`, {}), 409, 'already_member');

    await committedOn(ledgerA, joined.txId);
    const open = await getJson<{ proposals: { id: string; type: string; applicant: { id: string } }[] }>(
      ledgerA.url,
      `${ch}/proposals`,
      ledgerA.tokens.user,
    );
    expect(open.proposals).toEqual([
      expect.objectContaining({ id: joined.txId, type: 'member.join', applicant: keysOf(b) }),
    ]);

    const votes = `${ch}/proposals/${joined.txId}/votes`;
    await refused(post(ledgerB, votes, { approve: true }), 409, 'not_channel_member');
    await refused(post(ledgerA, votes, { approve: 'yes' }), 400, 'validation_failed');
    await refused(post(ledgerA, `${ch}/proposals/${MISSING}/votes`, { approve: true }), 404, 'proposal_not_found');

    const vote = await act(ledgerA, votes, { approve: true });
    expect(vote).toMatchObject({ code: 'valid', envelope: { body: { type: 'member.join.vote' } } });
    await refused(post(ledgerA, votes, { approve: false }), 409, 'already_voted');
    // One yes of two members is no majority yet: dept-c's yes (signed by the test) decides.
    const members = async (ledger: Ledger) =>
      getJson<{ members: { id: string; status: string }[]; finalityQuorum: number; policy: { quorum: unknown } }>(
        ledger.url,
        `${ch}/members`,
        ledger.tokens.user,
      );
    expect((await members(ledgerA)).members.map((m) => m.id)).toEqual([c.id, self.id]);
    const cVote = await post(ledgerA, `${ch}/txs`, cTxs.joinVote(c, joined.txId, true), 'provider');
    expect(await committedOn(ledgerA, cVote.body.txId as string)).toMatchObject({ code: 'valid' });

    expect((await members(ledgerA)).members).toContainEqual(expect.objectContaining({ id: b.id, status: 'active' }));
    await committedOn(ledgerB, cVote.body.txId as string);
    expect((await members(ledgerB)).members).toContainEqual(expect.objectContaining({ id: b.id, status: 'active' }));
    await refused(post(ledgerB, `${ch}/join`, {}), 409, 'already_member');
  });

  it('votes a policy proposal through: the policy in force with the proposed fields', async () => {
    const proposals = `${ch}/proposals`;
    const outOfBounds = await refused(
      post(ledgerB, proposals, { policy: { maxTxPerBlock: 0 } }),
      400,
      'policy_invalid',
    );
    expect(outOfBounds.details).toEqual({ field: 'maxTxPerBlock' });
    const quorum = await refused(post(ledgerB, proposals, { policy: { quorum: 4 } }), 400, 'policy_invalid');
    expect(quorum.details).toEqual({ field: 'quorum' });
    await refused(post(ledgerB, proposals, { policy: {} }), 400, 'validation_failed');
    await refused(post(ledgerB, proposals, { policy: { quorum: 2 } }, 'user'), 403, 'forbidden');

    const before = await getJson<{ policy: Record<string, unknown> }>(
      ledgerA.url,
      `${ch}/members`,
      ledgerA.tokens.user,
    );
    const proposed = await act(ledgerB, proposals, { policy: { quorum: 2 } });
    expect(proposed).toMatchObject({
      code: 'valid',
      envelope: { body: { type: 'policy.change.propose', from: b.id } },
    });
    expect(proposed.envelope.body.payload).toEqual({ policy: { ...before.policy, quorum: 2 } });

    await committedOn(ledgerA, proposed.txId);
    const open = await getJson<{ proposals: { id: string; tally: { yes: number; approveAt: number } }[] }>(
      ledgerA.url,
      proposals,
      ledgerA.tokens.user,
    );
    expect(open.proposals).toEqual([
      expect.objectContaining({ id: proposed.txId, tally: expect.objectContaining({ yes: 1, approveAt: 2 }) }),
    ]);
    await refused(post(ledgerB, `${proposals}/${proposed.txId}/votes`, { approve: true }), 409, 'already_voted');

    const vote = await act(ledgerA, `${proposals}/${proposed.txId}/votes`, { approve: true });
    expect(vote).toMatchObject({ code: 'valid', envelope: { body: { type: 'policy.change.vote' } } });
    const after = await getJson<{ policy: { quorum: unknown }; finalityQuorum: number }>(
      ledgerA.url,
      `${ch}/members`,
      ledgerA.tokens.user,
    );
    expect(after).toMatchObject({ policy: { quorum: 2 }, finalityQuorum: 2 });
    expect((await getJson<{ proposals: unknown[] }>(ledgerA.url, proposals, ledgerA.tokens.user)).proposals).toEqual(
      [],
    );
  });

  it('serves a proof bundle of a block final under 2 of 3 members: it verifies with the bundle, not with a larger quorum', async () => {
    const note = await post(ledgerA, `${ch}/txs`, cTxs.tx(c), 'provider');
    expect(note.status).toBe(202);
    const txId = note.body.txId as string;
    // Both ledgers attest; dept-c (played by the test) does not: 2 of 3 make the block final.
    const final = await waitFor('the block final under quorum 2', async () => {
      const status = await getJson<Committed>(ledgerA.url, `/v1/txs/${txId}?waitMs=2000`, ledgerA.tokens.user);
      return status.status === 'committed' && status.final ? status : undefined;
    });

    await refused(request(ledgerA.url).get(`/v1/txs/${txId}/proof-bundle`), 401, 'unauthenticated');
    await refused(
      request(ledgerA.url).get('/v1/txs/xyz/proof-bundle').set('Authorization', `Bearer ${ledgerA.tokens.user}`),
      400,
      'validation_failed',
    );
    await refused(
      request(ledgerA.url).get(`/v1/txs/${MISSING}/proof-bundle`).set('Authorization', `Bearer ${ledgerA.tokens.user}`),
      404,
      'tx_not_found',
    );
    const body = await getJson(ledgerA.url, `/v1/txs/${txId}/proof-bundle?channel=${CHANNEL}`, ledgerA.tokens.user);
    const bundle = validateTxProofBundle(body);
    expect(bundle).toMatchObject({ v: 1, quorum: 2, channel: CHANNEL, height: final.height });
    expect(bundle.members).toEqual({
      [b.id]: { ed25519: b.keys.ed25519.publicKey, x25519: b.keys.x25519.publicKey },
      [c.id]: { ed25519: c.keys.ed25519.publicKey, x25519: c.keys.x25519.publicKey },
      [self.id]: { ed25519: self.keys.ed25519.publicKey, x25519: self.keys.x25519.publicKey },
    });
    expect(bundle.proof.attestations.map((a) => a.body.from).sort()).toEqual([b.id, self.id]);
    expect(verifyTxProof(bundle.proof, bundle.members, { quorum: bundle.quorum })).toMatchObject({ ok: true, txId });

    const file = join(dir, 'bundle.json');
    await writeFile(file, JSON.stringify(bundle));
    const ok = await runAccordCli(['verify-proof', file]);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toContain(`OK: tx ${txId}`);
    expect(ok.stdout).toContain(
      `quorum 2: from the bundle (the policy of channel ${CHANNEL} at height ${final.height})`,
    );
    const larger = await runAccordCli(['verify-proof', file, '--quorum', '3']);
    expect(larger.code).toBe(1);
    expect(larger.stdout).toContain('INVALID (proof.quorum_not_met)');
  });

  it('lets a member leave, and refuses what only a member may do afterwards', async () => {
    await refused(post(ledgerB, `${ch}/leave`, {}, null), 401, 'unauthenticated');
    await refused(post(ledgerB, `${ch}/leave`, {}, 'operations'), 403, 'forbidden');
    await refused(post(ledgerA, `/v1/channels/${UNKNOWN}/leave`, {}), 404, 'channel_not_found');

    const left = await act(ledgerB, `${ch}/leave`);
    expect(left).toMatchObject({ code: 'valid', envelope: { body: { type: 'member.leave', from: b.id } } });
    await refused(post(ledgerB, `${ch}/leave`, {}), 409, 'not_channel_member');
    await refused(post(ledgerB, `${ch}/proposals`, { policy: { maxTxPerBlock: 10 } }), 409, 'not_channel_member');
    await committedOn(ledgerA, left.txId);
    const members = await getJson<{ members: { id: string; status: string }[] }>(
      ledgerA.url,
      `${ch}/members`,
      ledgerA.tokens.user,
    );
    expect(members.members).toContainEqual(expect.objectContaining({ id: b.id, status: 'removed' }));
  });
});
