import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import { closeDatabase, openDatabase } from '@accord/persistence';
import { encodeEnvelope, parseEnvelope, verifyEnvelopeSignature } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import type { DataSource } from 'typeorm';
import { mapErrorToHttp } from '../errors/http-error.mapper';
import { FakeClock } from '../testing/fake-clock';
import type { DepartmentSigner } from '../launcher/department-signer';
import { DepartmentTxPublisher, type TxChannelView } from './department-tx-publisher.service';
import { checkTxEnvelope } from './tx-envelope.checker';
import { txPublisherMigrations } from './tx-nonce.migration';
import { NONCE_LANE_SIZE, NONCE_LANES, TxNonceRepository } from './tx-nonce.repository';
import { EnvelopeRejectedError } from './tx-publisher.errors';

// The publisher on PGlite (a data dir, so it can restart) and the embedded log.
const member = testMember('dept-a');
const signer: DepartmentSigner = {
  department: member.id,
  ed25519: member.keys.ed25519.publicKey,
  x25519: member.keys.x25519.publicKey,
  signer: member.signer,
};
const LANE = NONCE_LANES.contracts;
const FIRST = LANE * NONCE_LANE_SIZE;
const topic = (channel: string) => `accord.${channel}.tx`;
const KNOWN: TxChannelView = {
  maxTxBytes: (channel) => {
    if (channel === 'nowhere') throw new Error(`channel_not_found: ${channel}`);
    return 2048;
  },
};

describe('DepartmentTxPublisher', () => {
  let dir: string;
  let bus: EventBus;
  let db: DataSource;
  /** A fresh channel (with its tx topic) per test: one database and one log serve the whole suite. */
  let CHANNEL: string;
  let channels = 0;

  const open = () =>
    openDatabase({ kind: 'pglite', dataDir: join(dir, 'db') }, { migrations: [...txPublisherMigrations] });
  const publisher = (channels: TxChannelView = KNOWN) =>
    new DepartmentTxPublisher({
      bus,
      signer,
      nonces: new TxNonceRepository(db),
      channels,
      lane: LANE,
      topic,
      headers: { kind: 'tx' },
      clock: new FakeClock(1_700_000_000_000),
    });
  const records = () => bus.read(topic(CHANNEL), 0, 1000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-tx-publisher-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: join(dir, 'log'), logger: silentEventBusLogger });
    db = await open();
  });

  beforeEach(async () => {
    CHANNEL = `channel-${++channels}`;
    await bus.ensureTopic(topic(CHANNEL));
  });

  afterAll(async () => {
    await closeDatabase(db);
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives concurrent callers distinct, consecutive nonces and publishes each envelope as the submission API would', async () => {
    const txs = publisher();
    const published = await Promise.all(
      Array.from({ length: 25 }, (_, i) => txs.publish({ channel: CHANNEL, type: 'test.note', payload: { i } })),
    );
    const nonces = published.map((p) => p.envelope.body.nonce).sort((x, y) => x - y);
    expect(nonces).toEqual(Array.from({ length: 25 }, (_, i) => FIRST + i));
    expect(new Set(published.map((p) => p.txId)).size).toBe(25);

    const log = await records();
    expect(log).toHaveLength(25);
    for (const p of published) {
      expect(p).toMatchObject({
        status: 'pending',
        channel: CHANNEL,
        statusUrl: `/v1/txs/${p.txId}?sig=${p.envelope.sig}`,
      });
      expect(p.envelope.body).toMatchObject({ v: 1, channel: CHANNEL, from: member.id, ts: 1_700_000_000_000 });
      expect(verifyEnvelopeSignature(p.envelope, member.keys.ed25519.publicKey)).toBe(true);
      const record = log.find((m) => parseEnvelope(m.value).txId === p.txId);
      expect(record?.headers).toEqual({ kind: 'tx' });
      // What went on the log is what the submission API would have published for this envelope.
      expect(Buffer.from(record?.value ?? [])).toEqual(
        Buffer.from(checkTxEnvelope(encodeEnvelope(p.envelope), CHANNEL, 2048).bytes),
      );
    }
  });

  it('goes on after the last nonce it handed out when the service restarts', async () => {
    const before = await publisher().publish({ channel: CHANNEL, type: 'test.note', payload: { n: 1 } });
    await publisher().publish({ channel: CHANNEL, type: 'test.note', payload: { n: 2 } });
    await closeDatabase(db);
    db = await open();
    const after = await Promise.all([
      publisher().publish({ channel: CHANNEL, type: 'test.note', payload: { n: 3 } }),
      publisher().publish({ channel: CHANNEL, type: 'test.note', payload: { n: 4 } }),
    ]);
    expect(before.envelope.body.nonce).toBe(FIRST);
    expect(after.map((p) => p.envelope.body.nonce).sort()).toEqual([FIRST + 2, FIRST + 3]);
  });

  it('counts nonces per channel and per lane, so the services of one department never share one', async () => {
    const nonces = new TxNonceRepository(db);
    expect(await nonces.next(member.id, CHANNEL, NONCE_LANES.contracts)).toBe(NONCE_LANES.contracts * NONCE_LANE_SIZE);
    expect(await nonces.next(member.id, CHANNEL, NONCE_LANES.catalog)).toBe(NONCE_LANES.catalog * NONCE_LANE_SIZE);
    expect(await nonces.next(member.id, `${CHANNEL}-other`, NONCE_LANES.contracts)).toBe(
      NONCE_LANES.contracts * NONCE_LANE_SIZE,
    );
    expect(await nonces.next(member.id, CHANNEL, NONCE_LANES.contracts)).toBe(
      NONCE_LANES.contracts * NONCE_LANE_SIZE + 1,
    );
    expect(await nonces.next('dept-b', CHANNEL, NONCE_LANES.contracts)).toBe(NONCE_LANES.contracts * NONCE_LANE_SIZE);
    await expect(nonces.next(member.id, CHANNEL, 0)).rejects.toThrow(RangeError);
    await expect(nonces.next(member.id, CHANNEL, 32)).rejects.toThrow(RangeError);
  });

  it('refuses an oversize payload with the submission API answer (400 envelope_invalid, tx.too_large) and publishes nothing', async () => {
    const refused = await publisher()
      .publish({ channel: CHANNEL, type: 'test.note', payload: { blob: 'x'.repeat(3000) } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EnvelopeRejectedError);
    const http = mapErrorToHttp(refused);
    expect(http.status).toBe(400);
    expect(http.body).toMatchObject({
      error: 'envelope_invalid',
      details: { reason: 'tx.too_large', maxTxBytes: 2048, size: expect.any(Number) },
    });
    expect(await records()).toEqual([]);
  });

  it('refuses a body the protocol would not sign (tx.invalid) and an unknown channel, publishing nothing', async () => {
    const bad = await publisher()
      .publish({ channel: CHANNEL, type: 'Not A Type', payload: {} })
      .catch((error: unknown) => error);
    expect(mapErrorToHttp(bad).body).toMatchObject({ error: 'envelope_invalid', details: { reason: 'tx.invalid' } });
    await expect(publisher().publish({ channel: 'nowhere', type: 'test.note', payload: {} })).rejects.toThrow(
      'channel_not_found: nowhere',
    );
    expect(await records()).toEqual([]);
    // The unknown channel took no nonce: the next tx on it would still get the lane's first.
    expect(await new TxNonceRepository(db).next(member.id, 'nowhere', LANE)).toBe(FIRST);
  });
});
