import request from 'supertest';
import { DataSource } from 'typeorm';
import { startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { FakeClock } from '@accord/service-kit/testing';
import type { CatalogConfig } from '../catalog.config';
import { catalogService } from '../catalog.definition';
import type { SearchHit, SearchResult } from './search.service';
import {
  seedAuthority,
  seedDatasets,
  seedReport,
  seedRequest,
  seedVersion,
  type DatasetSeed,
} from './testing/catalog-seed.fixture';

const T = 1_700_000_000_000;
const DAY = 86_400_000;
const deg = (d: number) => Math.round(d * 10_000_000);

const DATASETS: DatasetSeed[] = [
  {
    owner: 'health',
    name: 'air-quality',
    title: 'Air quality measurements',
    description: 'Hourly pollution readings of the city stations',
    keywords: ['pm25'],
    domain: 'environment',
    themes: ['ENVI', 'HEAL'],
    formats: ['CSV'],
    sensitivity: 'public',
    bbox: [deg(121), deg(29.5), deg(122), deg(30.5)],
    temporal: { start: '2020-01-01', end: '2022-12-31' },
    updatedTime: T + 1 * DAY,
  },
  {
    owner: 'transport',
    name: 'traffic',
    title: 'Traffic counts',
    description: 'Counts of vehicles near air monitoring stations, with checks of the air sensors',
    domain: 'transport',
    themes: ['TRAN'],
    formats: ['JSON'],
    sensitivity: 'internal',
    updatedTime: T + 2 * DAY,
  },
  {
    owner: 'env',
    name: 'air-permits',
    title: 'Air permits',
    description: 'Emission permits granted to plants',
    domain: 'environment',
    themes: ['ENVI', 'GOVE'],
    formats: ['CSV', 'PDF'],
    sensitivity: 'personal',
    governance: 'strong',
    subjectClass: 'legal-person',
    updatedTime: T + 3 * DAY,
  },
  { owner: 'test-dept', name: 'own-records', title: 'Department records', updatedTime: T + 4 * DAY },
  { owner: 'old', name: 'archive', title: 'Air archive', status: 'deprecated', updatedTime: T + 5 * DAY },
  {
    owner: 'pacific',
    name: 'fiji-tides',
    title: 'Tide gauges',
    domain: 'marine',
    bbox: [deg(177), deg(-19), deg(-178), deg(-16)],
    temporal: { start: '2023-01-01', end: null },
    updatedTime: T + 6 * DAY,
  },
  {
    owner: 'finance',
    name: 'budget',
    title: 'Budget <script>alert(1)</script> & tax',
    channel: 'second',
    updatedTime: T + 7 * DAY,
  },
  // 30 fillers, in pairs sharing an update time: ties are broken by id.
  ...Array.from({ length: 30 }, (_, i) => ({
    owner: 'bulk',
    name: `filler-${String(i).padStart(2, '0')}`,
    title: `Filler dataset ${i}`,
    description: 'Padding for paging',
    updatedTime: T - Math.floor(i / 2) * DAY,
  })),
];

describe('catalog search (GET /v1/datasets)', () => {
  let sut: ServiceUnderTest<CatalogConfig>;
  let db: DataSource;

  const get = (path: string, query: Record<string, string | string[]> = {}, token = sut.tokens.user) =>
    request(sut.url).get(path).query(query).set('Authorization', `Bearer ${token}`);
  const search = async (query: Record<string, string | string[]> = {}): Promise<SearchResult> => {
    const res = await get('/v1/datasets', query);
    expect(res.status).toBe(200);
    return res.body as SearchResult;
  };
  const ids = (result: SearchResult) => result.hits.map((h) => h.id);
  const hit = (result: SearchResult, id: string): SearchHit => {
    const found = result.hits.find((h) => h.id === id);
    if (found === undefined) throw new Error(`no hit ${id}`);
    return found;
  };

  beforeAll(async () => {
    sut = await startServiceForTest(catalogService, { clock: new FakeClock(T) });
    db = sut.service.app.get(DataSource);
    await seedDatasets(db, DATASETS);
    await seedAuthority(db, 'main', 'environment', 'env');
    await seedAuthority(db, 'main', 'transport', 'someone-else');
    await seedRequest(db, {
      dataset: 'health/air-quality',
      requester: 'test-dept',
      status: 'granted',
      grantStatus: 'active',
      height: 3,
      expiresAt: T + 1000 * DAY,
      accessesUsed: 3,
      maxAccesses: 10,
    });
    await seedRequest(db, { dataset: 'transport/traffic', requester: 'test-dept', status: 'pending', height: 1 });
    await seedRequest(db, {
      dataset: 'transport/traffic',
      requester: 'test-dept',
      status: 'denied',
      code: 'level_too_low',
      message: 'level 0 may not request internal data',
      height: 2,
    });
    await seedRequest(db, { dataset: 'env/air-permits', requester: 'test-dept', status: 'pending', height: 4 });
    await seedRequest(db, {
      dataset: 'pacific/fiji-tides',
      requester: 'other',
      status: 'granted',
      grantStatus: 'active',
      height: 5,
    });
    await seedRequest(db, {
      dataset: 'bulk/filler-00',
      requester: 'test-dept',
      status: 'granted',
      grantStatus: 'revoked',
      code: 'grant_revoked',
      message: 'provider revoked it',
      height: 6,
    });
    await seedReport(db, 'health/air-quality', 'r1', 'open');
    await seedReport(db, 'health/air-quality', 'r2', 'open');
    await seedReport(db, 'health/air-quality', 'r3', 'answered');
    await seedVersion(db, 'health/air-quality', 1);
    await seedVersion(db, 'health/air-quality', 2);
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
  });

  describe('full text', () => {
    it('ranks authoritative datasets first, then title matches above description-only matches', async () => {
      const result = await search({ q: 'air' });
      expect(result.sort).toBe('relevance');
      expect(ids(result)).toEqual(['env/air-permits', 'health/air-quality', 'transport/traffic']);
      expect(hit(result, 'env/air-permits').authoritative).toBe(true);
      expect(hit(result, 'health/air-quality').authoritative).toBe(false);
      expect(hit(result, 'health/air-quality').score).toBeGreaterThan(hit(result, 'transport/traffic').score ?? 1);
      expect(result.total).toBe(3);
    });

    it('ranks a title match above a description match among non-authoritative datasets under any sort of ties', async () => {
      const result = await search({ q: 'air', department: 'health,transport' });
      expect(ids(result)).toEqual(['health/air-quality', 'transport/traffic']);
    });

    it('highlights matches in HTML-escaped title and description', async () => {
      const air = await search({ q: 'air' });
      expect(hit(air, 'health/air-quality').titleHtml).toBe('<mark>Air</mark> quality measurements');
      expect(hit(air, 'transport/traffic').snippetHtml).toContain('<mark>air</mark> monitoring');
      expect(hit(air, 'transport/traffic').titleHtml).toBe('Traffic counts');
      const budget = await search({ q: 'budget' });
      expect(budget.hits[0]?.titleHtml).toBe('<mark>Budget</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; tax');
      const plain = await search({ department: 'finance', channel: 'second' });
      expect(plain.hits[0]?.titleHtml).toBe('Budget &lt;script&gt;alert(1)&lt;/script&gt; &amp; tax');
    });

    it('matches the last word as a prefix, and keywords', async () => {
      expect(ids(await search({ q: 'perm' }))).toEqual(['env/air-permits']);
      expect(ids(await search({ q: 'air perm' }))).toEqual(['env/air-permits']);
      expect(ids(await search({ q: 'pm25' }))).toEqual(['health/air-quality']);
      // Inside an open quote there is no prefix completion.
      expect(ids(await search({ q: '"perm' }))).toEqual([]);
    });

    it('understands websearch operators', async () => {
      expect(ids(await search({ q: 'air -permits' }))).toEqual(['health/air-quality', 'transport/traffic']);
      expect(ids(await search({ q: '"air quality"' }))).toEqual(['health/air-quality']);
      expect(ids(await search({ q: 'tide or budget', sort: 'title' }))).toEqual([
        'finance/budget',
        'pacific/fiji-tides',
      ]);
    });

    it.each([
      "'; DROP TABLE catalog_dataset; --",
      'air & | ! ( ) :* <-> \\',
      "air' OR '1'='1",
      '):*|(',
      '""""',
      'air\\:*',
      '%_',
    ])('treats SQL metacharacters and tsquery operators in q as text: %s', async (q) => {
      const res = await get('/v1/datasets', { q });
      expect(res.status).toBe(200);
      const result = res.body as SearchResult;
      if (q.includes('air')) expect(result.hits.length).toBeGreaterThan(0);
      for (const h of result.hits)
        expect(`${h.titleHtml} ${h.snippetHtml}`.toLowerCase()).toContain('<mark>air</mark>');
      expect((await search()).total).toBe(36);
    });

    it('refuses U+0000 in q with a reason', async () => {
      const res = await get('/v1/datasets', { q: 'air\u0000' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
    });
  });

  describe('hits', () => {
    it("shows the caller department's standing from its latest request, and open reports", async () => {
      const result = await search({ limit: '100' });
      expect(hit(result, 'health/air-quality').standing).toEqual({
        state: 'granted',
        request: expect.stringMatching(/^[0-9a-f]{64}$/),
        expiresAt: T + 1000 * DAY,
        usesLeft: 7,
      });
      expect(hit(result, 'transport/traffic').standing).toEqual({
        state: 'denied',
        request: expect.any(String),
        code: 'level_too_low',
        reason: 'level 0 may not request internal data',
      });
      expect(hit(result, 'env/air-permits').standing).toMatchObject({ state: 'pending' });
      expect(hit(result, 'test-dept/own-records').standing).toEqual({ state: 'owner' });
      expect(hit(result, 'pacific/fiji-tides').standing).toEqual({ state: 'none' });
      expect(hit(result, 'bulk/filler-00').standing).toMatchObject({ state: 'revoked', code: 'grant_revoked' });
      expect(hit(result, 'health/air-quality').openQualityReports).toBe(2);
      expect(hit(result, 'transport/traffic').openQualityReports).toBe(0);
      expect(hit(result, 'health/air-quality')).toMatchObject({
        channel: 'main',
        owner: 'health',
        domain: 'environment',
        themes: ['ENVI', 'HEAL'],
        keywords: ['pm25'],
        sensitivity: 'public',
        governance: 'light',
        formats: ['CSV'],
        version: 1,
        updatedTime: T + DAY,
        score: null,
      });
    });
  });

  describe('facets', () => {
    it('counts each facet over the filtered set', async () => {
      const result = await search({ limit: '1' });
      expect(result.total).toBe(36);
      expect(result.facets.department).toContainEqual({ value: 'bulk', count: 30 });
      expect(result.facets.department[0]).toEqual({ value: 'bulk', count: 30 });
      expect(result.facets.domain).toContainEqual({ value: 'environment', count: 2 });
      expect(result.facets.theme).toEqual([
        { value: 'ENVI', count: 2 },
        { value: 'GOVE', count: 1 },
        { value: 'HEAL', count: 1 },
        { value: 'TRAN', count: 1 },
      ]);
      expect(result.facets.format).toEqual([
        { value: 'CSV', count: 2 },
        { value: 'JSON', count: 1 },
        { value: 'PDF', count: 1 },
      ]);
      expect(result.facets.sensitivity).toContainEqual({ value: 'personal', count: 1 });
      expect(result.facets.mode).toEqual([
        { value: 'light', count: 35 },
        { value: 'strong', count: 1 },
      ]);
      expect(result.facets.channel).toEqual([
        { value: 'main', count: 35 },
        { value: 'second', count: 1 },
      ]);
    });

    it('counts a facet without its own filter, the others with it', async () => {
      const result = await search({ q: 'air', domain: 'environment' });
      expect(result.total).toBe(2);
      expect(result.facets.domain).toEqual([
        { value: 'environment', count: 2 },
        { value: 'transport', count: 1 },
      ]);
      expect(result.facets.department).toEqual([
        { value: 'env', count: 1 },
        { value: 'health', count: 1 },
      ]);
      const two = await search({ q: 'air', domain: 'environment', format: 'PDF' });
      expect(two.total).toBe(1);
      expect(two.facets.format).toEqual([
        { value: 'CSV', count: 2 },
        { value: 'PDF', count: 1 },
      ]);
      expect(two.facets.domain).toEqual([{ value: 'environment', count: 1 }]);
    });
  });

  describe('filters', () => {
    it.each<[Record<string, string | string[]>, string[]]>([
      [{ channel: 'second' }, ['finance/budget']],
      [{ department: 'health' }, ['health/air-quality']],
      [{ department: ['health', 'env'] }, ['env/air-permits', 'health/air-quality']],
      [{ domain: 'marine' }, ['pacific/fiji-tides']],
      [{ theme: 'GOVE' }, ['env/air-permits']],
      [{ theme: 'HEAL,GOVE' }, ['env/air-permits', 'health/air-quality']],
      [{ sensitivity: 'public' }, ['health/air-quality']],
      [{ mode: 'strong' }, ['env/air-permits']],
      [{ format: 'JSON' }, ['transport/traffic']],
      [{ status: 'deprecated' }, ['old/archive']],
      [{ subjectClass: 'legal-person' }, ['env/air-permits']],
      [
        { updatedFrom: '2023-11-16', updatedTo: '2023-11-17', department: 'health,transport,env' },
        ['env/air-permits', 'transport/traffic'],
      ],
      [{ updatedFrom: new Date(T + 6 * DAY).toISOString() }, ['finance/budget', 'pacific/fiji-tides']],
      [{ temporalFrom: '2022-06-01', temporalTo: '2022-07-01' }, ['health/air-quality']],
      [{ temporalFrom: '2030-01-01' }, ['pacific/fiji-tides']],
      [{ temporalTo: '2019-12-31' }, []],
      [{ bbox: '121.5,30,121.6,30.1' }, ['health/air-quality']],
      [{ bbox: '122.0000001,30,123,31' }, []],
      [{ bbox: '179,-18,180,-17' }, ['pacific/fiji-tides']],
      [{ bbox: '-179,-18,-178.5,-17' }, ['pacific/fiji-tides']],
      [{ bbox: '170,-20,-170,40' }, ['pacific/fiji-tides']],
      [{ bbox: '100,-20,-100,40' }, ['health/air-quality', 'pacific/fiji-tides']],
    ])('%j', async (query, expected) => {
      const result = await search({ ...query, limit: '100' });
      expect(ids(result).sort()).toEqual(expected);
      expect(result.total).toBe(expected.length);
    });

    it('lists deprecated and active datasets with status=active,deprecated', async () => {
      expect((await search({ status: 'active,deprecated' })).total).toBe(37);
    });

    it.each<[Record<string, string>, string]>([
      [{ bbox: '1,2,3' }, 'query.bbox'],
      [{ bbox: '1,50,3,40' }, 'query.bbox'],
      [{ bbox: '181,0,182,1' }, 'query.bbox'],
      [{ bbox: '1e1,0,2,1' }, 'query.bbox'],
      [{ updatedFrom: 'yesterday' }, 'query.updatedFrom'],
      [{ updatedFrom: '2024-02-30' }, 'query.updatedFrom'],
      [{ updatedFrom: '2024-02-02', updatedTo: '2024-02-01' }, 'query.updatedFrom'],
      [{ temporalFrom: '2024-13-01' }, 'query.temporalFrom'],
      [{ limit: '0' }, 'query.limit'],
      [{ limit: '101' }, 'query.limit'],
      [{ sort: 'random' }, 'query.sort'],
      [{ theme: 'ENVI,MOON' }, 'query.theme'],
      [{ sensitivity: 'secret' }, 'query.sensitivity'],
      [{ department: 'Bad Name' }, 'query.department'],
    ])('refuses %j with a reason', async (query, field) => {
      const res = await get('/v1/datasets', query);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    });

    it('refuses an unknown parameter, naming it', async () => {
      const res = await get('/v1/datasets', { q: 'air', owner: 'health', page: '2' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_filter');
      expect(res.body.details.parameters).toEqual(['owner', 'page']);
      expect(res.body.message).toContain('owner, page');
    });

    it('answers 401 without a token', async () => {
      expect((await request(sut.url).get('/v1/datasets')).status).toBe(401);
    });
  });

  describe('sort and pages', () => {
    it('sorts by newest and by title', async () => {
      const newest = await search({ limit: '3' });
      expect(newest.sort).toBe('newest');
      expect(ids(newest)).toEqual(['finance/budget', 'pacific/fiji-tides', 'test-dept/own-records']);
      const titles = await search({ sort: 'title', department: 'health,transport,env,pacific' });
      expect(ids(titles)).toEqual(['env/air-permits', 'health/air-quality', 'pacific/fiji-tides', 'transport/traffic']);
    });

    it('orders sort=relevance without q authoritative first, then newest', async () => {
      const result = await search({ sort: 'relevance', limit: '2' });
      expect(ids(result)).toEqual(['env/air-permits', 'finance/budget']);
    });

    const walk = async (query: Record<string, string>, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const res = await get('/v1/datasets', { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        const page = res.body as SearchResult;
        expect(page.hits.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page));
        if (page.next === null) {
          expect(res.headers['link']).toBeUndefined();
          return seen;
        }
        expect(page.hits.length).toBe(limit);
        const link = new URL(/^<([^>]+)>; rel="next"$/.exec(res.headers['link'] as string)?.[1] ?? '', 'http://x');
        expect(link.pathname).toBe('/v1/datasets');
        expect(link.searchParams.get('cursor')).toBe(page.next);
        for (const [k, v] of Object.entries(query)) expect(link.searchParams.get(k)).toBe(v);
        cursor = page.next;
      }
      throw new Error('too many pages');
    };

    it.each<[string, Record<string, string>]>([
      ['newest', {}],
      ['title', { sort: 'title' }],
      ['relevance with q (equal ranks)', { q: 'filler' }],
      ['relevance with q (mixed ranks)', { q: 'air or filler or tide' }],
      ['relevance without q', { sort: 'relevance' }],
      ['filtered', { department: 'bulk', sort: 'title' }],
    ])('pages through %s without duplicates or gaps', async (_, query) => {
      const all = ids(await search({ ...query, limit: '100' }));
      expect(all.length).toBeGreaterThan(4);
      for (const limit of [1, 4, 7]) {
        const paged = await walk(query, limit);
        expect(paged).toEqual(all);
        expect(new Set(paged).size).toBe(paged.length);
      }
    });

    it('refuses a tampered cursor or one of another query with 400 cursor_invalid', async () => {
      const first = await search({ q: 'filler', limit: '2' });
      const cursor = first.next as string;
      const json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      const forged = (body: Record<string, unknown>) => Buffer.from(JSON.stringify(body)).toString('base64url');
      const bad: Record<string, string>[] = [
        { q: 'filler', cursor: `${cursor.slice(0, -2)}!!` },
        { q: 'filler', cursor: 'bm90IGpzb24' },
        { q: 'filler', cursor: forged({ ...json, r: '1 OR 1=1' }) },
        { q: 'filler', cursor: forged({ ...json, extra: 1 }) },
        { q: 'filler', cursor: forged({ ...json, h: '0'.repeat(32) }) },
        { q: 'fillers', cursor },
        { q: 'filler', department: 'bulk', cursor },
        { q: 'filler', sort: 'title', cursor },
        { cursor },
      ];
      for (const query of bad) {
        const res = await get('/v1/datasets', query);
        expect({ query, status: res.status, error: res.body.error }).toEqual({
          query,
          status: 400,
          error: 'cursor_invalid',
        });
      }
      expect((await get('/v1/datasets', { q: 'filler', limit: '5', cursor })).status).toBe(200);
    });
  });

  describe('GET /v1/datasets/:owner/:name', () => {
    it('answers the full entry', async () => {
      const res = await get('/v1/datasets/health/air-quality');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: 'health/air-quality',
        title: 'Air quality measurements',
        metadata: { keywords: ['pm25'], themes: ['ENVI', 'HEAL'] },
        policy: { permission: { level: 0 } },
        terms: { maxAccesses: null },
        authoritative: false,
        standing: { state: 'granted', usesLeft: 7 },
        versions: [{ version: 1 }, { version: 2 }],
      });
      expect(res.body.openQualityReports.map((r: { id: string }) => r.id)).toEqual(['r1', 'r2']);
      const env = await get('/v1/datasets/env/air-permits');
      expect(env.body).toMatchObject({ authoritative: true, standing: { state: 'pending' }, versions: [] });
    });

    it('answers 404 dataset_not_found', async () => {
      const res = await get('/v1/datasets/health/nothing');
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('dataset_not_found');
      expect((await get('/v1/datasets/Bad/x')).body.error).toBe('validation_failed');
    });
  });
});
