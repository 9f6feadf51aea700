import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule } from '@accord/service-kit';
import { catalogMigrations } from './persistence/migrations/catalog.migrations';
import { SearchModule } from './search/search.module';

/**
 * The catalog service's own module. The kit adds logging, auth, health,
 * metrics, OpenAPI and GET /v1/info around it.
 */
@Module({
  imports: [DatabaseModule.forRoot({ migrations: catalogMigrations }), EventBusModule.forRoot(), SearchModule],
})
export class AppModule {}
