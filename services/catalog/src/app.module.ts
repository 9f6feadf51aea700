import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule } from '@accord/service-kit';
import { CatalogExportModule } from './export/export.module';
import { catalogMigrations } from './persistence/migrations/catalog.migrations';
import { ProjectionModule } from './projection/projection.module';
import { ProvenanceModule } from './provenance/provenance.module';
import { QualityModule } from './quality/quality.module';
import { RegistrationModule } from './registration/registration.module';
import { RequestsModule } from './requests/requests.module';
import { SearchModule } from './search/search.module';
import { VerificationModule } from './verification/verification.module';

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
    RegistrationModule,
    RequestsModule,
    QualityModule,
    SearchModule,
    VerificationModule,
  ],
})
export class AppModule {}
