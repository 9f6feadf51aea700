import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@accord/service-kit';

/** The last completed run, as the gauges report it. */
export interface CompletedScrub {
  readonly findings: number;
  readonly finishedAt: number;
}

/**
 * The scrubber's gauges (GET /metrics; docs/storage-gateway-scrubber.md
 * "Alerts"): how many findings the last completed run left open, and when
 * it finished. Neither is reported before a first run completed. The
 * counters (accord_gateway_scrub_findings, accord_gateway_scrub_bytes) are
 * in GatewayMetrics.
 */
@Injectable()
export class ScrubberGauges {
  private last: CompletedScrub | undefined;

  constructor(metrics: ServiceMetrics) {
    metrics.gauge(
      'accord_gateway_scrub_open_findings',
      { description: 'Integrity findings of the last completed scrub run (0: every object checked out)' },
      () => (this.last === undefined ? [] : this.last.findings),
    );
    metrics.gauge(
      'accord_gateway_scrub_last_run_timestamp_seconds',
      { description: 'When the last completed scrub run finished (seconds since the epoch)', unit: 's' },
      () => (this.last === undefined ? [] : this.last.finishedAt / 1000),
    );
  }

  completed(run: CompletedScrub): void {
    this.last = run;
  }
}
