import {
  checkErrorResponses,
  shutdownTelemetry,
  startServiceForTest,
  type ErrorCase,
  type ServiceUnderTest,
} from '@accord/service-kit';
import type { CatalogConfig } from '../catalog.config';
import { catalogService } from '../catalog.definition';

// The catalog service's OpenAPI document against what it answers: every
// error case must be answered with a status the document lists for its
// route, and every 4xx the document lists must be produced by a case.
describe('catalog search: OpenAPI document vs. observed error responses', () => {
  let sut: ServiceUnderTest<CatalogConfig>;

  beforeAll(async () => {
    sut = await startServiceForTest(catalogService);
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
  });

  it('documents exactly the error statuses it answers', async () => {
    const user = sut.tokens.user;
    const cases: ErrorCase[] = [
      { method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' },
      // search/
      { method: 'GET', path: '/v1/datasets', token: null, status: 401, error: 'unauthenticated' },
      { method: 'GET', path: '/v1/datasets?owner=x', token: user, status: 400, error: 'unsupported_filter' },
      { method: 'GET', path: '/v1/datasets?cursor=bm9wZQ', token: user, status: 400, error: 'cursor_invalid' },
      { method: 'GET', path: '/v1/datasets?bbox=1,2', token: user, status: 400, error: 'validation_failed' },
      { method: 'GET', path: '/v1/datasets/a/b', token: null, status: 401, error: 'unauthenticated' },
      { method: 'GET', path: '/v1/datasets/Bad/b', token: user, status: 400, error: 'validation_failed' },
      { method: 'GET', path: '/v1/datasets/a/b', token: user, status: 404, error: 'dataset_not_found' },
    ];
    const report = await checkErrorResponses(sut.url, sut.service.openApi, cases);
    // The other folders' routes are checked by their own specs (they need seeded data).
    const ofSearch = (key: string) => ['/v1/datasets', '/v1/datasets/{owner}/{name}'].includes(key.split(' ')[1] ?? '');
    expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofSearch)]).toEqual([]);
  });
});
