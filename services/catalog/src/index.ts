export { catalogService } from './catalog.definition';
export { catalogConfigSchema, CATALOG_DEFAULT_PORT, type CatalogConfig } from './catalog.config';
export { AppModule as CatalogModule } from './app.module';
export {
  verifyProvenanceProofs,
  type ProvableEntry,
  type ProvenanceKeys,
  type ProvenanceProofCheck,
  type ProvenanceProofReport,
} from './provenance/provenance-proof.verifier';
export type { ProvenanceEntry, ProvenancePage, UsagePage } from './provenance/provenance.service';
export { catalogMigrations } from './persistence/migrations/catalog.migrations';
export { SearchService, type SearchResult, type SearchHit } from './search/search.service';
export { SearchRepository } from './search/search.repository';
export { DirectoryIndexLoader } from './search/index/directory-index.loader';
export { DatasetEntryRepository } from './search/dataset-entry.repository';
export { parseSearchQuery, type SearchQuery } from './search/search-query.dto';
