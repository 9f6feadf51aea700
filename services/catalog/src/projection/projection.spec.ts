import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@accord/event-bus/testing';
import { api as contractsApi, createRulesChannel, TxPublisher } from '@accord/contracts-service/testing';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { contentHash, odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry, type ServiceUnderTest } from '@accord/service-kit';
import request from 'supertest';
import type { CatalogConfig } from '../catalog.config';
import {
  catalogDb,
  directoryDump,
  startCatalog,
  startCatalogDepartment,
  type CatalogDepartment,
} from '../testing/catalog-department.fixture';

// One department (ledger, contracts, catalog in-process on PGlite and the
// embedded log) on an alliance channel with a second member whose txs the
// test signs. The catalog projects registrations with their DCAT-AP
// metadata, versions, requests with their course, quality feedback and the
// authoritative department, and a second catalog built from the same logs
// on a fresh database ends with exactly the same rows.
const self = testMember('dept-a');
const b = testMember('dept-b');
const CHANNEL = 'alliance';

const trafficMetadata = {
  keywords: ['traffic', 'camera'],
  themes: ['TRAN'],
  publisher: 'Transport bureau',
  spatial: { west: '121.28', south: '29.68', east: '121.92', north: '30.03' },
  temporal: { start: '2024-01-01', end: '2024-12-31' },
  languages: ['zh'],
  subjectClass: 'vehicle',
  distributions: [{ format: 'MP4', mediaType: 'video/mp4', byteSize: 1000 }],
};

describe('catalog projection of committed blocks and decisions', () => {
  let dir: string;
  let dept: CatalogDepartment;
  let txs: TxPublisher;
  let rebuilt: ServiceUnderTest<CatalogConfig> | undefined;
  const ids: Record<string, string> = {};

  const rows = async (sql: string, params: unknown[] = []) =>
    (await catalogDb(dept.catalog).query(sql, params)) as Record<string, unknown>[];
  const until = <T>(what: string, probe: () => Promise<T | undefined>) => waitFor(what, probe);
  const receiptOf = async (txId: string) => {
    const res = await contractsApi(dept.contracts).get(`/v1/txs/${txId}/receipts?waitMs=15000`);
    return (res.body.receipts as { receipt: { kind: string; code: string } }[])[0]?.receipt;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-catalog-projection-'));
    dept = await startCatalogDepartment({ member: self, dir });
    txs = new TxPublisher(dept.bus, CHANNEL);
    await createRulesChannel(dept, CHANNEL, [self, b], {
      ...TEST_RULES,
      authoritativeSources: { transport: self.id },
    } as unknown as JsonObject);
  });

  afterAll(async () => {
    await rebuilt?.close();
    await dept?.close();
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('lists a registration with its metadata, and the authoritative department of its domain', async () => {
    ids.traffic = await txs.send(self, 'dataset.register', {
      ...registration('traffic', { description: 'Camera footage of the ring road', volumeBytes: 1000 }),
      metadata: trafficMetadata,
    } as unknown as JsonObject);
    ids.census = await txs.send(b, 'dataset.register', {
      ...registration('census', {
        title: 'Census\u0000 2024',
        domain: 'population',
        sensitivity: 'personal',
        subjectKey: 'citizen-id',
      }),
    } as unknown as JsonObject);
    const [traffic] = await until('traffic in the directory', async () => {
      const found = await rows("SELECT * FROM catalog_dataset WHERE id = 'dept-a/traffic'");
      return found.length === 1 ? found : undefined;
    });
    expect(traffic).toMatchObject({
      channel: CHANNEL,
      owner: self.id,
      version: 1,
      status: 'active',
      title: 'Dataset traffic',
      keywords: ['traffic', 'camera'],
      themes: ['TRAN'],
      publisher: 'Transport bureau',
      formats: ['MP4'],
      bbox_west: 1_212_800_000,
      bbox_north: 300_300_000,
      subject_class: 'vehicle',
      registered_tx: ids.traffic,
    });
    expect(JSON.parse(traffic.metadata as string)).toEqual(trafficMetadata);
    expect(await rows('SELECT domain, department FROM catalog_authority')).toEqual([
      { domain: 'transport', department: self.id },
    ]);
    const [census] = await until('census in the directory', async () => {
      const found = await rows("SELECT title, publisher FROM catalog_dataset WHERE id = 'dept-b/census'");
      return found.length === 1 ? found : undefined;
    });
    // A NUL in a title is replaced in the text columns (PostgreSQL refuses it there), kept in the JSON copies.
    expect(census).toEqual({ title: 'Census\uFFFD 2024', publisher: b.id });
  });

  it('keeps every version, and an update without metadata keeps the metadata it had', async () => {
    ids.update = await txs.send(self, 'dataset.update', {
      dataset: 'dept-a/traffic',
      version: 2,
      contentHash: contentHash('traffic-v2'),
      title: 'Ring road cameras',
    });
    const [row] = await until('version 2', async () => {
      const found = await rows("SELECT version, title, metadata FROM catalog_dataset WHERE id = 'dept-a/traffic'");
      return found[0]?.version === 2 ? found : undefined;
    });
    expect(row.title).toBe('Ring road cameras');
    expect(JSON.parse(row.metadata as string)).toEqual(trafficMetadata);
    expect(
      await rows(
        "SELECT version, tx_id FROM catalog_dataset_version WHERE dataset = 'dept-a/traffic' ORDER BY version",
      ),
    ).toEqual([
      { version: 1, tx_id: ids.traffic },
      { version: 2, tx_id: ids.update },
    ]);
  });

  it("follows each request's course: granted, denied with the reason, rejected", async () => {
    ids.strict = await txs.send(
      self,
      'dataset.register',
      registration('permits', { policy: odrlPolicy({ purposes: ['statistics'] }) }) as unknown as JsonObject,
    );
    await until('permits', async () =>
      (await rows("SELECT id FROM catalog_dataset WHERE id = 'dept-a/permits'")).length === 1 ? true : undefined,
    );
    ids.granted = await txs.send(b, 'access.request', {
      dataset: 'dept-a/traffic',
      purpose: 'planning',
      durationMs: 60_000,
    });
    ids.denied = await txs.send(b, 'access.request', {
      dataset: 'dept-a/permits',
      purpose: 'marketing',
      durationMs: 60_000,
    });
    ids.rejected = await txs.send(b, 'access.request', {
      dataset: 'dept-a/nothing',
      purpose: 'planning',
      durationMs: 60_000,
    });
    expect((await receiptOf(ids.rejected))?.code).toBe('unknown_dataset');
    const requests = await until('three requests', async () => {
      const found = await rows(
        'SELECT id, dataset, requester, status, code, grant_status, message FROM catalog_request ORDER BY requested_height, id',
      );
      return found.length === 3 ? found : undefined;
    });
    const byId = Object.fromEntries(requests.map((r) => [r.id, r]));
    expect(byId[ids.granted]).toMatchObject({
      dataset: 'dept-a/traffic',
      requester: b.id,
      status: 'granted',
      code: 'auto',
      grant_status: 'active',
    });
    expect(byId[ids.denied]).toMatchObject({
      dataset: 'dept-a/permits',
      status: 'denied',
      code: 'purpose_not_allowed',
    });
    expect(byId[ids.denied].message).toMatch(/marketing/);
    expect(byId[ids.rejected]).toMatchObject({
      dataset: 'dept-a/nothing',
      status: 'rejected',
      code: 'unknown_dataset',
    });
  });

  it('records quality reports and the owner’s answer, and ignores a report by the owner or an answer by someone else', async () => {
    ids.report = await txs.send(b, 'quality.report', {
      dataset: 'dept-a/traffic',
      version: 1,
      category: 'outdated',
      reason: 'cameras moved',
    });
    await txs.send(self, 'quality.report', { dataset: 'dept-a/traffic', version: 1, category: 'other', reason: 'own' });
    await txs.send(b, 'quality.answer', { report: ids.report, resolution: 'rejected', answer: 'not yours to answer' });
    ids.answer = await txs.send(self, 'quality.answer', {
      report: ids.report,
      resolution: 'fixed',
      answer: 'see v2',
      fixedVersion: 2,
    });
    const [report] = await until('the answer', async () => {
      const found = await rows('SELECT * FROM catalog_quality_report');
      return found[0]?.status === 'answered' ? found : undefined;
    });
    expect(report).toMatchObject({
      id: ids.report,
      reporter: b.id,
      status: 'answered',
      resolution: 'fixed',
      fixed_version: 2,
      answer_tx: ids.answer,
    });
    expect(await rows('SELECT count(*)::int AS n FROM catalog_quality_report')).toEqual([{ n: 1 }]);
  });

  it('lays out the provenance trail of a dataset in chain order', async () => {
    ids.deprecate = await txs.send(self, 'dataset.deprecate', { dataset: 'dept-a/traffic', reason: 'replaced' });
    const trail = await until('the deprecation in the trail', async () => {
      const found = await rows(
        "SELECT kind, code, tx_id, actor FROM catalog_provenance WHERE dataset = 'dept-a/traffic' ORDER BY height, phase, tx_index, seq",
      );
      return found.some((e) => e.kind === 'deprecated') ? found : undefined;
    });
    expect(trail.map((e) => `${e.kind}:${e.code}`)).toEqual([
      'registered:ok',
      'updated:ok',
      'granted:auto',
      'quality.report:outdated',
      'quality.answer:fixed',
      'deprecated:ok',
    ]);
    expect(trail[0]).toMatchObject({ tx_id: ids.traffic, actor: self.id });
    expect(await rows("SELECT status FROM catalog_dataset WHERE id = 'dept-a/traffic'")).toEqual([
      { status: 'deprecated' },
    ]);
  });

  it('keeps search current with the chain: a new version is found by its new title, a deprecated dataset leaves the default results', async () => {
    const search = async (query: Record<string, string>) =>
      (
        await request(dept.catalog.url)
          .get('/v1/datasets')
          .query(query)
          .set('Authorization', `Bearer ${dept.catalog.tokens.user}`)
          .expect(200)
      ).body as { total: number; hits: { id: string; title: string; authoritative: boolean }[] };
    // Searched once before the changes below, so the index is loaded and must follow them.
    expect((await search({ q: 'census' })).hits.map((h) => h.id)).toEqual(['dept-b/census']);
    ids.moreCensus = await txs.send(b, 'dataset.update', {
      dataset: 'dept-b/census',
      version: 2,
      contentHash: contentHash('census-v2'),
      title: 'Population register',
    });
    await until('census v2 in search', async () =>
      (await search({ q: 'population register' })).hits.some((h) => h.id === 'dept-b/census') ? true : undefined,
    );
    expect((await search({ q: 'census' })).hits).toEqual([]);
    // dept-a/traffic was deprecated above: only a status filter that asks for deprecated datasets finds it.
    expect((await search({ q: 'cameras' })).hits).toEqual([]);
    expect((await search({ q: 'cameras', status: 'deprecated' })).hits).toEqual([
      expect.objectContaining({ id: 'dept-a/traffic', authoritative: true }),
    ]);
  });

  it('rebuilds the same directory from the logs on a fresh database', async () => {
    const live = await directoryDump(dept.catalog);
    rebuilt = await startCatalog(dept, dept.keysFile);
    const again = await waitFor('the rebuilt directory to match', async () => {
      const dump = await directoryDump(rebuilt as ServiceUnderTest<CatalogConfig>);
      return JSON.stringify(dump) === JSON.stringify(live) ? dump : undefined;
    });
    expect(again).toEqual(live);
    expect(live.catalog_dataset).toHaveLength(3);
  });
});
