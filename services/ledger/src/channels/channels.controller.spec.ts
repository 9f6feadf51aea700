import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { ed25519Signer, signTx, type TxEnvelope } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import {
  departmentLayout,
  loadDepartmentKeys,
  shutdownTelemetry,
  startServiceForTest,
  type DepartmentKeys,
  type ServiceUnderTest,
} from '@accord/service-kit';
import { waitFor } from '@accord/event-bus/testing';
import { ledgerService } from '../ledger.definition';
import type { LedgerConfig } from '../ledger.config';

const partner = testMember('partner');

jest.setTimeout(30_000);

// The real service in-process (PGlite in memory, embedded log): creating, following and listing channels over HTTP.
describe('channels API', () => {
  let sut: ServiceUnderTest<LedgerConfig>;
  let keys: DepartmentKeys;

  const genesis = (
    channel: string,
    overrides: { from?: string; kind?: string; signer?: string; policy?: Record<string, number> } = {},
  ): TxEnvelope =>
    signTx(
      {
        v: 1,
        channel,
        type: 'channel.genesis',
        from: overrides.from ?? 'test-dept',
        nonce: 0,
        ts: 1,
        payload: {
          kind: overrides.kind ?? 'alliance',
          members: [
            { id: 'test-dept', ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey },
            { id: partner.id, ed25519: partner.keys.ed25519.publicKey, x25519: partner.keys.x25519.publicKey },
          ],
          policy: overrides.policy ?? { batchTimeoutMs: 20 },
        },
      },
      ed25519Signer(overrides.signer ?? keys.ed25519.privateKey),
    );

  beforeAll(async () => {
    sut = await startServiceForTest(ledgerService, { env: { ACCORD_LEDGER_SIG_WORKERS: '1' } });
    // The ledger created the department keys on first start (embedded layout).
    const file = departmentLayout(sut.dataDir, 'test-dept').keysFile;
    keys = loadDepartmentKeys(JSON.parse(await readFile(file, 'utf8')), file);
  });

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
  });

  const as = (role: keyof ServiceUnderTest['tokens']) => ({ Authorization: `Bearer ${sut.tokens[role]}` });

  it('creates a channel from a genesis envelope, follows it and builds block 0', async () => {
    const envelope = genesis('health');
    const res = await request(sut.url).post('/v1/channels').set(as('sysadmin')).send(envelope).expect(202);
    expect(res.body).toMatchObject({
      channel: 'health',
      offset: 0,
      statusUrl: `/v1/txs/${res.body.txId}`,
      view: { channel: 'health', followSource: 'create', following: true },
    });
    const channel = await waitFor('block 0', async () => {
      const list = await request(sut.url).get('/v1/channels').set(as('user')).expect(200);
      const health = (list.body.channels as { channel: string; head: unknown }[]).find((c) => c.channel === 'health');
      return health?.head ? health : undefined;
    });
    expect(channel).toMatchObject({
      kind: 'alliance',
      owner: null,
      activeMembers: 2,
      head: { height: 0 },
      runner: { state: 'running' },
    });
    const ready = await request(sut.url).get('/health/ready').expect(200);
    expect(ready.body.info.channels).toMatchObject({ status: 'up', health: 'running' });
  });

  it('refuses a second genesis for a channel whose log is not empty (409)', async () => {
    const res = await request(sut.url).post('/v1/channels').set(as('sysadmin')).send(genesis('health')).expect(409);
    expect(res.body).toMatchObject({
      error: 'channel_already_exists',
      details: { channel: 'health', records: expect.any(Number) },
    });
  });

  it('refuses genesis envelopes that could not create their channel, with a reason (400)', async () => {
    const cases: [unknown, string][] = [
      [{ hello: 'world' }, 'tx.invalid'],
      [{ ...genesis('c1'), sig: 'ab'.repeat(64) }, 'genesis.signature'],
      [genesis('c2', { signer: partner.keys.ed25519.privateKey }), 'genesis.signature'],
      [genesis('c3', { from: 'stranger' }), 'genesis.signer'],
      [genesis('c4', { kind: 'private' }), 'genesis.owner'],
      [genesis('c5', { policy: { maxTxPerBlock: 0 } }), 'genesis.policy'],
      [
        signTx(
          { v: 1, channel: 'c6', type: 'test.note', from: 'test-dept', nonce: 0, ts: 1, payload: {} },
          ed25519Signer(keys.ed25519.privateKey),
        ),
        'genesis.type',
      ],
      [{ body: { ...genesis('c7').body, payload: { kind: 'alliance' } }, sig: genesis('c7').sig }, 'genesis.payload'],
    ];
    for (const [body, reason] of cases) {
      const res = await request(sut.url)
        .post('/v1/channels')
        .set(as('sysadmin'))
        .send(body as object);
      expect([res.status, res.body.error, res.body.details?.reason]).toEqual([400, 'genesis_invalid', reason]);
    }
  });

  it('follows an existing channel by name (sysadmin only) and validates the name', async () => {
    await request(sut.url).post('/v1/channels/other-channel/follow').set(as('user')).expect(403);
    const bad = await request(sut.url).post('/v1/channels/Not_A_Channel!/follow').set(as('sysadmin')).expect(400);
    expect(bad.body.error).toBe('validation_failed');
    const res = await request(sut.url).post('/v1/channels/other-channel/follow').set(as('sysadmin')).expect(200);
    expect(res.body).toMatchObject({
      channel: 'other-channel',
      following: true,
      followSource: 'api',
      head: null,
      kind: null,
    });
    await request(sut.url).post('/v1/channels').set(as('user')).send(genesis('c9')).expect(403);
  });
});
