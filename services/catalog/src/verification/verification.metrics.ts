import { Injectable } from '@nestjs/common';
import type { Counter } from '@opentelemetry/api';
import { ServiceMetrics } from '@accord/service-kit';

/** Counters of the directory verification (GET /metrics). */
@Injectable()
export class VerificationMetrics {
  readonly mismatches: Counter<{ channel: string; field: string }>;

  constructor(metrics: ServiceMetrics) {
    this.mismatches = metrics.counter('accord_catalog_row_mismatches', {
      description: 'Stored directory columns found to differ from their committed tx by a verification, by column',
    });
  }
}
