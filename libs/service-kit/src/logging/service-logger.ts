import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/common.config';
import { activeTraceIds } from '../telemetry/telemetry';

export interface ServiceLoggerOptions {
  readonly service: string;
  readonly department: string;
  readonly level: LogLevel;
  /** Defaults to stdout; tests pass a stream to capture lines. */
  readonly destination?: DestinationStream;
}

/** Header values that must never reach a log line. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'];

/**
 * One JSON logger per service app. Every line carries `service` and
 * `department`, and — inside a request or any other traced work — `traceId`
 * (the correlation id, also returned in error bodies) and `spanId`.
 */
export function createPinoLogger(options: ServiceLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, department: options.department, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => activeTraceIds() ?? {},
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Appends log lines to a file (created with its directory), e.g. `accord up --log-file`. */
export function logFileDestination(path: string): DestinationStream {
  return pino.destination({ dest: path, mkdir: true, sync: true });
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest LoggerService over a service's pino logger. Inject it in services
 * (`constructor(private readonly log: ServiceLogger)`) rather than Nest's
 * static `Logger`, which is process-global and would label lines with the
 * wrong service when several services share a process. For structured
 * fields use `log.pino.info({ height }, 'block committed')`.
 */
export class ServiceLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  /** A logger whose lines carry `context` (e.g. a class name). */
  forContext(context: string): ServiceLogger {
    return new ServiceLogger(this.pino.child({ context }));
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  // Nest's convention: the last string parameter is the context; for
  // error(), a preceding string is the stack.
  private write(level: Level, message: unknown, params: readonly unknown[]): void {
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string' && typeof message === 'string') {
      fields.context = rest.pop();
    }
    if (level === 'error' && typeof rest[0] === 'string') fields.stack = rest.shift();
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level](
        { ...fields, ...(message as Record<string, unknown>) },
        typeof rest[0] === 'string' ? rest[0] : undefined,
      );
    } else {
      this.pino[level](fields, String(message));
    }
  }
}
