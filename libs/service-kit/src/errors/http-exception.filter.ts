import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceLogger } from '../logging/service-logger';
import { activeTraceIds } from '../telemetry/telemetry';
import { mapErrorToHttp, type ErrorStatusMap } from './http-error.mapper';

/**
 * The one place where errors become HTTP responses:
 * `{error: code, message, details?, traceId}`. Unexpected errors are logged
 * with their stack and answered with a bare 500.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly log: ServiceLogger,
    private readonly statusByCode: ErrorStatusMap = {},
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage & { originalUrl?: string; id?: unknown }>();
    const res = http.getResponse<ServerResponse>();
    const contentEncoding = req.headers['content-encoding'];
    const mapped = mapErrorToHttp(exception, this.statusByCode, { contentEncoding });
    const traceId = activeTraceIds()?.traceId ?? (typeof req.id === 'string' ? req.id : undefined);
    if (mapped.unexpected) {
      this.log.pino.error({ err: exception, method: req.method, url: req.originalUrl ?? req.url }, 'request failed');
    }
    if (res.headersSent) {
      // Too late for a clean error body (e.g. a stream broke midway): cut the connection.
      res.destroy();
      return;
    }
    if (mapped.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="accord"');
    res.statusCode = mapped.status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(traceId ? { ...mapped.body, traceId } : mapped.body));
  }
}
