import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus } from '@accord/event-bus';
import { computeTxId, encodeEnvelope, signTx, type TxEnvelope } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { EVENT_BUS, shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { getJson, TxFactory } from '../testing/ledger-api.fixture';

// POST /v1/channels/:channel/txs/batch booted in-process (PGlite, embedded
// log): one result per envelope in request order, each the single
// endpoint's answer or that envelope's own envelope_invalid; the new
// envelopes go out in one publish (docs/ledger.md "Batch submission").
const self = testMember('test-dept');
const other = testMember('dept-b');
const CHANNEL = 'batch-channel';

interface BatchResult {
  txId?: string;
  status?: string;
  statusUrl?: string;
  duplicate?: boolean;
  code?: string;
  error?: { code: string; message: string; details?: { reason?: string } };
}

describe('ledger batch submission API (in-process)', () => {
  let sut: ServiceUnderTest<LedgerConfig>;
  let dir: string;
  const txs = new TxFactory(CHANNEL);

  /** POSTs this exact text as application/json. */
  const post = (path: string, text: string, token = sut.tokens.provider) =>
    request(sut.url)
      .post(path)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(text);
  const canonical = (envelope: TxEnvelope): string => Buffer.from(encodeEnvelope(envelope)).toString('utf8');
  const batchText = (elements: readonly string[]): string => `[${elements.join(',')}]`;
  const postBatch = async (elements: readonly string[], channel = CHANNEL) => {
    const res = await post(`/v1/channels/${channel}/txs/batch`, batchText(elements));
    return { status: res.status, body: res.body as { results: BatchResult[]; error?: string } };
  };
  const committed = async (txId: string, sig?: string): Promise<{ status: string; code: string }> =>
    getJson(sut.url, `/v1/txs/${txId}?${sig === undefined ? '' : `sig=${sig}&`}waitMs=10000`, sut.tokens.user);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-ledger-batch-'));
    sut = await startServiceForTest(ledgerService, {
      env: { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_LEDGER_SIG_WORKERS: '1' },
    });
    const genesis = txs.genesis(self, 'alliance', [self, other], { batchTimeoutMs: 20, maxTxBytes: 2048 });
    const created = await post('/v1/channels', canonical(genesis), sut.tokens.sysadmin);
    expect(created.status).toBe(202);
    expect((await committed(computeTxId(genesis.body))).status).toBe('committed');
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers each envelope in request order: new ones published, refused ones with their own error, duplicates marked', async () => {
    const done = txs.tx(self, 'test.note', { n: 'committed before' });
    const first = await postBatch([canonical(done)]);
    expect(first).toMatchObject({
      status: 200,
      body: { results: [{ txId: computeTxId(done.body), duplicate: false }] },
    });
    expect((await committed(computeTxId(done.body), done.sig)).code).toBe('valid');

    const a = txs.tx(self, 'test.note', { n: 'a' });
    const b = txs.tx(other, 'test.note', { n: 'b' });
    const wrongChannel = txs.tx(self, 'test.note', { n: 'elsewhere' }, { channel: 'another' });
    const tooLarge = txs.tx(self, 'test.note', { n: 'x'.repeat(3000) });
    const forged: TxEnvelope = { body: b.body, sig: signTx(b.body, testMember('dept-x').signer).sig };
    const elements = [
      canonical(a),
      canonical(wrongChannel),
      JSON.stringify(b, null, 2), // only layout differs: accepted, published as canonical JSON
      canonical(done), // committed before: a duplicate, answered with its commit
      canonical(a).replace('{"body":{', '{"body":{"from":"dept-x",'), // a duplicate key: refused alone
      canonical(a), // the same envelope again in this batch
      canonical(tooLarge),
      canonical(forged), // same body as b, another signature: another envelope
      '{"not":"an envelope"}',
    ];
    const res = await postBatch(elements);
    expect(res.status).toBe(200);
    const summary = res.body.results.map((r) =>
      r.error === undefined ? { txId: r.txId, duplicate: r.duplicate, status: r.status } : r.error.details?.reason,
    );
    expect(summary).toEqual([
      { txId: computeTxId(a.body), duplicate: false, status: 'pending' },
      'tx.wrong_channel',
      { txId: computeTxId(b.body), duplicate: false, status: 'pending' },
      { txId: computeTxId(done.body), duplicate: true, status: 'committed' },
      'json.duplicate_key',
      { txId: computeTxId(a.body), duplicate: true, status: 'pending' },
      'tx.too_large',
      { txId: computeTxId(b.body), duplicate: false, status: 'pending' },
      'tx.invalid',
    ]);
    expect(res.body.results.filter((r) => r.error !== undefined).map((r) => r.error?.code)).toEqual(
      Array(4).fill('envelope_invalid'),
    );
    expect(res.body.results[3]).toMatchObject({ code: 'valid' });
    expect(res.body.results[0].statusUrl).toBe(`/v1/txs/${computeTxId(a.body)}?sig=${a.sig}`);

    expect((await committed(computeTxId(a.body), a.sig)).code).toBe('valid');
    expect((await committed(computeTxId(b.body), b.sig)).code).toBe('valid');
    expect((await committed(computeTxId(b.body), forged.sig)).code).toBe('bad_signature');
    // Published once each: a second batch of the same envelopes finds them all committed.
    const again = await postBatch([canonical(a), canonical(b)]);
    expect(again.body.results).toMatchObject([
      { duplicate: true, status: 'committed', code: 'valid' },
      { duplicate: true, status: 'committed', code: 'valid' },
    ]);
  });

  it('answers an envelope submitted through the single endpoint and still pending as a duplicate, and vice versa', async () => {
    const envelope = txs.tx(self, 'test.note', { n: 'both endpoints' });
    const [single, batch] = await Promise.all([
      post(`/v1/channels/${CHANNEL}/txs`, canonical(envelope)),
      postBatch([canonical(envelope)]),
    ]);
    const answers = [single.body as BatchResult, batch.body.results[0]];
    expect(answers.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect((await committed(computeTxId(envelope.body), envelope.sig)).code).toBe('valid');
    const later = await post(`/v1/channels/${CHANNEL}/txs`, canonical(envelope));
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ duplicate: true, status: 'committed' });
  });

  it('refuses a body that is not a non-empty JSON array, more than 1000 envelopes, and an unknown channel', async () => {
    const envelope = canonical(txs.tx(self, 'test.note', { n: 'refused' }));
    const notArray = await post(`/v1/channels/${CHANNEL}/txs/batch`, envelope);
    expect(notArray.status).toBe(400);
    expect(notArray.body.error).toBe('batch_invalid');
    expect((await post(`/v1/channels/${CHANNEL}/txs/batch`, '[]')).body.error).toBe('batch_invalid');
    const tooMany = await postBatch(Array<string>(1001).fill(envelope));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: 'batch_too_large', details: { count: 1001, maxEnvelopes: 1000 } });
    const unknown = await postBatch([envelope], 'no-such-channel');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('channel_not_found');
  });

  it('takes the roles of the single endpoint', async () => {
    const envelope = canonical(txs.tx(self, 'test.note', { n: 'roles' }));
    const sysadmin = await post(`/v1/channels/${CHANNEL}/txs/batch`, batchText([envelope]), sut.tokens.sysadmin);
    expect(sysadmin.status).toBe(403);
    const user = await post(`/v1/channels/${CHANNEL}/txs/batch`, batchText([envelope]), sut.tokens.user);
    expect(user.status).toBe(200);
  });

  // Last: it closes the service's bus.
  it('answers 503 for the whole batch when the bus is down, and publishes nothing', async () => {
    const fresh = txs.tx(self, 'test.note', { n: 'bus down' });
    await sut.service.app.get<EventBus>(EVENT_BUS).close();
    const res = await postBatch([canonical(fresh), '{}']);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: 'dependency_unavailable', details: { dependency: 'bus' } });
    const status = await request(sut.url)
      .get(`/v1/txs/${computeTxId(fresh.body)}`)
      .set('Authorization', `Bearer ${sut.tokens.user}`);
    expect(status.status).toBe(404);
  });
});
