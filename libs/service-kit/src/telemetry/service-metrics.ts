import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Counter, Histogram, Meter, ObservableGauge, UpDownCounter } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export interface InstrumentOptions {
  readonly description: string;
  /** UCUM unit, e.g. `s`, `By`, `1`. Prometheus names should end in the unit (`_seconds`). */
  readonly unit?: string;
}

export interface HistogramOptions extends InstrumentOptions {
  /** Explicit bucket boundaries (default: OTel's). */
  readonly buckets?: readonly number[];
}

/** Seconds buckets for request-like latencies, 1 ms to 30 s. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/**
 * Metrics of ONE service app, exposed in Prometheus text format at its
 * GET /metrics. Every series carries `accord_service` and
 * `accord_department` labels, so several services (or departments) in one
 * process stay apart. Inject ServiceMetrics and create instruments once,
 * e.g. in a constructor: `metrics.counter('accord_blocks_committed', {...})`.
 */
export class ServiceMetrics {
  readonly meter: Meter;
  private readonly exporter: PrometheusExporter;
  private readonly provider: MeterProvider;

  constructor(
    readonly service: string,
    readonly department: string,
  ) {
    this.exporter = new PrometheusExporter({
      preventServerStart: true,
      withResourceConstantLabels: /^accord\.(service|department)$/,
      withoutScopeInfo: true,
    });
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({
        'service.name': `accord-${service}`,
        'accord.service': service,
        'accord.department': department,
      }),
      readers: [this.exporter],
    });
    this.meter = this.provider.getMeter(`accord.${service}`);
  }

  /**
   * A counter, reported from its creation: a zero series without labels puts
   * its name in /metrics before its first event, so dashboards and alert
   * rules can rely on it and `increase()` sees the first event of a counter
   * that has no labels.
   */
  counter<A extends Attributes = Attributes>(name: string, options: InstrumentOptions): Counter<A> {
    const counter = this.meter.createCounter<A>(name, options);
    counter.add(0);
    return counter;
  }

  upDownCounter<A extends Attributes = Attributes>(name: string, options: InstrumentOptions): UpDownCounter<A> {
    return this.meter.createUpDownCounter<A>(name, options);
  }

  histogram<A extends Attributes = Attributes>(name: string, options: HistogramOptions): Histogram<A> {
    const { buckets, ...rest } = options;
    return this.meter.createHistogram<A>(
      name,
      buckets ? { ...rest, advice: { explicitBucketBoundaries: [...buckets] } } : rest,
    );
  }

  /** A gauge read at scrape time, e.g. consumer lag. */
  gauge<A extends Attributes = Attributes>(
    name: string,
    options: InstrumentOptions,
    read: () => number | readonly [number, A][],
  ): ObservableGauge<A> {
    const gauge = this.meter.createObservableGauge<A>(name, options);
    gauge.addCallback((result) => {
      const value = read();
      if (typeof value === 'number') result.observe(value);
      else for (const [v, attributes] of value) result.observe(v, attributes);
    });
    return gauge;
  }

  /** Writes the Prometheus text exposition to `response`. */
  serve(request: IncomingMessage, response: ServerResponse): void {
    this.exporter.getMetricsRequestHandler(request, response);
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}
