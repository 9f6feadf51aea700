import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { systemClock } from '../clock/clock.port';
import { loadConfig, type CommonConfig, type Env } from '../config/common.config';
import { EventSubscriptionRegistry } from '../events/event-subscription.registry';
import { ReadinessRegistry } from '../health/readiness.registry';
import { createPinoLogger, ServiceLogger } from '../logging/service-logger';
import { createOpenApiDocument } from '../openapi/openapi.document';
import { ServiceMetrics } from '../telemetry/service-metrics';
import { deploymentMode } from './service-context';
import type { ServiceDefinition } from './service-definition';
import { ServiceRootModule } from './service-kit.module';
import { ShutdownRegistry } from './shutdown.registry';

/** Enough config to build the module graph; nothing is opened (preview mode). */
const PLACEHOLDER_ENV: Env = {
  ACCORD_DEPARTMENT: 'openapi',
  ACCORD_API_TOKENS: '[]',
  ACCORD_DATABASE: 'pglite:memory',
  ACCORD_BUS: `embedded:${join(tmpdir(), 'accord-openapi-unused')}`,
  ACCORD_LOG_LEVEL: 'silent',
};

/**
 * The service's OpenAPI document without starting it: Nest's preview mode
 * resolves the module graph but runs no provider factories, so no database,
 * bus or port is touched. For CI artefacts and client generation.
 */
export async function buildOpenApiDocument<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  env: Env = {},
): Promise<OpenAPIObject> {
  const config = loadConfig(
    definition.configSchema,
    { ...PLACEHOLDER_ENV, ...env },
    `${definition.name} configuration`,
  );
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  const log = new ServiceLogger(
    createPinoLogger({ service: definition.name, department: config.department, level: 'silent' }),
  );
  const metrics = new ServiceMetrics(definition.name, config.department);
  const kit = {
    context: {
      service: definition.name,
      title: definition.title,
      version: definition.version,
      department: config.department,
      mode: deploymentMode(config),
      config,
    },
    shared: {},
    log,
    metrics,
    readiness: new ReadinessRegistry(),
    shutdown: new ShutdownRegistry(),
    errorStatus: definition.errorStatus ?? {},
    subscriptions: new EventSubscriptionRegistry(),
    clock: systemClock,
  };
  const app = await NestFactory.create(ServiceRootModule.wrap(kit, definition.rootModule), new ExpressAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return createOpenApiDocument(app, definition);
  } finally {
    await app.close();
    await metrics.shutdown();
  }
}
