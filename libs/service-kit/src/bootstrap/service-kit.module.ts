import { Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ApiTokenAuthenticator } from '../auth/api-token.authenticator';
import { openApiTokenStore } from '../auth/api-token-store.factory';
import { API_TOKEN_STORE, type ApiTokenStore } from '../auth/api-token-store.port';
import { AuthGuard } from '../auth/auth.guard';
import { AuthenticatorRegistry } from '../auth/authenticator.registry';
import { CLOCK, type Clock } from '../clock/clock.port';
import type { ErrorStatusMap } from '../errors/http-error.mapper';
import { dependencyPorts } from '../errors/dependency-unavailable.classifier';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import { HealthController } from '../health/health.controller';
import { ReadinessRegistry } from '../health/readiness.registry';
import { EventSubscriptionRegistry } from '../events/event-subscription.registry';
import { ServiceLogger } from '../logging/service-logger';
import { MetricsController } from '../telemetry/metrics.controller';
import { ServiceMetrics } from '../telemetry/service-metrics';
import { InfoController } from './info.controller';
import { SERVICE_CONFIG, SERVICE_CONTEXT, type ServiceContext } from './service-context';
import { SHARED_RESOURCES, type SharedResources } from './shared-resources';
import { ShutdownRegistry } from './shutdown.registry';

export interface ServiceKitInput {
  readonly context: ServiceContext;
  readonly shared: SharedResources;
  readonly log: ServiceLogger;
  readonly metrics: ServiceMetrics;
  readonly readiness: ReadinessRegistry;
  readonly shutdown: ShutdownRegistry;
  readonly errorStatus: ErrorStatusMap;
  readonly subscriptions: EventSubscriptionRegistry;
  readonly clock: Clock;
}

/** Global providers and the kit's endpoints (health, metrics, info) for one service app. */
@Module({})
export class ServiceKitModule {
  static forService(input: ServiceKitInput): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController, InfoController],
      providers: [
        { provide: SERVICE_CONTEXT, useValue: input.context },
        { provide: SERVICE_CONFIG, useValue: input.context.config },
        { provide: SHARED_RESOURCES, useValue: input.shared },
        { provide: ServiceLogger, useValue: input.log },
        { provide: ServiceMetrics, useValue: input.metrics },
        { provide: ReadinessRegistry, useValue: input.readiness },
        { provide: ShutdownRegistry, useValue: input.shutdown },
        { provide: EventSubscriptionRegistry, useValue: input.subscriptions },
        { provide: CLOCK, useValue: input.clock },
        {
          provide: API_TOKEN_STORE,
          useFactory: () => openApiTokenStore(input.context.config.apiTokens, input.log.pino),
        },
        {
          provide: AuthenticatorRegistry,
          inject: [API_TOKEN_STORE],
          useFactory: (tokens: ApiTokenStore) => {
            const registry = new AuthenticatorRegistry();
            registry.register(new ApiTokenAuthenticator(tokens));
            return registry;
          },
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: APP_FILTER,
          useFactory: () =>
            new HttpExceptionFilter(input.log, input.errorStatus, dependencyPorts(input.context.config)),
        },
      ],
      exports: [
        SERVICE_CONTEXT,
        SERVICE_CONFIG,
        SHARED_RESOURCES,
        ServiceLogger,
        ServiceMetrics,
        ReadinessRegistry,
        ShutdownRegistry,
        EventSubscriptionRegistry,
        CLOCK,
        API_TOKEN_STORE,
        AuthenticatorRegistry,
      ],
    };
  }
}

/**
 * Root of a service app: the kit plus the service's module. Being the root,
 * its shutdown hook runs after every other module's, so that is where the
 * bus, object store and database close, in that order.
 */
@Module({})
export class ServiceRootModule implements OnApplicationShutdown {
  constructor(
    private readonly shutdown: ShutdownRegistry,
    private readonly log: ServiceLogger,
  ) {}

  static wrap(kit: ServiceKitInput, serviceModule: Type<unknown> | DynamicModule): DynamicModule {
    return { module: ServiceRootModule, imports: [ServiceKitModule.forService(kit), serviceModule] };
  }

  async onApplicationShutdown(): Promise<void> {
    for (const failure of await this.shutdown.closeAll()) {
      this.log.pino.error({ err: failure.error, resource: failure.name }, 'failed to close resource');
    }
  }
}
