import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * Process-wide tracing. One tracer provider per process even when several services
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

/** What startTelemetry set up: the tracer provider and the instrumentations it enabled. */
interface Tracing {
  readonly provider: NodeTracerProvider;
  readonly instrumentations: readonly { disable(): void }[];
}

let sdk: Tracing | undefined;
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
        exporter: new LazyOtlpTraceExporter(`${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`),
      })
    : new NoopSpanProcessor();
  // The tracer provider and the two instrumentations, not NodeSDK: NodeSDK loads
  // every exporter it could be configured with (gRPC, protobuf, Zipkin, logs,
  // metrics), about 330 modules and a seventh of a service's start-up CPU.
  // Metrics and logs are not exported through OTLP anyway: metrics are scraped
  // per service at /metrics, logs go to stdout as JSON.
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.processName }),
    spanProcessors: [spanProcessor, ...(options.spanProcessors ?? [])],
  });
  // Global tracer provider, AsyncLocalStorage context manager, W3C trace-context and baggage propagators.
  provider.register();
  // Instrumentations enable themselves when constructed and trace through the global provider.
  const instrumentations = [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => QUIET_PATHS.test(req.url ?? '') }),
    new ExpressInstrumentation(),
  ];
  sdk = { provider, instrumentations };
  status = { started: true, exporting: options.otlpEndpoint !== undefined, expressLoadedEarly };
  return status;
}

/** Flushes and stops tracing; call once, after every service of the process has closed. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  status = NOT_STARTED;
  if (!running) return;
  for (const instrumentation of running.instrumentations) instrumentation.disable();
  await running.provider.shutdown();
  // Unregistered, so a later startTelemetry (tests) installs its provider again.
  trace.disable();
  context.disable();
  propagation.disable();
}

/**
 * The OTLP/HTTP trace exporter, loaded on the first export: its module graph
 * (about 125 modules) is loaded only by a process that exports traces, and
 * after the service started rather than during its start.
 */
class LazyOtlpTraceExporter implements SpanExporter {
  private exporter: Promise<SpanExporter> | undefined;

  constructor(private readonly url: string) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.load().then(
      (exporter) => exporter.export(spans, resultCallback),
      // code 1: ExportResultCode.FAILED (@opentelemetry/core), the batch is dropped as any failed export is.
      (error: unknown) => resultCallback({ code: 1, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  async shutdown(): Promise<void> {
    if (this.exporter) await (await this.exporter).shutdown();
  }

  async forceFlush(): Promise<void> {
    if (this.exporter) await (await this.exporter).forceFlush?.();
  }

  private load(): Promise<SpanExporter> {
    this.exporter ??= import('@opentelemetry/exporter-trace-otlp-http').then(
      ({ OTLPTraceExporter }) => new OTLPTraceExporter({ url: this.url }),
    );
    return this.exporter;
  }
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
