import { readPackageVersion, type ServiceDefinition } from '@accord/service-kit';
import { AppModule } from './app.module';
import { catalogConfigSchema, type CatalogConfig } from './catalog.config';

/** How main.ts, tests and `accord up` start the catalog service. */
export const catalogService: ServiceDefinition<CatalogConfig> = {
  name: 'catalog',
  title: 'Accord catalog',
  description:
    "The department's view of the dataset directory, projected from committed blocks, and dataset registration.",
  version: readPackageVersion(__dirname),
  configSchema: catalogConfigSchema,
  rootModule: AppModule,
};
