import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeTxId } from '@accord/protocol';
import { TestChain, testMember } from '@accord/protocol/testing';
import { startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { catalogService } from '../catalog.definition';
import { verifyProvenanceProofs } from './provenance-proof.verifier';
import { CatalogRows } from './testing/catalog-rows.fixture';

// The two routes over HTTP in the booted catalog service: roles, validation,
// headers, and the real LedgerClient reading proofs from a stand-in ledger API.
const CHANNEL = 'test-channel';
const a = testMember('dept-a');
const b = testMember('dept-b');
const chain = new TestChain([a, b], CHANNEL);
const txs = [0, 1, 2].map((i) => chain.tx(b, { type: 'access.use', payload: { grant: 'ab'.repeat(32), bytes: i } }));
chain.append(txs);
const LEDGER_TOKEN = 'ledger-token-for-the-catalog';

describe('provenance and export over HTTP', () => {
  let ledger: Server;
  let ledgerDown = false;
  const ledgerCalls: string[] = [];
  let sut: ServiceUnderTest;

  beforeAll(async () => {
    ledger = createServer((req, res) => {
      ledgerCalls.push(`${req.headers.authorization} ${req.url}`);
      const match = /^\/v1\/txs\/([0-9a-f]{64})\/proof$/.exec(req.url ?? '');
      const index = txs.findIndex((tx) => computeTxId(tx.body) === match?.[1]);
      if (ledgerDown) res.writeHead(500).end('{"error":"internal"}');
      else if (index < 0) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"tx_not_found"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chain.proof(0, index)));
    });
    await new Promise<void>((resolve) => ledger.listen(0, '127.0.0.1', resolve));
    const { port } = ledger.address() as AddressInfo;
    sut = await startServiceForTest(catalogService, {
      env: { ACCORD_LEDGER_URL: `http://127.0.0.1:${port}`, ACCORD_LEDGER_TOKEN: LEDGER_TOKEN },
    });
    const rows = new CatalogRows(sut.service.app.get(DataSource));
    await rows.channel(CHANNEL, { blockHeight: 0, blockTime: chain.blocks[0]!.header.time });
    await rows.dataset({ id: 'dept-a/data', channel: CHANNEL, title: 'Data "one"\n数据' });
    for (const [i, tx] of txs.entries()) {
      await rows.provenance({
        channel: CHANNEL,
        dataset: 'dept-a/data',
        height: 0,
        txIndex: i,
        kind: 'used',
        txId: computeTxId(tx.body),
        actor: 'dept-b',
        details: { grant: 'ab'.repeat(32), bytes: i },
      });
    }
  });

  afterAll(async () => {
    await sut.close();
    await new Promise((resolve) => ledger.close(resolve));
  });

  const get = (path: string, token: string | null = sut.tokens.user) => {
    const req = request(sut.url).get(path);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('answers the trail to any role with proofs read from the ledger API, paged with a Link header', async () => {
    expect((await get('/v1/datasets/dept-a/data/provenance', null)).status).toBe(401);
    const first = await get('/v1/datasets/dept-a/data/provenance?limit=2&kind=used', sut.tokens.operations);
    expect(first.status).toBe(200);
    expect(first.body.next).toBe('0.1.1.0');
    expect(first.headers['link']).toBe(
      '</v1/datasets/dept-a/data/provenance?kind=used&limit=2&cursor=0.1.1.0>; rel="next"',
    );
    expect(ledgerCalls.every((call) => call.startsWith(`Bearer ${LEDGER_TOKEN} /v1/txs/`))).toBe(true);
    const second = await get(first.headers['link']!.slice(1, first.headers['link']!.indexOf('>')));
    expect(second.body).toMatchObject({ next: null, entries: [{ txIndex: 2 }] });
    expect(second.headers['link']).toBeUndefined();
    const entries = [...first.body.entries, ...second.body.entries];
    expect(verifyProvenanceProofs(entries, chain.memberKeys)).toMatchObject({
      ok: true,
      withoutTx: 0,
      checks: [{}, {}, {}],
    });
  });

  it('answers 503 ledger_unavailable when the ledger fails, unless proofs=false', async () => {
    ledgerDown = true;
    try {
      const failed = await get('/v1/datasets/dept-a/data/provenance');
      expect(failed.status).toBe(503);
      expect(failed.body.error).toBe('ledger_unavailable');
      const without = await get('/v1/datasets/dept-a/data/provenance?proofs=false');
      expect(without.status).toBe(200);
      expect(without.body.proofs).toEqual({ included: false, reason: 'not requested (proofs=false)', missing: [] });
    } finally {
      ledgerDown = false;
    }
  });

  it('names unknown parameters (400), answers 404 dataset_not_found, and the usage summary', async () => {
    const unknown = await get('/v1/datasets/dept-a/data/provenance?requestor=dept-b');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('validation_failed');
    expect(unknown.body.details.issues).toEqual([{ field: 'query', reason: 'Unrecognized key: "requestor"' }]);
    expect((await get('/v1/datasets/dept-a/data/provenance?cursor=zz')).status).toBe(400);
    const missing = await get('/v1/datasets/dept-a/none/provenance');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('dataset_not_found');
    expect((await get('/v1/datasets/dept-a/none/usage')).body.error).toBe('dataset_not_found');
    const usage = await get('/v1/datasets/dept-a/data/usage');
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({ dataset: 'dept-a/data', channel: CHANNEL, grants: [], next: null });
  });

  it('serves the DCAT-AP catalog as application/ld+json, 404 for a channel not followed', async () => {
    const res = await get(`/v1/channels/${CHANNEL}/catalog.jsonld`, sut.tokens.provider);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    const doc = JSON.parse(res.text) as Record<string, unknown>;
    expect(doc['@type']).toBe('dcat:Catalog');
    expect(doc['dcat:dataset']).toEqual([expect.objectContaining({ 'dct:title': 'Data "one"\n数据' })]);
    expect((await get(`/v1/channels/${CHANNEL}/catalog.jsonld`, null)).status).toBe(401);
    const missing = await get('/v1/channels/nowhere/catalog.jsonld');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('channel_not_found');
    const bad = await get(`/v1/channels/${CHANNEL}/catalog.jsonld?status=deprecated&x=1`);
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues).toEqual([
      { field: 'query.status', reason: 'must be active or all' },
      { field: 'query', reason: 'Unrecognized key: "x"' },
    ]);
  });
});
