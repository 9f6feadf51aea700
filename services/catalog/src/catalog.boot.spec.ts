import { describeServiceBoot } from '@accord/service-kit/testing';
import { catalogService } from './catalog.definition';

describeServiceBoot(catalogService, {
  info: { service: 'catalog', version: '0.1.0' },
  readinessChecks: ['bus', 'database'],
  openApiTitle: 'Accord catalog',
  // No errorCases: the routes' error statuses need seeded data, so each folder's OpenAPI spec checks its own
  // (signing/catalog-actions-openapi.spec.ts for the actions); the boot would see their 409s as unproduced.
});
