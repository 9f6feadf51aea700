import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule } from '@accord/service-kit';
import { CatalogExportModule } from './export/export.module';
import { catalogMigrations } from './persistence/migrations/catalog.migrations';
import { ProjectionModule } from './projection/projection.module';
import { ProvenanceModule } from './provenance/provenance.module';

/**
 * The catalog service's own module. The kit adds logging, auth, health,
 * metrics, OpenAPI and GET /v1/info around it.
 */
@Module({
  imports: [
    DatabaseModule.forRoot({ migrations: catalogMigrations }),
    EventBusModule.forRoot(),
    ProjectionModule,
    ProvenanceModule,
    CatalogExportModule,
  ],
})
export class AppModule {}
