/**
 * The logger the bus writes to (kafkajs logs are routed here too). Shaped so
 * a pino or NestJS logger adapts in a line; the bus never logs message payloads.
 */
export interface EventBusLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const ignore = (): void => undefined;

/** Drops everything. */
export const silentEventBusLogger: EventBusLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Default when none is injected: warnings and errors go to stderr, the rest is dropped. */
export const stderrEventBusLogger: EventBusLogger = {
  debug: ignore,
  info: ignore,
  warn: (message, context) => console.warn(`[event-bus] ${message}`, context ?? ''),
  error: (message, context) => console.error(`[event-bus] ${message}`, context ?? ''),
};

/** A readable summary of an unknown thrown value for log contexts. */
export function describeError(error: unknown): Record<string, unknown> {
  if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') {
    const { message, name, code } = error as Error & { code?: unknown };
    return { error: message, errorName: name, ...(typeof code === 'string' ? { errorCode: code } : {}) };
  }
  return { error: String(error) };
}
