import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule } from '@accord/service-kit';
import { catalogMigrations } from './persistence/migrations/catalog.migrations';
import { QualityModule } from './quality/quality.module';
import { RegistrationModule } from './registration/registration.module';
import { RequestsModule } from './requests/requests.module';

/**
 * The catalog service's own module. The kit adds logging, auth, health,
 * metrics, OpenAPI and GET /v1/info around it.
 */
@Module({
  imports: [
    DatabaseModule.forRoot({ migrations: catalogMigrations }),
    EventBusModule.forRoot(),
    RegistrationModule,
    RequestsModule,
    QualityModule,
  ],
})
export class AppModule {}
