export { catalogService } from './catalog.definition';
export { catalogConfigSchema, CATALOG_DEFAULT_PORT, type CatalogConfig } from './catalog.config';
export { AppModule as CatalogModule } from './app.module';
