import { Module, type DynamicModule } from '@nestjs/common';
import { closeDatabase, isDatabaseReady, openDatabase, type OpenDatabaseOptions } from '@accord/persistence';
import { DataSource } from 'typeorm';
import { SERVICE_CONTEXT, type ServiceContext } from '../bootstrap/service-context';
import { CLOSE_ORDER, ShutdownRegistry } from '../bootstrap/shutdown.registry';
import { ReadinessRegistry } from '../health/readiness.registry';

export type DatabaseModuleOptions = Pick<OpenDatabaseOptions, 'entities' | 'migrations'>;

/**
 * The service's TypeORM DataSource (injectable as `DataSource`), opened from
 * ACCORD_DATABASE with the service's entities and migrations applied
 * (never `synchronize`). Registers the `database` readiness check; closed
 * last on shutdown.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          inject: [SERVICE_CONTEXT, ReadinessRegistry, ShutdownRegistry],
          useFactory: async (
            ctx: ServiceContext,
            readiness: ReadinessRegistry,
            shutdown: ShutdownRegistry,
          ): Promise<DataSource> => {
            const spec = ctx.config.database;
            const dataSource = await openDatabase(
              spec.kind === 'postgres' ? { ...spec, applicationName: `accord-${ctx.department}-${ctx.service}` } : spec,
              options,
            );
            shutdown.register('database', CLOSE_ORDER.database, () => closeDatabase(dataSource));
            readiness.register('database', async () => isDatabaseReady(dataSource));
            return dataSource;
          },
        },
      ],
      exports: [DataSource],
    };
  }
}
