import { checkErrorResponses, shutdownTelemetry, type ErrorCase } from '@accord/service-kit';
import {
  channelConfig,
  deptB,
  MINIMAL_POLICY,
  seedChannel,
  seedDataset,
  seedReport,
  self,
  SHA,
  startCatalog,
  type CatalogUnderTest,
} from './testing/catalog-actions.fixture';

// The catalog's action routes answer exactly the 4xx statuses their OpenAPI
// document lists, and every listed one is produced (service-kit conformance).
const CHANNEL = 'transport';
const ACTION_ROUTES = [
  '/v1/channels/{channel}/datasets',
  '/v1/datasets/{owner}/{name}/versions',
  '/v1/datasets/{owner}/{name}/deprecate',
  '/v1/requests',
  '/v1/requests/mine',
  '/v1/datasets/{owner}/{name}/reports',
  '/v1/reports/{id}/answer',
];

describe('catalog actions: documented error statuses', () => {
  let catalog: CatalogUnderTest;

  beforeAll(async () => {
    catalog = await startCatalog();
    await seedChannel(catalog, CHANNEL, channelConfig(CHANNEL, [self, deptB]));
    await seedChannel(catalog, 'elsewhere', channelConfig('elsewhere', [deptB]));
    await seedDataset(catalog, { channel: CHANNEL, owner: self.id, name: 'ours', version: 2 });
    await seedDataset(catalog, { channel: CHANNEL, owner: self.id, name: 'gone', status: 'deprecated' });
    await seedDataset(catalog, { channel: 'elsewhere', owner: deptB.id, name: 'theirs' });
    await seedReport(catalog, {
      id: SHA('1'),
      channel: CHANNEL,
      dataset: 'dept-b/theirs',
      version: 1,
      reporter: self.id,
      height: 1,
    });
    await seedReport(catalog, {
      id: SHA('2'),
      channel: CHANNEL,
      dataset: `${self.id}/ours`,
      version: 1,
      reporter: deptB.id,
      height: 1,
      answered: { resolution: 'acknowledged', answer: 'noted' },
    });
  }, 60_000);

  afterAll(async () => {
    await catalog?.close();
    await shutdownTelemetry();
  });

  it('answers and documents the same statuses', async () => {
    const t = catalog.sut.tokens;
    const register = {
      name: 'x',
      title: 'X',
      description: 'x',
      domain: 'transport',
      dataType: 'table',
      sensitivity: 'public',
      volumeBytes: 1,
      updateFrequency: 'once',
      governance: 'light',
      contentHash: SHA('1'),
      policy: MINIMAL_POLICY,
    };
    const ours = `/v1/datasets/${self.id}/ours`;
    const cases: ErrorCase[] = [
      {
        method: 'POST',
        path: `/v1/channels/${CHANNEL}/datasets`,
        token: null,
        body: register,
        status: 401,
        error: 'unauthenticated',
      },
      {
        method: 'POST',
        path: `/v1/channels/${CHANNEL}/datasets`,
        token: t.user,
        body: register,
        status: 403,
        error: 'forbidden',
      },
      {
        method: 'POST',
        path: `/v1/channels/${CHANNEL}/datasets`,
        token: t.provider,
        body: {},
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: '/v1/channels/nowhere/datasets',
        token: t.provider,
        body: register,
        status: 404,
        error: 'channel_not_found',
      },
      {
        method: 'POST',
        path: `/v1/channels/${CHANNEL}/datasets`,
        token: t.provider,
        body: { ...register, name: 'ours' },
        status: 409,
        error: 'dataset_exists',
      },
      { method: 'POST', path: `${ours}/versions`, token: null, body: {}, status: 401, error: 'unauthenticated' },
      {
        method: 'POST',
        path: `/v1/datasets/${deptB.id}/theirs/versions`,
        token: t.provider,
        body: { contentHash: SHA('2') },
        status: 403,
        error: 'not_owner',
      },
      {
        method: 'POST',
        path: `${ours}/versions`,
        token: t.provider,
        body: {},
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: `/v1/datasets/${self.id}/none/versions`,
        token: t.provider,
        body: { contentHash: SHA('2') },
        status: 404,
        error: 'dataset_not_found',
      },
      {
        method: 'POST',
        path: `${ours}/versions`,
        token: t.provider,
        body: { contentHash: SHA('2'), version: 9 },
        status: 409,
        error: 'version_not_next',
      },
      { method: 'POST', path: `${ours}/deprecate`, token: null, body: {}, status: 401, error: 'unauthenticated' },
      {
        method: 'POST',
        path: `/v1/datasets/${deptB.id}/theirs/deprecate`,
        token: t.provider,
        body: {},
        status: 403,
        error: 'not_owner',
      },
      {
        method: 'POST',
        path: `${ours}/deprecate`,
        token: t.provider,
        body: { why: 1 },
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: `/v1/datasets/${self.id}/none/deprecate`,
        token: t.provider,
        body: {},
        status: 404,
        error: 'dataset_not_found',
      },
      {
        method: 'POST',
        path: `/v1/datasets/${self.id}/gone/deprecate`,
        token: t.provider,
        body: {},
        status: 409,
        error: 'dataset_deprecated',
      },
      { method: 'POST', path: '/v1/requests', token: null, body: {}, status: 401, error: 'unauthenticated' },
      { method: 'POST', path: '/v1/requests', token: t.provider, body: {}, status: 403, error: 'forbidden' },
      { method: 'POST', path: '/v1/requests', token: t.user, body: {}, status: 400, error: 'validation_failed' },
      {
        method: 'POST',
        path: '/v1/requests',
        token: t.user,
        body: { purpose: 'p', durationMs: 1, items: [{ dataset: `${self.id}/ours` }] },
        status: 422,
        error: 'requests_refused',
      },
      { method: 'GET', path: '/v1/requests?ids=x', token: t.user, status: 400, error: 'validation_failed' },
      { method: 'GET', path: '/v1/requests?ids=x', token: null, status: 401, error: 'unauthenticated' },
      { method: 'GET', path: '/v1/requests/mine?limit=0', token: t.user, status: 400, error: 'validation_failed' },
      { method: 'GET', path: '/v1/requests/mine', token: null, status: 401, error: 'unauthenticated' },
      {
        method: 'POST',
        path: '/v1/datasets/dept-b/theirs/reports',
        token: null,
        body: {},
        status: 401,
        error: 'unauthenticated',
      },
      {
        method: 'POST',
        path: '/v1/datasets/dept-b/theirs/reports',
        token: t.provider,
        body: {},
        status: 403,
        error: 'forbidden',
      },
      {
        method: 'POST',
        path: '/v1/datasets/dept-b/theirs/reports',
        token: t.user,
        body: {},
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: '/v1/datasets/dept-b/none/reports',
        token: t.user,
        body: { category: 'other', reason: 'r' },
        status: 404,
        error: 'dataset_not_found',
      },
      {
        method: 'POST',
        path: '/v1/datasets/dept-b/theirs/reports',
        token: t.user,
        body: { category: 'other', reason: 'r' },
        status: 409,
        error: 'not_channel_member',
      },
      {
        method: 'POST',
        path: `${ours}/reports`,
        token: t.user,
        body: { category: 'other', reason: 'r' },
        status: 422,
        error: 'own_dataset',
      },
      { method: 'GET', path: `${ours}/reports?status=x`, token: t.user, status: 400, error: 'validation_failed' },
      { method: 'GET', path: `${ours}/reports`, token: null, status: 401, error: 'unauthenticated' },
      {
        method: 'GET',
        path: '/v1/datasets/dept-b/none/reports',
        token: t.user,
        status: 404,
        error: 'dataset_not_found',
      },
      {
        method: 'POST',
        path: `/v1/reports/${SHA('2')}/answer`,
        token: null,
        body: {},
        status: 401,
        error: 'unauthenticated',
      },
      {
        method: 'POST',
        path: `/v1/reports/${SHA('1')}/answer`,
        token: t.provider,
        body: { resolution: 'rejected', answer: 'no' },
        status: 403,
        error: 'not_owner',
      },
      {
        method: 'POST',
        path: `/v1/reports/${SHA('2')}/answer`,
        token: t.provider,
        body: {},
        status: 400,
        error: 'validation_failed',
      },
      {
        method: 'POST',
        path: `/v1/reports/${SHA('9')}/answer`,
        token: t.provider,
        body: { resolution: 'rejected', answer: 'no' },
        status: 404,
        error: 'report_not_found',
      },
      {
        method: 'POST',
        path: `/v1/reports/${SHA('2')}/answer`,
        token: t.dataadmin,
        body: { resolution: 'rejected', answer: 'no' },
        status: 409,
        error: 'report_closed',
      },
    ];
    const report = await checkErrorResponses(catalog.sut.url, catalog.sut.service.openApi, cases);
    const ofActions = (key: string) => ACTION_ROUTES.includes(key.split(' ')[1] ?? '');
    expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofActions)]).toEqual([]);
    expect(await catalog.published(CHANNEL)).toEqual([]);
  });
});
