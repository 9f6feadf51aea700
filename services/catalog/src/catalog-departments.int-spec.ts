import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { createRulesChannel } from '@accord/contracts-service/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import type { JsonObject, Members } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { contentHash, odrlPolicy, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry, type ServiceUnderTest } from '@accord/service-kit';
import request from 'supertest';
import type { CatalogConfig } from './catalog.config';
import { verifyProvenanceProofs, type ProvenanceEntry } from './index';
import {
  catalogDb,
  directoryDump,
  startCatalog,
  startCatalogDepartment,
  type CatalogDepartment,
} from './testing/catalog-department.fixture';

jest.setTimeout(240_000);

/**
 * Three departments, each with its ledger, contracts service and catalog in
 * this process on the real Kafka and PostgreSQL (a schema per service per
 * run, a fresh channel). Everything goes through the catalogs' HTTP APIs:
 * providers register with DCAT-AP metadata, a data user asks for several
 * datasets in one call, searches, follows its standing, reads a dataset's
 * provenance trail and verifies its proofs offline with the members' keys.
 * The three catalogs converge on the identical directory, and a catalog
 * rebuilt from the logs on a fresh schema holds it too.
 */
describe('catalogs of three departments on Kafka + PostgreSQL', () => {
  const pgUrl = postgresTestUrl();
  const kafkaBrokers = kafkaTestBrokers().join(',');
  const run = randomBytes(4).toString('hex');
  const channel = `catalog-${run}`;
  const members = ['a', 'b', 'c'].map((d) => testMember(`dept-${d}-${run}`));
  const [a, b, c] = members;
  const schema = (i: number, service: string) => `cat_it_${run}_${i}_${service}`;
  const schemas = [
    ...members.flatMap((_, i) => ['ledger', 'contracts', 'catalog'].map((s) => schema(i, s))),
    `cat_it_${run}_rebuild`,
  ];
  const departments: CatalogDepartment[] = [];
  let rebuilt: ServiceUnderTest<CatalogConfig> | undefined;
  let dir: string;

  const as = (dept: CatalogDepartment, role: 'provider' | 'user' | 'dataadmin' | 'operations') => {
    const token = dept.catalog.tokens[role];
    return {
      get: (path: string) => request(dept.catalog.url).get(path).set('Authorization', `Bearer ${token}`),
      post: (path: string, body: object) =>
        request(dept.catalog.url).post(path).set('Authorization', `Bearer ${token}`).send(body),
    };
  };

  const register = (dept: CatalogDepartment, name: string, extra: Record<string, unknown> = {}) =>
    as(dept, 'provider').post(`/v1/channels/${channel}/datasets`, {
      name,
      title: `${name} register`,
      description: `The ${name} records kept by ${dept.member.id}`,
      domain: 'transport',
      dataType: 'table',
      sensitivity: 'internal',
      volumeBytes: 4096,
      updateFrequency: 'monthly',
      governance: 'light',
      contentHash: contentHash(`${run}-${name}`),
      policy: odrlPolicy(),
      ...extra,
    });

  /** The ids in a department's directory, once it holds `count` datasets. */
  const directoryOf = (dept: CatalogDepartment, count: number) =>
    waitFor(
      `${dept.member.id}'s catalog to list ${count} datasets`,
      async () => {
        const rows = (await catalogDb(dept.catalog).query('SELECT id FROM catalog_dataset ORDER BY id')) as {
          id: string;
        }[];
        return rows.length >= count ? rows.map((r) => r.id) : undefined;
      },
      60_000,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-catalog-it-'));
    for (const [i, member] of members.entries()) {
      departments.push(
        await startCatalogDepartment({
          member,
          dir,
          env: { ACCORD_DATABASE: pgUrl, ACCORD_BUS: `kafka:${kafkaBrokers}` },
          ledgerEnv: { ACCORD_DATABASE_SCHEMA: schema(i, 'ledger'), ACCORD_LEDGER_CHANNELS: channel },
          contractsEnv: { ACCORD_DATABASE_SCHEMA: schema(i, 'contracts'), ACCORD_CONTRACTS_POLL_MS: '20' },
          catalogEnv: { ACCORD_DATABASE_SCHEMA: schema(i, 'catalog') },
        }),
      );
    }
    await createRulesChannel(departments[0], channel, members, {
      ...TEST_RULES,
      authoritativeSources: { transport: a.id },
    } as unknown as JsonObject);
    // Every catalog can sign on the channel once it projected the genesis configuration.
    await waitFor(
      'every catalog to know the channel',
      async () => {
        const answers = await Promise.all(
          departments.map((d) => as(d, 'operations').get(`/v1/channels/${channel}/catalog.jsonld`)),
        );
        return answers.every((r) => r.status === 200) ? true : undefined;
      },
      60_000,
    );
  }, 240_000);

  afterAll(async () => {
    await rebuilt?.close();
    for (const dept of departments.reverse()) await dept.close();
    await dropTestSchema(pgUrl, ...schemas);
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('registers through the catalogs, requests several datasets in one call, and shows provenance with proofs that verify offline', async () => {
    const [deptA, deptB, deptC] = departments;
    const registered = await Promise.all([
      register(deptA, 'traffic', {
        title: 'Ring road traffic cameras',
        metadata: {
          keywords: ['traffic', 'camera'],
          themes: ['TRAN'],
          spatial: { west: '121.28', south: '29.68', east: '121.92', north: '30.03' },
          distributions: [{ format: 'MP4', mediaType: 'video/mp4' }],
        },
      }),
      register(deptB, 'permits', { metadata: { keywords: ['permits'], themes: ['TRAN'] } }),
      register(deptC, 'clinics', {
        domain: 'health',
        policy: odrlPolicy({ consent: true }),
        metadata: { themes: ['HEAL'] },
      }),
    ]);
    for (const res of registered) expect(res.status).toBe(202);
    expect(registered[0].body).toMatchObject({ dataset: `${a.id}/traffic`, channel, status: 'pending' });
    const ids = [`${a.id}/traffic`, `${b.id}/permits`, `${c.id}/clinics`].sort();
    for (const dept of departments) expect(await directoryOf(dept, 3)).toEqual(ids);

    // Refused before signing: a second registration of the same name, an update by a non-owner.
    expect((await register(deptA, 'traffic')).body).toMatchObject({ error: 'dataset_exists' });
    const foreign = await as(deptB, 'provider').post(`/v1/datasets/${a.id}/traffic/versions`, {
      contentHash: contentHash('forged'),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe('not_owner');

    // b asks for three datasets in one call: one is granted at once, one waits for consent, one does not exist.
    const asked = await as(deptB, 'user').post('/v1/requests', {
      purpose: 'planning',
      durationMs: 60_000,
      items: [{ dataset: `${a.id}/traffic` }, { dataset: `${c.id}/clinics` }, { dataset: `${a.id}/nothing` }],
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ submitted: 2, refused: 1 });
    const [traffic, clinics, nothing] = asked.body.results as { status: string; txId?: string; error?: object }[];
    expect(nothing).toMatchObject({ status: 'refused', error: { code: 'dataset_not_found' } });
    const outcomes = await waitFor(
      'both requests decided in b’s catalog',
      async () => {
        const res = await as(deptB, 'user').get(`/v1/requests?ids=${traffic.txId},${clinics.txId}`);
        const requests = res.body.requests as { status: string }[];
        return requests.every((r) => r.status !== 'submitted') ? requests : undefined;
      },
      60_000,
    );
    expect(outcomes[0]).toMatchObject({ status: 'granted', grant: { status: 'active', live: true } });
    expect(outcomes[1]).toMatchObject({ status: 'pending', code: 'consent_required' });

    // b searches its own catalog: text, facets, filters, paging, and its standing on each hit.
    const found = await as(deptB, 'user').get('/v1/datasets').query({ q: 'traffic cameras' });
    expect(found.status).toBe(200);
    expect(found.body.hits).toEqual([
      expect.objectContaining({
        id: `${a.id}/traffic`,
        authoritative: true,
        standing: expect.objectContaining({ state: 'granted' }),
      }),
    ]);
    expect(found.body.hits[0].titleHtml).toContain('<mark>');
    const all = await as(deptB, 'user').get('/v1/datasets').query({ limit: '2', sort: 'title' });
    expect(all.body.total).toBe(3);
    expect(all.body.facets.domain).toEqual(
      expect.arrayContaining([
        { value: 'transport', count: 2 },
        { value: 'health', count: 1 },
      ]),
    );
    expect(all.headers['link']).toMatch(/rel="next"/);
    const second = await as(deptB, 'user')
      .get('/v1/datasets')
      .query({ limit: '2', sort: 'title', cursor: all.body.next });
    expect([...all.body.hits, ...second.body.hits].map((h: { id: string }) => h.id).sort()).toEqual(ids);
    const health = await as(deptB, 'user').get('/v1/datasets').query({ theme: 'HEAL' });
    expect(health.body.hits).toEqual([
      expect.objectContaining({ id: `${c.id}/clinics`, standing: expect.objectContaining({ state: 'pending' }) }),
    ]);
    const own = await as(deptB, 'user').get('/v1/datasets').query({ department: b.id });
    expect(own.body.hits).toEqual([expect.objectContaining({ standing: { state: 'owner' } })]);

    // a's provenance trail of its dataset: the registration and b's grant, each with a proof that verifies offline.
    const keys = (
      await request(deptA.ledger.url)
        .get(`/v1/channels/${channel}/members/keys`)
        .set('Authorization', `Bearer ${deptA.ledger.tokens.user}`)
        .expect(200)
    ).body as Members;
    const trail = await waitFor(
      'a trail whose proofs are final under every member',
      async () => {
        const res = await as(deptA, 'operations').get(`/v1/datasets/${a.id}/traffic/provenance`);
        if (res.status !== 200) return undefined;
        const entries = res.body.entries as ProvenanceEntry[];
        return entries.length === 2 && verifyProvenanceProofs(entries, keys).ok ? entries : undefined;
      },
      60_000,
    );
    expect(trail.map((e) => [e.kind, e.actor])).toEqual([
      ['registered', a.id],
      ['granted', b.id],
    ]);
    // A proof checked against another member set fails: the check is real.
    const { [c.id]: _dropped, ...twoKeys } = keys;
    expect(verifyProvenanceProofs(trail, twoKeys).ok).toBe(false);
  });

  it('converges on the identical directory in all three departments, and a rebuild from the logs holds it too', async () => {
    const dumps = await waitFor(
      'three identical directories',
      async () => {
        const all = await Promise.all(departments.map((d) => directoryDump(d.catalog)));
        const text = all.map((d) => JSON.stringify(d));
        return text.every((t) => t === text[0]) ? all : undefined;
      },
      60_000,
    );
    expect(dumps[0]['catalog_dataset']).toHaveLength(3);
    expect(dumps[0]['catalog_request']).toHaveLength(2);

    const [deptA] = departments;
    rebuilt = await startCatalog(deptA, deptA.keysFile, {
      ACCORD_DATABASE: pgUrl,
      ACCORD_BUS: `kafka:${kafkaBrokers}`,
      ACCORD_DATABASE_SCHEMA: `cat_it_${run}_rebuild`,
    });
    // On a timeout the last dump is compared anyway, so a failure shows the rows that differ.
    let again: unknown;
    await waitFor(
      'the rebuilt directory to match',
      async () => {
        again = await directoryDump(rebuilt as ServiceUnderTest<CatalogConfig>);
        return JSON.stringify(again) === JSON.stringify(dumps[0]) ? true : undefined;
      },
      60_000,
    ).catch(() => undefined);
    expect(again).toEqual(dumps[0]);
  });
});
