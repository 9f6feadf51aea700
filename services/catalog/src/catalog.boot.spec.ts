import { checkErrorResponses, type ErrorCase } from '@accord/service-kit';
import { describeServiceBoot } from '@accord/service-kit/testing';
import { catalogService } from './catalog.definition';

const PROVENANCE_EXPORT_ROUTES = [
  '/v1/datasets/{owner}/{name}/provenance',
  '/v1/datasets/{owner}/{name}/usage',
  '/v1/channels/{channel}/catalog.jsonld',
];

describeServiceBoot(catalogService, {
  info: { service: 'catalog', version: '0.1.0' },
  // Ready once both projection consumers read their topics, a moment after the boot.
  readinessChecks: ['bus', 'database', 'events'],
  readyWithinMs: 5000,
  openApiTitle: 'Accord catalog',
  openApiPaths: ['/v1/datasets', '/v1/datasets/{owner}/{name}', ...PROVENANCE_EXPORT_ROUTES],
  // The error cases need a real token, known only once booted: checked here rather than with `errorCases`.
  more: (sut) => {
    it('documents exactly the error statuses it answers, with a token', async () => {
      const token = sut().tokens.user;
      const cases: ErrorCase[] = [
        { method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' },
        // provenance/ and export/ (the booted catalog holds no channel or dataset)
        ...['/v1/datasets/dept-a/data/provenance', '/v1/datasets/dept-a/data/usage'].flatMap((path): ErrorCase[] => [
          { method: 'GET', path, token: null, status: 401, error: 'unauthenticated' },
          { method: 'GET', path: `${path}?nope=1`, token, status: 400, error: 'validation_failed' },
          { method: 'GET', path, token, status: 404, error: 'dataset_not_found' },
        ]),
        { method: 'GET', path: '/v1/channels/ch/catalog.jsonld', token: null, status: 401, error: 'unauthenticated' },
        {
          method: 'GET',
          path: '/v1/channels/ch/catalog.jsonld?status=old',
          token,
          status: 400,
          error: 'validation_failed',
        },
        { method: 'GET', path: '/v1/channels/ch/catalog.jsonld', token, status: 404, error: 'channel_not_found' },
      ];
      const report = await checkErrorResponses(sut().url, sut().service.openApi, cases);
      // The actions' and search's routes need seeded data: their own specs check them.
      const checkedHere = new Set(['/v1/info', ...PROVENANCE_EXPORT_ROUTES]);
      const ofThese = (key: string) => checkedHere.has(key.split(' ')[1] ?? '');
      expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofThese)]).toEqual([]);
    });
  },
});
