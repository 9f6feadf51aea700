import { NONCE_LANE_SIZE, NONCE_LANES, shutdownTelemetry } from '@accord/service-kit';
import {
  channelConfig,
  deptB,
  deptC,
  seedChannel,
  seedDataset,
  seedRequest,
  self,
  SHA,
  startCatalog,
  type CatalogUnderTest,
} from '../signing/testing/catalog-actions.fixture';

// One-call requests through the real catalog service: each item is checked
// against the directory and signed as its own access.request on its
// dataset's channel; the envelopes are read back from the tx topics.
const ROADS = 'transport';
const HEALTH = 'health';
const DAY = 86_400_000;

describe('one-call access requests', () => {
  let catalog: CatalogUnderTest;
  let roads: string;
  let clinics: string;
  let parking: string;

  beforeAll(async () => {
    catalog = await startCatalog();
    await seedChannel(catalog, ROADS, channelConfig(ROADS, [self, deptB, deptC]));
    await seedChannel(catalog, HEALTH, channelConfig(HEALTH, [deptC, self]));
    roads = await seedDataset(catalog, { channel: ROADS, owner: deptB.id, name: 'roads' });
    parking = await seedDataset(catalog, { channel: ROADS, owner: deptB.id, name: 'parking' });
    clinics = await seedDataset(catalog, { channel: HEALTH, owner: deptC.id, name: 'clinics' });
    await seedDataset(catalog, { channel: ROADS, owner: deptB.id, name: 'old', status: 'deprecated' });
    await seedDataset(catalog, { channel: ROADS, owner: self.id, name: 'mine' });
    // dept-b/parking: we already hold a live grant for purpose planning.
    await seedRequest(catalog, {
      id: SHA('7'),
      channel: ROADS,
      dataset: parking,
      requester: self.id,
      provider: deptB.id,
      purpose: 'planning',
      status: 'granted',
      code: 'auto',
      height: 5,
      grant: { status: 'active', expiresAt: 9_999_999_999_999, used: 3, max: 10 },
    });
  }, 60_000);

  afterAll(async () => {
    await catalog?.close();
    await shutdownTelemetry();
  });

  it('refuses a batch without any submittable item with 422 and every refusal, publishing nothing', async () => {
    const res = await catalog.post(
      '/v1/requests',
      {
        purpose: 'planning',
        duration: 'P30D',
        items: [
          { dataset: 'dept-b/unknown' },
          { dataset: `${deptB.id}/old` },
          { dataset: `${self.id}/mine` },
          { dataset: parking },
        ],
      },
      'user',
    );
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('requests_refused');
    expect(
      (res.body.details.results as { dataset: string; status: string; error: { code: string } }[]).map((r) => [
        r.dataset,
        r.status,
        r.error.code,
      ]),
    ).toEqual([
      ['dept-b/unknown', 'refused', 'dataset_not_found'],
      [`${deptB.id}/old`, 'refused', 'dataset_deprecated'],
      [`${self.id}/mine`, 'refused', 'own_dataset'],
      [parking, 'refused', 'duplicate_request'],
    ]);
    expect(await catalog.published(ROADS)).toEqual([]);
  });

  it('validates the batch as a whole (duration, duplicates, size) and checks roles', async () => {
    const cases: [unknown, string[]][] = [
      [{ purpose: 'planning', items: [{ dataset: roads }] }, ['body.durationMs']],
      [{ purpose: 'planning', durationMs: DAY, duration: 'P1D', items: [{ dataset: roads }] }, ['body.durationMs']],
      [{ purpose: 'planning', duration: 'P1M', items: [{ dataset: roads }] }, ['body.duration']],
      [
        { purpose: 'planning', durationMs: DAY, items: [{ dataset: roads }, { dataset: roads, purpose: 'x' }] },
        ['body.items.1.dataset'],
      ],
      [{ purpose: 'planning', durationMs: DAY, items: [] }, ['body.items']],
      [
        {
          purpose: 'planning',
          durationMs: DAY,
          items: Array.from({ length: 51 }, (_, i) => ({ dataset: `dept-b/d${i}` })),
        },
        ['body.items'],
      ],
    ];
    for (const [body, fields] of cases) {
      const res = await catalog.post('/v1/requests', body, 'user');
      expect(res.status).toBe(400);
      expect((res.body.details.issues as { field: string }[]).map((i) => i.field)).toEqual(fields);
    }
    const provider = await catalog.post(
      '/v1/requests',
      { purpose: 'planning', durationMs: DAY, items: [{ dataset: roads }] },
      'provider',
    );
    expect([provider.status, provider.body.error]).toEqual([403, 'forbidden']);
    expect(await catalog.published(ROADS)).toEqual([]);
  });

  it('submits the good items on their own channels and reports the bad one, in input order', async () => {
    const res = await catalog.post(
      '/v1/requests',
      {
        purpose: 'planning',
        duration: 'P30D',
        items: [
          { dataset: roads },
          { dataset: 'dept-b/unknown' },
          { dataset: clinics, purpose: 'statistics', durationMs: DAY },
        ],
      },
      'user',
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ submitted: 2, refused: 1 });
    const [first, second, third] = res.body.results;
    expect(first).toMatchObject({
      dataset: roads,
      status: 'submitted',
      channel: ROADS,
      purpose: 'planning',
      durationMs: 30 * DAY,
    });
    expect(second).toEqual({
      dataset: 'dept-b/unknown',
      status: 'refused',
      error: { code: 'dataset_not_found', message: 'dataset dept-b/unknown is not in this catalog' },
    });
    expect(third).toMatchObject({
      dataset: clinics,
      status: 'submitted',
      channel: HEALTH,
      purpose: 'statistics',
      durationMs: DAY,
    });

    const onRoads = await catalog.published(ROADS);
    const onHealth = await catalog.published(HEALTH);
    expect(onRoads.map((e) => [e.body.type, e.body.from, e.body.nonce, e.body.payload])).toEqual([
      [
        'access.request',
        self.id,
        NONCE_LANES.catalog * NONCE_LANE_SIZE,
        { dataset: roads, purpose: 'planning', durationMs: 30 * DAY },
      ],
    ]);
    expect(onHealth.map((e) => [e.body.type, e.body.payload])).toEqual([
      ['access.request', { dataset: clinics, purpose: 'statistics', durationMs: DAY }],
    ]);
    expect(first.statusUrl).toBe(`/v1/txs/${first.txId}?sig=${onRoads[0]?.sig}`);
  });

  it('answers the standing of requests by id: decided ones from the directory, the rest submitted', async () => {
    await seedRequest(catalog, {
      id: SHA('8'),
      channel: ROADS,
      dataset: roads,
      requester: self.id,
      provider: deptB.id,
      purpose: 'research',
      status: 'denied',
      code: 'level_too_low',
      message: 'level 0 is below the policy minimum 1',
      height: 6,
    });
    const res = await catalog.get(`/v1/requests?ids=${SHA('7')},${SHA('8')},${SHA('9')}`);
    expect(res.status).toBe(200);
    expect(res.body.requests).toEqual([
      expect.objectContaining({
        id: SHA('7'),
        status: 'granted',
        code: 'auto',
        grant: expect.objectContaining({
          status: 'active',
          live: true,
          expiresAt: 9_999_999_999_999,
          accessesUsed: 3,
          maxAccesses: 10,
          accessesLeft: 7,
        }),
      }),
      expect.objectContaining({
        id: SHA('8'),
        status: 'denied',
        code: 'level_too_low',
        message: 'level 0 is below the policy minimum 1',
        grant: null,
      }),
      { id: SHA('9'), status: 'submitted' },
    ]);
    const bad = await catalog.get(`/v1/requests?ids=${SHA('7')},nope`);
    expect([bad.status, bad.body.error]).toEqual([400, 'validation_failed']);
  });

  it("lists the department's requests, newest first, page by page", async () => {
    const first = await catalog.get('/v1/requests/mine?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.requests.map((r: { id: string }) => r.id)).toEqual([SHA('8')]);
    expect(first.body.next).toBe(`6:${SHA('8')}`);
    const second = await catalog.get(`/v1/requests/mine?limit=1&after=${first.body.next}`);
    expect(second.body.requests.map((r: { id: string }) => r.id)).toEqual([SHA('7')]);
    const granted = await catalog.get('/v1/requests/mine?status=granted');
    expect(granted.body).toEqual({ requests: [expect.objectContaining({ id: SHA('7') })], next: null });
  });
});
