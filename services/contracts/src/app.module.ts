import { Module } from '@nestjs/common';
import { DatabaseModule, EventBusModule } from '@accord/service-kit';
import { ActionsModule } from './actions/actions.module';
import { StateAuditModule } from './audit/state-audit.module';
import { contractsMigrations } from './persistence/migrations/contracts.migrations';
import { PipelineModule } from './pipeline/pipeline.module';
import { QueryModule } from './query/query.module';

/**
 * The contracts service's own module. The kit adds logging, auth, health,
 * metrics, OpenAPI and GET /v1/info around it.
 */
@Module({
  imports: [
    DatabaseModule.forRoot({ migrations: contractsMigrations }),
    EventBusModule.forRoot(),
    PipelineModule,
    QueryModule,
    ActionsModule,
    StateAuditModule,
  ],
})
export class AppModule {}
