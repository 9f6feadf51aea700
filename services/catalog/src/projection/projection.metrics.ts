import { Injectable } from '@nestjs/common';
import type { Counter } from '@opentelemetry/api';
import { ServiceMetrics } from '@accord/service-kit';

/** The projection's counters (GET /metrics). */
@Injectable()
export class ProjectionMetrics {
  readonly blocksProjected: Counter;
  readonly decisionsApplied: Counter<{ kind: string }>;
  readonly qualityIgnored: Counter<{ type: string }>;

  constructor(metrics: ServiceMetrics) {
    this.blocksProjected = metrics.counter('accord_catalog_blocks_projected', {
      description: 'Committed blocks projected into the directory',
    });
    this.decisionsApplied = metrics.counter('accord_catalog_decisions_applied', {
      description: "The contracts' decisions applied to the directory, by receipt kind",
    });
    this.qualityIgnored = metrics.counter('accord_catalog_quality_txs_ignored', {
      description:
        'Valid quality txs without effect (a report by the owner, an answer by another member, a closed report)',
    });
  }
}
