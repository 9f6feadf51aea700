import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceLogger } from '../logging/service-logger';
import { activeTraceIds } from '../telemetry/telemetry';
import { AccordError } from './accord.errors';
import {
  classifyUnavailable,
  DEFAULT_RETRY_AFTER_SECONDS,
  type DependencyPorts,
} from './dependency-unavailable.classifier';
import { isDomainError, mapErrorToHttp, type ErrorStatusMap } from './http-error.mapper';

/**
 * The one place where errors become HTTP responses:
 * `{error: code, message, details?, traceId}`. Unexpected errors are logged
 * with their stack and answered with a bare 500, as are domain errors whose
 * code has no status in the service's table. An unavailable dependency
 * (lost database connection, event bus down) is 503 `dependency_unavailable`
 * naming it, and every 503 tells clients when to retry (`Retry-After`).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly log: ServiceLogger,
    private readonly statusByCode: ErrorStatusMap = {},
    private readonly dependencyPorts: DependencyPorts = new Map(),
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string; id?: unknown }>();
    const res = http.getResponse<ServerResponse>();
    const unavailable = classifyUnavailable(exception, this.dependencyPorts);
    const contentEncoding = req.headers['content-encoding'];
    const mapped = mapErrorToHttp(unavailable ?? exception, this.statusByCode, { contentEncoding });
    const traceId = activeTraceIds()?.traceId ?? (typeof req.id === 'string' ? req.id : undefined);
    if (unavailable !== undefined) {
      this.log.pino.warn({ err: exception, method: req.method, url: req.originalUrl ?? req.url }, unavailable.message);
    } else if (mapped.unexpected) {
      // A domain code answered 500 has no status in the service's table: a bug to fix there.
      const what =
        isDomainError(exception) && mapped.status === 500 ? 'error code has no HTTP status' : 'request failed';
      this.log.pino.error({ err: exception, method: req.method, url: req.originalUrl ?? req.url }, what);
    }
    if (res.headersSent) {
      // Too late for a clean error body (e.g. a stream broke midway): cut the connection.
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(responseHeadersOf(exception))) res.setHeader(name, value);
    if (mapped.status === 401 && !res.hasHeader('WWW-Authenticate'))
      res.setHeader('WWW-Authenticate', 'Bearer realm="accord"');
    if (mapped.status === 503)
      res.setHeader('Retry-After', String(unavailable?.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS));
    res.statusCode = mapped.status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(traceId ? { ...mapped.body, traceId } : mapped.body));
  }
}

/** Headers a domain error asks its answer to carry (e.g. Content-Range of a 416), see AccordError.responseHeaders. */
function responseHeadersOf(exception: unknown): Readonly<Record<string, string>> {
  return exception instanceof AccordError ? (exception.responseHeaders ?? {}) : {};
}
