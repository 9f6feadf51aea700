import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { createEventBus, type EventBus, type EventBusLogger } from '@accord/event-bus';
import { CLOCK, type Clock } from '../clock/clock.port';
import { SERVICE_CONTEXT, type ServiceContext } from '../bootstrap/service-context';
import { SHARED_RESOURCES, type SharedResources } from '../bootstrap/shared-resources';
import { CLOSE_ORDER, ShutdownRegistry } from '../bootstrap/shutdown.registry';
import { TracedEventBus } from '../events/trace-context';
import { ReadinessRegistry } from '../health/readiness.registry';
import { ServiceLogger } from '../logging/service-logger';

export const EVENT_BUS = 'accord:event-bus';
/** `constructor(@InjectEventBus() private readonly bus: EventBus)` */
export const InjectEventBus = (): ParameterDecorator => Inject(EVENT_BUS);

/**
 * The service's event bus (port from @accord/event-bus): the shared one when
 * the launcher provides it, otherwise one opened from ACCORD_BUS. Registers
 * the `bus` readiness check and closes an owned bus on shutdown, after HTTP
 * has drained and consumers have stopped (stop subscriptions in
 * onModuleDestroy; see docs/services.md).
 */
@Module({})
export class EventBusModule {
  static forRoot(): DynamicModule {
    return {
      module: EventBusModule,
      global: true,
      providers: [
        {
          provide: EVENT_BUS,
          inject: [SERVICE_CONTEXT, SHARED_RESOURCES, ReadinessRegistry, ShutdownRegistry, ServiceLogger, CLOCK],
          useFactory: async (
            ctx: ServiceContext,
            shared: SharedResources,
            readiness: ReadinessRegistry,
            shutdown: ShutdownRegistry,
            log: ServiceLogger,
            clock: Clock,
          ): Promise<EventBus> => {
            let bus = shared.bus;
            if (!bus) {
              const logger = busLogger(log);
              const spec = ctx.config.bus;
              const opened = await createEventBus(
                spec.kind === 'kafka'
                  ? {
                      kind: 'kafka',
                      brokers: spec.brokers,
                      clientId: `accord-${ctx.department}-${ctx.service}`,
                      ...(spec.tls ? { tls: spec.tls } : {}),
                      ...(spec.sasl ? { sasl: spec.sasl } : {}),
                      logger,
                    }
                  : { kind: 'embedded', dataDir: spec.dataDir, logger, clock },
              );
              shutdown.register('bus', CLOSE_ORDER.bus, () => opened.close());
              bus = opened;
            }
            const ready = bus;
            readiness.register('bus', async () => ready.isHealthy());
            // Every publish carries the caller's trace context (docs/event-bus.md "Traces").
            return new TracedEventBus(ready);
          },
        },
      ],
      exports: [EVENT_BUS],
    };
  }
}

/** Routes the bus's (and kafkajs's) log lines into the service's JSON log. */
export function busLogger(log: ServiceLogger): EventBusLogger {
  const pino = log.pino.child({ component: 'event-bus' });
  return {
    debug: (message, context) => pino.debug(context ?? {}, message),
    info: (message, context) => pino.info(context ?? {}, message),
    warn: (message, context) => pino.warn(context ?? {}, message),
    error: (message, context) => pino.error(context ?? {}, message),
  };
}
