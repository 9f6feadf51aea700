import { shutdownTelemetry } from '@accord/service-kit';
import {
  channelConfig,
  deptB,
  seedChannel,
  seedDataset,
  seedReport,
  self,
  SHA,
  startCatalog,
  type CatalogUnderTest,
} from '../signing/testing/catalog-actions.fixture';

// Quality feedback through the real catalog service: reports on other
// departments' datasets, answers on ours; envelopes read back from the log.
const CHANNEL = 'transport';

describe('quality feedback', () => {
  let catalog: CatalogUnderTest;
  let roads: string;
  let ours: string;

  const nothingPublished = async () => expect(await catalog.published(CHANNEL)).toEqual([]);

  beforeAll(async () => {
    catalog = await startCatalog();
    await seedChannel(catalog, CHANNEL, channelConfig(CHANNEL, [self, deptB]));
    roads = await seedDataset(catalog, { channel: CHANNEL, owner: deptB.id, name: 'roads', version: 3 });
    ours = await seedDataset(catalog, { channel: CHANNEL, owner: self.id, name: 'stops', version: 2 });
    await seedReport(catalog, {
      id: SHA('1'),
      channel: CHANNEL,
      dataset: ours,
      version: 2,
      reporter: deptB.id,
      height: 4,
    });
    await seedReport(catalog, {
      id: SHA('2'),
      channel: CHANNEL,
      dataset: ours,
      version: 1,
      reporter: deptB.id,
      height: 3,
      answered: { resolution: 'fixed', answer: 'fixed in version 2', fixedVersion: 2 },
    });
    await seedReport(catalog, {
      id: SHA('3'),
      channel: CHANNEL,
      dataset: roads,
      version: 3,
      reporter: self.id,
      height: 5,
    });
  }, 60_000);

  afterAll(async () => {
    await catalog?.close();
    await shutdownTelemetry();
  });

  describe('refusals publish nothing', () => {
    it('refuses reports on our own, unknown datasets and unknown versions, and needs the user role', async () => {
      const body = { category: 'outdated', reason: 'the 2024 figures are missing' };
      const cases: [string, unknown, string, number, string][] = [
        [`/v1/datasets/${ours}/reports`, body, 'user', 422, 'own_dataset'],
        ['/v1/datasets/dept-b/nothing/reports', body, 'user', 404, 'dataset_not_found'],
        [`/v1/datasets/${roads}/reports`, { ...body, version: 4 }, 'user', 400, 'unknown_version'],
        [`/v1/datasets/${roads}/reports`, { ...body, category: 'ugly' }, 'user', 400, 'validation_failed'],
        [`/v1/datasets/${roads}/reports`, body, 'provider', 403, 'forbidden'],
      ];
      for (const [path, payload, role, status, error] of cases) {
        const res = await catalog.post(path, payload, role as 'user');
        expect([path, res.status, res.body.error]).toEqual([path, status, error]);
      }
      await nothingPublished();
    });

    it('refuses answers to reports on other datasets, unknown or closed reports, and needs provider or dataadmin', async () => {
      const body = { resolution: 'acknowledged', answer: 'we are on it' };
      const cases: [string, unknown, string, number, string][] = [
        [`/v1/reports/${SHA('3')}/answer`, body, 'provider', 403, 'not_owner'],
        [`/v1/reports/${SHA('4')}/answer`, body, 'provider', 404, 'report_not_found'],
        [`/v1/reports/${SHA('2')}/answer`, body, 'dataadmin', 409, 'report_closed'],
        [
          `/v1/reports/${SHA('1')}/answer`,
          { resolution: 'fixed', answer: 'done', fixedVersion: 2 },
          'provider',
          400,
          'invalid_fixed_version',
        ],
        [`/v1/reports/${SHA('1')}/answer`, { ...body, fixedVersion: 3 }, 'provider', 400, 'validation_failed'],
        [`/v1/reports/${SHA('1')}/answer`, body, 'user', 403, 'forbidden'],
      ];
      for (const [path, payload, role, status, error] of cases) {
        const res = await catalog.post(path, payload, role as 'user');
        expect([path, res.status, res.body.error]).toEqual([path, status, error]);
      }
      await nothingPublished();
    });
  });

  describe('what is signed', () => {
    it('reports on the current version by default, or the version given', async () => {
      const current = await catalog.post(
        `/v1/datasets/${roads}/reports`,
        { category: 'outdated', reason: 'no 2024 data' },
        'user',
      );
      expect(current.status).toBe(202);
      expect(current.body).toMatchObject({
        type: 'quality.report',
        dataset: roads,
        version: 3,
        report: current.body.txId,
      });
      const older = await catalog.post(
        `/v1/datasets/${roads}/reports`,
        { version: 1, category: 'incorrect', reason: 'wrong km' },
        'user',
      );
      expect(older.status).toBe(202);
      const log = await catalog.published(CHANNEL);
      expect(log.map((e) => [e.body.type, e.body.from, e.body.payload])).toEqual([
        ['quality.report', self.id, { dataset: roads, version: 3, category: 'outdated', reason: 'no 2024 data' }],
        ['quality.report', self.id, { dataset: roads, version: 1, category: 'incorrect', reason: 'wrong km' }],
      ]);
    });

    it('answers an open report on our dataset', async () => {
      const res = await catalog.post(
        `/v1/reports/${SHA('1')}/answer`,
        { resolution: 'fixed', answer: 'corrected in version 3', fixedVersion: 3 },
        'dataadmin',
      );
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ type: 'quality.answer', report: SHA('1'), dataset: ours });
      const last = (await catalog.published(CHANNEL)).at(-1);
      expect(last?.body.payload).toEqual({
        report: SHA('1'),
        resolution: 'fixed',
        answer: 'corrected in version 3',
        fixedVersion: 3,
      });
    });
  });

  it("lists a dataset's reports by status, newest first", async () => {
    const all = await catalog.get(`/v1/datasets/${ours}/reports`);
    expect(all.status).toBe(200);
    expect(all.body.reports.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [SHA('1'), 'open'],
      [SHA('2'), 'answered'],
    ]);
    const answered = await catalog.get(`/v1/datasets/${ours}/reports?status=answered`);
    expect(answered.body.reports).toEqual([
      expect.objectContaining({
        id: SHA('2'),
        version: 1,
        reporter: deptB.id,
        answer: {
          resolution: 'fixed',
          answer: 'fixed in version 2',
          fixedVersion: 2,
          txId: SHA('e'),
          time: 1700000100000,
        },
      }),
    ]);
    const open = await catalog.get(`/v1/datasets/${ours}/reports?status=open`);
    expect(open.body.reports.map((r: { id: string }) => r.id)).toEqual([SHA('1')]);
    const missing = await catalog.get('/v1/datasets/dept-b/nothing/reports');
    expect([missing.status, missing.body.error]).toEqual([404, 'dataset_not_found']);
  });
});
