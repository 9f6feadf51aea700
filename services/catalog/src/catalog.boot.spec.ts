import { describeServiceBoot } from '@accord/service-kit/testing';
import { catalogService } from './catalog.definition';

describeServiceBoot(catalogService, {
  info: { service: 'catalog', version: '0.1.0' },
  readinessChecks: ['bus', 'database'],
  openApiTitle: 'Accord catalog',
  errorCases: [{ method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' }],
});
