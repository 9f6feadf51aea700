import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { activeTraceIds } from './telemetry';
import { LATENCY_BUCKETS_SECONDS, type ServiceMetrics } from './service-metrics';

type Next = (error?: unknown) => void;
export type HttpMiddleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

interface RoutedRequest extends IncomingMessage {
  route?: { path?: unknown };
  originalUrl?: string;
}

// Probes and scrapes are frequent and uninteresting; they are neither logged nor counted.
const QUIET_PATHS = /^\/(health\/|metrics\b)/;

/**
 * Makes sure each request runs inside a server span (the HTTP
 * instrumentation creates one when it is active; otherwise — e.g. under a
 * test runner that bypasses module hooks — we start one here, honouring an
 * incoming `traceparent`), so logs and error bodies always carry a trace id.
 */
export function tracingMiddleware(service: string): HttpMiddleware {
  const tracer = trace.getTracer('accord.service-kit');
  return (req, res, next) => {
    const existing = trace.getSpan(context.active());
    if (existing?.isRecording()) {
      existing.setAttribute('accord.service', service);
      next();
      return;
    }
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method ?? 'HTTP'}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method ?? '', 'url.path': req.url ?? '', 'accord.service': service },
      },
      parent,
    );
    const end = () => {
      const route = (req as RoutedRequest).route?.path;
      if (typeof route === 'string') span.updateName(`${req.method ?? 'HTTP'} ${route}`);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', () => {
      if (!res.writableFinished) end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * Request/response log lines, with the trace id as request id; credentials
 * are not logged. Successful requests are logged at info, 4xx at warn, 5xx
 * at error. What runs per request depends on the logger's level, fixed at
 * start, so request logging costs nothing when it is off: at info or below,
 * pino-http (a child logger per request, every answer logged); at warn or
 * error, one `finish` listener that logs only the failures of an enabled
 * level (same fields); above error (fatal, silent), no middleware at all
 * (undefined).
 */
export function requestLoggingMiddleware(logger: Logger): HttpMiddleware | undefined {
  if (logger.isLevelEnabled('info')) return allRequestsLogging(logger);
  if (logger.isLevelEnabled('warn') || logger.isLevelEnabled('error')) return failedRequestsLogging(logger);
  return undefined;
}

const requestLogLevel = (status: number, error?: unknown): 'error' | 'warn' | 'info' =>
  error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';

interface LoggedRequest extends IncomingMessage {
  originalUrl?: string;
}

const requestFields = (req: LoggedRequest, id: unknown) => ({
  id,
  method: req.method,
  url: req.originalUrl ?? req.url,
  remoteAddress: req.socket?.remoteAddress,
});

function allRequestsLogging(logger: Logger): HttpMiddleware {
  return pinoHttp({
    logger,
    genReqId: () => activeTraceIds()?.traceId ?? randomUUID(),
    autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
    customLogLevel: (_req, res, error) => requestLogLevel(res.statusCode, error),
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }) as HttpMiddleware;
}

/** The failures only (4xx at warn, 5xx at error), in pino-http's shape, without its per-request child logger. */
function failedRequestsLogging(logger: Logger): HttpMiddleware {
  return (req, res, next) => {
    if (QUIET_PATHS.test(req.url ?? '')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    const id = activeTraceIds()?.traceId;
    res.once('finish', () => {
      const level = requestLogLevel(res.statusCode);
      if (level === 'info' || !logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: requestFields(req, id ?? randomUUID()),
          res: { statusCode: res.statusCode },
          responseTime: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
        },
        level === 'error' ? 'request errored' : 'request completed',
      );
    });
    next();
  };
}

/** Request count and latency per method, matched route and status. */
export function httpMetricsMiddleware(metrics: ServiceMetrics): HttpMiddleware {
  const requests = metrics.counter('accord_http_requests', { description: 'HTTP requests served' });
  const duration = metrics.histogram('accord_http_request_duration_seconds', {
    description: 'HTTP request latency',
    unit: 's',
    buckets: LATENCY_BUCKETS_SECONDS,
  });
  return (req, res, next) => {
    if (QUIET_PATHS.test(req.url ?? '')) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = (req as RoutedRequest).route?.path;
      // Unmatched paths share one label so scanners cannot explode the series count.
      const attributes = {
        method: req.method ?? '',
        route: typeof route === 'string' ? route : 'unmatched',
        status: String(res.statusCode),
      };
      requests.add(1, attributes);
      duration.record(Number(process.hrtime.bigint() - started) / 1e9, attributes);
    });
    next();
  };
}
