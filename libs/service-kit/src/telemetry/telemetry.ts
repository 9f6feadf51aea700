import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';

/**
 * Process-wide tracing. One NodeSDK per process even when several services
 * (or departments) share it, because instrumentation patches modules and the
 * context manager is global. Metrics are NOT global: each service app has
 * its own MeterProvider (service-metrics.ts) so /metrics is per service.
 */
export interface TelemetryOptions {
  /** `service.name` of the process resource, e.g. `accord-ledger` or `accord-up`. */
  readonly processName: string;
  /** OTLP/HTTP base URL; without it spans are created (ids for correlation, context propagation) but not exported. */
  readonly otlpEndpoint?: string;
  /** More span processors (tests record spans in memory). */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export interface TelemetryStatus {
  readonly started: boolean;
  readonly exporting: boolean;
  /** True when express was already loaded at start, so its routes are not instrumented. */
  readonly expressLoadedEarly: boolean;
}

const NOT_STARTED: TelemetryStatus = { started: false, exporting: false, expressLoadedEarly: false };

let sdk: NodeSDK | undefined;
let status: TelemetryStatus = NOT_STARTED;

const QUIET_PATHS = /^\/(health\/|metrics\b)/;

/**
 * Starts tracing once per process; later calls are no-ops (first caller
 * wins). Must run before express/http servers are loaded — bootstrapService
 * calls it before it loads the Nest HTTP adapter.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryStatus {
  if (sdk) return status;
  const expressLoadedEarly = Object.keys(require.cache).some((p) => /[\\/]node_modules[\\/]express[\\/]/.test(p));
  const spanProcessor: SpanProcessor = options.otlpEndpoint
    ? new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }),
      })
    : new NoopSpanProcessor();
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.processName }),
    autoDetectResources: false,
    spanProcessors: [spanProcessor, ...(options.spanProcessors ?? [])],
    // Metrics and logs are not exported through OTLP: metrics are scraped per
    // service at /metrics, logs go to stdout as JSON.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => QUIET_PATHS.test(req.url ?? '') }),
      new ExpressInstrumentation(),
    ],
  });
  sdk.start();
  status = { started: true, exporting: options.otlpEndpoint !== undefined, expressLoadedEarly };
  return status;
}

/** Flushes and stops tracing; call once, after every service of the process has closed. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  status = NOT_STARTED;
  if (running) await running.shutdown();
}

export function telemetryStatus(): TelemetryStatus {
  return status;
}

/** Trace and span id of the active span, if any (the trace id is the correlation id). */
export function activeTraceIds(): { readonly traceId: string; readonly spanId: string } | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
}
