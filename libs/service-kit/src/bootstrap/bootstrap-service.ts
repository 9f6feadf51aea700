import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import { systemClock, type Clock } from '../clock/clock.port';
import { loadConfig, type CommonConfig, type Env } from '../config/common.config';
import { ConfigError } from '../config/config.errors';
import { ServiceStartError } from '../errors/accord.errors';
import { EventSubscriptionRegistry } from '../events/event-subscription.registry';
import { startEventTransport } from '../events/event-transport.starter';
import { ReadinessRegistry } from '../health/readiness.registry';
import { createPinoLogger, ServiceLogger } from '../logging/service-logger';
import { createOpenApiDocument, serveOpenApi } from '../openapi/openapi.document';
import {
  httpMetricsMiddleware,
  type HttpMiddleware,
  requestLoggingMiddleware,
  tracingMiddleware,
} from '../telemetry/http-observability.middleware';
import { ServiceMetrics } from '../telemetry/service-metrics';
import { startTelemetry } from '../telemetry/telemetry';
import { processEnv } from './process-env.config';
import { deploymentMode, type ServiceContext } from './service-context';
import type { ServiceDefinition } from './service-definition';
import { ServiceRootModule, type ServiceKitInput } from './service-kit.module';
import type { SharedResources } from './shared-resources';
import { ShutdownRegistry } from './shutdown.registry';

export interface BootstrapOptions {
  /** Environment to validate (default: the process environment). */
  readonly env?: Env;
  /** Resources owned by the caller and shared between services (the embedded bus). */
  readonly shared?: SharedResources;
  /** `service.name` of the process for tracing; only the first service of a process sets it. */
  readonly processName?: string;
  /** Log sink (default stdout). */
  readonly logDestination?: DestinationStream;
  /** How long close() lets in-flight requests finish before cutting connections (default 10 s). */
  readonly drainTimeoutMs?: number;
  /** Wall clock of the service's components (default the system clock; tests pass a FakeClock). */
  readonly clock?: Clock;
}

export interface RunningService<C extends CommonConfig = CommonConfig> {
  readonly name: string;
  readonly context: ServiceContext<C>;
  readonly app: NestExpressApplication;
  /** Base URL, e.g. `http://127.0.0.1:7100`. */
  readonly url: string;
  readonly log: ServiceLogger;
  readonly readiness: ReadinessRegistry;
  readonly openApi: OpenAPIObject;
  /**
   * Graceful stop: report not ready, stop accepting connections, let
   * in-flight requests finish, run Nest shutdown hooks (consumers stop),
   * close bus, object store and database in that order. Idempotent. Does not
   * stop process-wide telemetry (see shutdownTelemetry).
   */
  close(): Promise<void>;
}

const DEFAULT_DRAIN_MS = 10_000;

/**
 * Validates config, starts tracing (once per process), builds the Nest app
 * (kit + service module), serves it and returns a handle. Works from a
 * service's main.ts and in-process (tests, `accord up`), where several
 * services run side by side on different ports.
 */
/** Default JSON body limit; services with larger payloads set `maxBodyBytes`. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function bootstrapService<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  options: BootstrapOptions = {},
): Promise<RunningService<C>> {
  const boot = new BootPhases();
  const config = loadConfig(definition.configSchema, options.env ?? processEnv(), `${definition.name} configuration`);
  // Before the HTTP adapter (and with it express) is loaded, so both get instrumented.
  const telemetry = startTelemetry({
    processName: options.processName ?? `accord-${definition.name}`,
    ...(config.otlpEndpoint ? { otlpEndpoint: config.otlpEndpoint } : {}),
  });
  boot.mark('config+telemetry');
  const { ExpressAdapter } = await import('@nestjs/platform-express');
  boot.mark('adapter');

  const context: ServiceContext<C> = {
    service: definition.name,
    title: definition.title,
    version: definition.version,
    department: config.department,
    mode: deploymentMode(config),
    config,
  };
  const log = new ServiceLogger(
    createPinoLogger({
      service: definition.name,
      department: config.department,
      level: config.logLevel,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    }),
  );
  const kit: ServiceKitInput = {
    context,
    shared: options.shared ?? {},
    log,
    metrics: new ServiceMetrics(definition.name, config.department),
    readiness: new ReadinessRegistry(),
    shutdown: new ShutdownRegistry(),
    errorStatus: definition.errorStatus ?? {},
    subscriptions: new EventSubscriptionRegistry(),
    clock: options.clock ?? systemClock,
  };

  if (telemetry.expressLoadedEarly) {
    log.pino.warn(
      'express was loaded before tracing started: HTTP routes are not instrumented (load @accord/service-kit before express)',
    );
  }

  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      ServiceRootModule.wrap(kit, definition.rootModule),
      new ExpressAdapter(),
      {
        logger: new FrameworkLogger(log),
        abortOnError: false,
        bodyParser: false,
        // Keeps the parsed buffer on req.rawBody (a reference, no copy) for @RawJsonBody handlers.
        rawBody: true,
      },
    );
    boot.mark('modules');
    app.useBodyParser('json', { limit: definition.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
    const requestLogging = requestLoggingMiddleware(log.pino);
    app.use(
      ...[tracingMiddleware(definition.name), requestLogging, httpMetricsMiddleware(kit.metrics)].filter(
        (m): m is HttpMiddleware => m !== undefined,
      ),
    );
    const openApi = createOpenApiDocument(app, definition);
    serveOpenApi(app, openApi);
    boot.mark('openapi');
    await app.init();
    boot.mark('init');
    await startEventTransport(app, kit);
    boot.mark('events');
    await app.listen(config.httpPort, config.httpHost);
    boot.mark('listen');
    const url = baseUrl(config.httpHost, (app.getHttpServer() as Server).address() as AddressInfo);
    log.pino.info(
      { url, version: definition.version, mode: context.mode, boot: boot.report() },
      `${definition.name} started`,
    );
    return running(definition, context, app, url, kit, openApi, options.drainTimeoutMs ?? DEFAULT_DRAIN_MS);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await kit.shutdown.closeAll();
    await kit.metrics.shutdown();
    if (error instanceof ConfigError) throw error;
    throw new ServiceStartError(definition.name, startFailure(error, config), { cause: error });
  }
}

/**
 * Where a start spends its time, logged with the "started" line (ms):
 * `process` is the process's age when bootstrapService began (node's own
 * start and loading the service's modules; meaningful only for a service in
 * its own process), then each step of the boot in order. `modules` is the
 * Nest module graph: providers' factories (database connect and
 * migrations, the bus, the object store) and constructors.
 */
class BootPhases {
  private readonly phases: Record<string, number> = { process: Math.round(process.uptime() * 1000) };
  private last = performance.now();

  mark(phase: string): void {
    const now = performance.now();
    this.phases[phase] = Math.round(now - this.last);
    this.last = now;
  }

  /** The phases, and `cpu`: the CPU (user + system) the process used up to now, which a busy machine does not inflate as it does the wall times. */
  report(): Readonly<Record<string, number>> {
    const cpu = process.cpuUsage();
    return { ...this.phases, cpu: Math.round((cpu.user + cpu.system) / 1000) };
  }
}

function running<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  context: ServiceContext<C>,
  app: NestExpressApplication,
  url: string,
  kit: ServiceKitInput,
  openApi: OpenAPIObject,
  drainTimeoutMs: number,
): RunningService<C> {
  let closing: Promise<void> | undefined;
  return {
    name: definition.name,
    context,
    app,
    url,
    log: kit.log,
    readiness: kit.readiness,
    openApi,
    close: () =>
      (closing ??= (async () => {
        kit.log.pino.info(`${definition.name} stopping`);
        kit.readiness.markDraining();
        await drainHttp(app.getHttpServer() as Server, drainTimeoutMs);
        await app.close();
        await kit.metrics.shutdown();
        kit.log.pino.info(`${definition.name} stopped`);
      })()),
  };
}

/** Stops accepting connections and waits for in-flight requests, cutting them after `timeoutMs`. */
function drainHttp(server: Server, timeoutMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Keep-alive connections without a request in flight would hold close() open.
    server.closeIdleConnections();
  });
}

function baseUrl(host: string, address: AddressInfo): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
}

function startFailure(error: unknown, config: CommonConfig): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') return `cannot listen on ${config.httpHost}:${config.httpPort}: address already in use`;
  if (code === 'EACCES') return `cannot listen on ${config.httpHost}:${config.httpPort}: permission denied`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Nest's own messages (module init, route mapping) are boilerplate: kept at
 * debug level; warnings and errors pass through. Nest's logger is
 * process-global, so with several services in a process these lines carry
 * the last-started service's labels.
 */
class FrameworkLogger implements LoggerService {
  constructor(private readonly target: ServiceLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.target.debug(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.target.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.target.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.target.debug(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.target.verbose(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.target.fatal(message, ...params);
  }
}
