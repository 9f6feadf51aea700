import { CreateTxNonce1764300000000 } from '@accord/service-kit';
import { CreateCatalogSearchIndexes1764400100000 } from './create-catalog-search-indexes.migration';
import { CreateCatalogTables1764400000000 } from './create-catalog-tables.migration';
import { AddCatalogDatasetRevision1764400200000 } from './add-catalog-dataset-revision.migration';

/** Every migration of the catalog service, oldest first; tx_nonce is the tx publisher's. */
export const catalogMigrations = [
  CreateTxNonce1764300000000,
  CreateCatalogTables1764400000000,
  CreateCatalogSearchIndexes1764400100000,
  AddCatalogDatasetRevision1764400200000,
];
