import {
  EVENT_BUS_ERROR_STATUS,
  KIT_ERROR_STATUS,
  PERSISTENCE_ERROR_STATUS,
  PROTOCOL_ERROR_STATUS,
  readPackageVersion,
  type ErrorStatusMap,
  type ServiceDefinition,
} from '@accord/service-kit';
import { AppModule } from './app.module';
import { catalogConfigSchema, type CatalogConfig } from './catalog.config';

/**
 * HTTP status of every code that can reach the catalog service's edge (docs/services.md "Errors");
 * catalog.error-status.spec.ts fails on a code without one.
 */
export const catalogErrorStatus: ErrorStatusMap = {
  ...KIT_ERROR_STATUS,
  ...PROTOCOL_ERROR_STATUS,
  ...EVENT_BUS_ERROR_STATUS,
  ...PERSISTENCE_ERROR_STATUS,
  // catalog.errors.ts (docs/catalog-actions.md "Errors", docs/catalog-provenance-export.md)
  dataset_not_found: 404,
  report_not_found: 404,
  dataset_exists: 409,
  dataset_deprecated: 409,
  not_owner: 403,
  own_dataset: 422,
  version_not_next: 409,
  duplicate_request: 409,
  report_closed: 409,
  invalid_policy: 400,
  unknown_version: 400,
  invalid_fixed_version: 400,
  catalog_row_corrupt: 422,
  // requests/requests.errors.ts
  requests_refused: 422,
  // search/search.errors.ts
  unsupported_filter: 400,
  cursor_invalid: 400,
};

/** How main.ts, tests and `accord up` start the catalog service. */
export const catalogService: ServiceDefinition<CatalogConfig> = {
  name: 'catalog',
  title: 'Accord catalog',
  description:
    "The department's view of the dataset directory, projected from committed blocks, and dataset registration.",
  version: readPackageVersion(__dirname),
  configSchema: catalogConfigSchema,
  rootModule: AppModule,
  errorStatus: catalogErrorStatus,
};
