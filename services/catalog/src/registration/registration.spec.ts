import { shutdownTelemetry } from '@accord/service-kit';
import { NONCE_LANE_SIZE, NONCE_LANES } from '@accord/service-kit';
import {
  channelConfig,
  deptB,
  MINIMAL_POLICY,
  outsider,
  seedChannel,
  seedDataset,
  self,
  SHA,
  startCatalog,
  type CatalogUnderTest,
} from '../signing/testing/catalog-actions.fixture';

// Registration through the real catalog service (PGlite, embedded log): what
// is signed is read back from the channel's tx topic and checked against the
// department key; every refusal answers its code and publishes nothing.
const CHANNEL = 'transport';
const FIRST_NONCE = NONCE_LANES.catalog * NONCE_LANE_SIZE;

const registration = {
  name: 'road-works',
  title: 'Road works',
  description: 'Every road work permit of the city, with its location and period.',
  domain: 'transport',
  dataType: 'table',
  sensitivity: 'internal',
  volumeBytes: 4096,
  updateFrequency: 'daily',
  governance: 'light',
  contentHash: SHA('1'),
  policy: {
    '@context': ['http://www.w3.org/ns/odrl.jsonld', { accord: 'urn:accord:odrl:' }],
    '@type': 'Offer',
    assigner: self.id,
    target: `${self.id}/road-works`,
    permission: [
      {
        action: 'use',
        constraint: [{ leftOperand: 'purpose', operator: 'isAnyOf', rightOperand: ['planning'] }],
      },
    ],
  },
  metadata: {
    keywords: ['roads', 'permits'],
    themes: ['TRAN'],
    spatial: { west: '121.4', south: '29.8', east: '121.7', north: '30.0' },
  },
};

describe('dataset registration, updates and deprecation', () => {
  let catalog: CatalogUnderTest;

  const nothingPublished = async (channel = CHANNEL, before = 0) =>
    expect(await catalog.published(channel)).toHaveLength(before);

  beforeAll(async () => {
    catalog = await startCatalog();
    await seedChannel(catalog, CHANNEL, channelConfig(CHANNEL, [self, deptB]));
    await seedChannel(catalog, 'pending', null);
    await seedChannel(catalog, 'elsewhere', channelConfig('elsewhere', [deptB, outsider]));
    await seedDataset(catalog, { channel: CHANNEL, owner: self.id, name: 'bus-stops', version: 3 });
    await seedDataset(catalog, { channel: CHANNEL, owner: self.id, name: 'old-maps', status: 'deprecated' });
    await seedDataset(catalog, { channel: CHANNEL, owner: deptB.id, name: 'parking' });
  }, 60_000);

  afterAll(async () => {
    await catalog?.close();
    await shutdownTelemetry();
  });

  // Refusals first: the nonce and log assertions below count from an empty topic.
  describe('refusals publish nothing', () => {
    it('lists every schema issue with its path (description required, unknown fields are errors)', async () => {
      const { description: _description, ...rest } = registration;
      const res = await catalog.post(
        `/v1/channels/${CHANNEL}/datasets`,
        { ...rest, name: 'Bad Name', sensitivity: 'secret', colour: 'red' },
        'provider',
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      const fields = (res.body.details.issues as { field: string }[]).map((i) => i.field).sort();
      expect(fields).toEqual(['body', 'body.description', 'body.name', 'body.sensitivity']);
      expect(JSON.stringify(res.body.details.issues)).toContain('colour');
      await nothingPublished();
    });

    it('refuses a policy outside the ODRL subset with invalid_policy and every issue', async () => {
      const policy = {
        '@context': 'http://www.w3.org/ns/odrl.jsonld',
        '@type': 'Offer',
        assigner: deptB.id,
        permission: [{ action: 'read' }],
      };
      const res = await catalog.post(`/v1/channels/${CHANNEL}/datasets`, { ...registration, policy }, 'provider');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_policy');
      expect(res.body.details.issues).toEqual(
        expect.arrayContaining([
          { field: 'body.policy.assigner', reason: `must be the dataset's owner ${self.id}` },
          { field: 'body.policy.permission.0.action', reason: expect.stringContaining('must be "use"') },
        ]),
      );
      await nothingPublished();
    });

    it('refuses a name the directory already holds (dataset_exists, also when deprecated)', async () => {
      for (const name of ['bus-stops', 'old-maps']) {
        const res = await catalog.post(
          `/v1/channels/${CHANNEL}/datasets`,
          { ...registration, name, policy: MINIMAL_POLICY },
          'provider',
        );
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ error: 'dataset_exists', details: { dataset: `${self.id}/${name}` } });
      }
      await nothingPublished();
    });

    it('refuses an unknown channel, one without configuration, and one the department is not a member of', async () => {
      const body = { ...registration, policy: MINIMAL_POLICY };
      const unknown = await catalog.post('/v1/channels/nowhere/datasets', body, 'provider');
      expect([unknown.status, unknown.body.error]).toEqual([404, 'channel_not_found']);
      const pending = await catalog.post('/v1/channels/pending/datasets', body, 'provider');
      expect([pending.status, pending.body.error]).toEqual([404, 'channel_not_found']);
      const foreign = await catalog.post('/v1/channels/elsewhere/datasets', body, 'provider');
      expect([foreign.status, foreign.body.error]).toEqual([409, 'not_channel_member']);
      await nothingPublished('pending');
      await nothingPublished('elsewhere');
    });

    it('needs the provider role', async () => {
      const res = await catalog.post(`/v1/channels/${CHANNEL}/datasets`, registration, 'user');
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
      const update = await catalog.post(
        `/v1/datasets/${self.id}/bus-stops/versions`,
        { contentHash: SHA('2') },
        'dataadmin',
      );
      expect(update.status).toBe(403);
      await nothingPublished();
    });

    it('refuses updates and deprecations of datasets that are not ours, unknown or deprecated', async () => {
      const cases: [string, unknown, number, string][] = [
        [`/v1/datasets/${deptB.id}/parking/versions`, { contentHash: SHA('2') }, 403, 'not_owner'],
        [`/v1/datasets/${deptB.id}/parking/deprecate`, {}, 403, 'not_owner'],
        [`/v1/datasets/${self.id}/nothing/versions`, { contentHash: SHA('2') }, 404, 'dataset_not_found'],
        [`/v1/datasets/${self.id}/old-maps/versions`, { contentHash: SHA('2') }, 409, 'dataset_deprecated'],
        [`/v1/datasets/${self.id}/old-maps/deprecate`, {}, 409, 'dataset_deprecated'],
        [`/v1/datasets/${self.id}/bus-stops/versions`, { contentHash: SHA('2'), version: 5 }, 409, 'version_not_next'],
        [`/v1/datasets/${self.id}/bus-stops/versions`, { contentHash: SHA('2'), version: 3 }, 409, 'version_not_next'],
        [
          `/v1/datasets/${self.id}/bus-stops/versions`,
          { contentHash: SHA('2'), policy: { '@type': 'Set' } },
          400,
          'invalid_policy',
        ],
        [
          `/v1/datasets/${self.id}/bus-stops/versions`,
          { contentHash: 'nope', dataset: 'x/y' },
          400,
          'validation_failed',
        ],
        [`/v1/datasets/${self.id}/bus-stops/deprecate`, { reason: 'x'.repeat(501) }, 400, 'validation_failed'],
      ];
      for (const [path, body, status, error] of cases) {
        const res = await catalog.post(path, body, 'provider');
        expect([path, res.status, res.body.error]).toEqual([path, status, error]);
      }
      await nothingPublished();
    });
  });

  describe('what is signed', () => {
    it('registers: 202 with the tx, and the log holds exactly the payload as given, signed by the department', async () => {
      const res = await catalog.post(`/v1/channels/${CHANNEL}/datasets`, registration, 'provider');
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: 'pending',
        channel: CHANNEL,
        type: 'dataset.register',
        dataset: `${self.id}/road-works`,
        statusUrl: `/v1/txs/${res.body.txId}?sig=${res.body.envelope.sig}`,
      });
      const [envelope, ...more] = await catalog.published(CHANNEL);
      expect(more).toEqual([]);
      expect(envelope?.body).toMatchObject({
        v: 1,
        channel: CHANNEL,
        type: 'dataset.register',
        from: self.id,
        nonce: FIRST_NONCE,
      });
      expect(envelope?.body.payload).toEqual(registration);
      expect(envelope).toEqual(res.body.envelope);
    });

    it('updates: fills version = current + 1 from the directory, or takes the given next version', async () => {
      const filled = await catalog.post(
        `/v1/datasets/${self.id}/bus-stops/versions`,
        { contentHash: SHA('2'), title: 'Bus stops 2024' },
        'provider',
      );
      expect(filled.status).toBe(202);
      expect(filled.body).toMatchObject({ dataset: `${self.id}/bus-stops`, version: 4, type: 'dataset.update' });
      const given = await catalog.post(
        `/v1/datasets/${self.id}/bus-stops/versions`,
        { contentHash: SHA('3'), version: 4, policy: MINIMAL_POLICY },
        'provider',
      );
      expect(given.status).toBe(202);
      const log = await catalog.published(CHANNEL);
      expect(log.slice(-2).map((e) => [e.body.type, e.body.nonce, e.body.payload])).toEqual([
        [
          'dataset.update',
          FIRST_NONCE + 1,
          { dataset: `${self.id}/bus-stops`, version: 4, contentHash: SHA('2'), title: 'Bus stops 2024' },
        ],
        [
          'dataset.update',
          FIRST_NONCE + 2,
          { dataset: `${self.id}/bus-stops`, version: 4, contentHash: SHA('3'), policy: MINIMAL_POLICY },
        ],
      ]);
    });

    it('deprecates with or without a reason', async () => {
      const withReason = await catalog.post(
        `/v1/datasets/${self.id}/bus-stops/deprecate`,
        { reason: 'replaced by transit-stops' },
        'provider',
      );
      const bare = await request(catalog, `/v1/datasets/${self.id}/bus-stops/deprecate`);
      expect([withReason.status, bare.status]).toEqual([202, 202]);
      const log = await catalog.published(CHANNEL);
      expect(log.slice(-2).map((e) => [e.body.type, e.body.payload])).toEqual([
        ['dataset.deprecate', { dataset: `${self.id}/bus-stops`, reason: 'replaced by transit-stops' }],
        ['dataset.deprecate', { dataset: `${self.id}/bus-stops` }],
      ]);
    });
  });
});

/** A POST without a body. */
function request(catalog: CatalogUnderTest, path: string) {
  return catalog.post(path, undefined, 'provider');
}
