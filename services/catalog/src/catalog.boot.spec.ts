import { describeServiceBoot } from '@accord/service-kit/testing';
import { catalogService } from './catalog.definition';

describeServiceBoot(catalogService, {
  info: { service: 'catalog', version: '0.1.0' },
  readinessChecks: ['bus', 'database'],
  openApiTitle: 'Accord catalog',
  openApiPaths: ['/v1/datasets', '/v1/datasets/{owner}/{name}'],
  // Error statuses: catalog-openapi.spec.ts (it needs tokens).
});
