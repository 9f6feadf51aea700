import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule, ObjectStoreModule } from '@accord/service-kit';

/**
 * The storage-gateway service's own module. The kit adds logging, auth, health,
 * metrics, OpenAPI and GET /v1/info around it; the use cases of later
 * issues plug in here.
 */
@Module({
  imports: [DatabaseModule.forRoot({ migrations: [] }), EventBusModule.forRoot(), ObjectStoreModule.forRoot()],
})
export class AppModule {}
