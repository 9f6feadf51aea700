import type { CommonConfig } from '../config/common.config';
import { AccordError } from './accord.errors';

/** Dependencies by the name of their readiness check (GET /health/ready); `events`: another event stream the consumer waits for. */
export type DependencyName = 'database' | 'bus' | 'objectStore' | 'network' | 'events';

/** What clients are told to wait before retrying (seconds): long enough for a restart or failover to show. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * A dependency (database, event bus, ...) cannot be used right now: the
 * request may succeed later or on another replica. 503 with `Retry-After`;
 * `details.dependency` names the readiness check that reports it.
 */
export class DependencyUnavailableError extends AccordError {
  readonly code = 'dependency_unavailable';

  constructor(
    readonly dependency: DependencyName,
    reason: string,
    readonly retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS,
  ) {
    super(`${dependency} is unavailable (${reason}); retry later`, { dependency, reason, retryAfterSeconds });
  }
}

/** Ports of the service's configured dependencies, to name the target of a refused or reset connection. */
export type DependencyPorts = ReadonlyMap<number, DependencyName>;

// SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
const PG_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
// node-postgres and pg-pool report lost or impossible connections in messages only.
const PG_CONNECTION_MESSAGE =
  /connection terminated|terminating connection|timeout exceeded when trying to connect|not queryable|cannot use a pool after calling end|the database system is (starting up|shutting down)/i;
const SYSTEM_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const BUS_UNAVAILABLE_CODES = new Set(['event_bus_unavailable', 'event_bus_closed']);
/** The embedded log's disk is full, read-only or failing: it takes appends again on its own once it can. */
const LOG_UNWRITABLE_CODE = 'event_bus_log_write_failed';

interface ErrorShape {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly name?: unknown;
  readonly port?: unknown;
  readonly cause?: unknown;
  readonly driverError?: unknown;
}

/**
 * Whether an error thrown while serving a request means a dependency is
 * unavailable, and which: PostgreSQL connection failures (as node-postgres,
 * pg-pool or TypeORM report them, also wrapped), the persistence lib's
 * persistence_unavailable, the event bus's event_bus_unavailable/closed
 * and the embedded log's unwritable disk (reason `log_unwritable`),
 * and refused or reset connections to a known port. Undefined otherwise.
 */
export function classifyUnavailable(
  error: unknown,
  ports: DependencyPorts = new Map(),
): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error;
  const chain = causeChain(error);
  for (const e of chain) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    if (code !== undefined && BUS_UNAVAILABLE_CODES.has(code)) return new DependencyUnavailableError('bus', code);
    if (code === LOG_UNWRITABLE_CODE) return new DependencyUnavailableError('bus', 'log_unwritable');
    if (code === 'persistence_unavailable') return new DependencyUnavailableError('database', code);
    if (code !== undefined && PG_UNAVAILABLE.test(code))
      return new DependencyUnavailableError('database', `SQLSTATE ${code}`);
    if (PG_CONNECTION_MESSAGE.test(message)) return new DependencyUnavailableError('database', 'connection lost');
    if (code !== undefined && SYSTEM_CONNECTION_CODES.has(code)) {
      const dependency = typeof e.port === 'number' ? ports.get(e.port) : undefined;
      return new DependencyUnavailableError(dependency ?? 'network', code);
    }
  }
  return undefined;
}

/** The error, its `cause`s and TypeORM's `driverError`s (a few levels, cycles cut). */
function causeChain(error: unknown): ErrorShape[] {
  const out: ErrorShape[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 8) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || out.includes(e as ErrorShape)) continue;
    out.push(e as ErrorShape);
    queue.push((e as ErrorShape).driverError, (e as ErrorShape).cause);
  }
  return out;
}

/** The ports of the database and brokers a service is configured with (postgres default 5432). */
export function dependencyPorts(config: Pick<CommonConfig, 'database' | 'bus'>): DependencyPorts {
  const ports = new Map<number, DependencyName>();
  if (config.database.kind === 'postgres' && URL.canParse(config.database.url))
    ports.set(Number(new URL(config.database.url).port || 5432), 'database');
  if (config.bus.kind === 'kafka')
    for (const broker of config.bus.brokers) ports.set(Number(broker.split(':').pop()), 'bus');
  return ports;
}
