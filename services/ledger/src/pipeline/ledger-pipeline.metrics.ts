import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from '@opentelemetry/api';
import { LATENCY_BUCKETS_SECONDS, ServiceMetrics } from '@accord/service-kit';

/** The block pipeline's instruments, created once per service app. */
@Injectable()
export class LedgerPipelineMetrics {
  readonly blocksCommitted: Counter<{ channel: string }>;
  readonly txsCommitted: Counter<{ channel: string; code: string }>;
  /** Block closed by the builder -> durable in the database. */
  readonly commitLatency: Histogram<{ channel: string }>;
  /** Duration of one group-commit transaction. */
  readonly commitTransaction: Histogram<{ channel: string }>;
  readonly cutMarkers: Counter<{ channel: string }>;
  readonly divergences: Counter<{ channel: string }>;
  readonly runnerErrors: Counter<{ channel: string }>;
  readonly signatureChecks: Counter<{ channel: string; where: 'pool' | 'inline' }>;
  private readonly heads = new Map<string, number>();

  constructor(metrics: ServiceMetrics) {
    this.blocksCommitted = metrics.counter('accord_ledger_blocks_committed', {
      description: 'Blocks stored by this ledger',
    });
    this.txsCommitted = metrics.counter('accord_ledger_txs_committed', {
      description: 'Txs stored by this ledger, by validity code',
    });
    this.commitLatency = metrics.histogram('accord_ledger_block_commit_latency_seconds', {
      description: 'From a block closing in the builder to its database commit',
      unit: 's',
      buckets: LATENCY_BUCKETS_SECONDS,
    });
    this.commitTransaction = metrics.histogram('accord_ledger_commit_transaction_seconds', {
      description: 'Duration of one group-commit database transaction',
      unit: 's',
      buckets: LATENCY_BUCKETS_SECONDS,
    });
    this.cutMarkers = metrics.counter('accord_ledger_cut_markers_published', {
      description: 'Cut markers this ledger published',
    });
    this.divergences = metrics.counter('accord_ledger_divergences', {
      description: 'Rebuilt blocks that differ from the stored ones (runner stopped)',
    });
    this.runnerErrors = metrics.counter('accord_ledger_runner_errors', {
      description: 'Channel runner failures (it restarts from the database)',
    });
    this.signatureChecks = metrics.counter('accord_ledger_signature_checks', {
      description: 'Tx signature checks answered from the worker pool or verified inline',
    });
    metrics.gauge<{ channel: string }>(
      'accord_ledger_head_height',
      { description: 'Height of the last committed block per channel' },
      () => [...this.heads.entries()].map(([channel, height]) => [height, { channel }] as const),
    );
  }

  setHead(channel: string, height: number): void {
    this.heads.set(channel, height);
  }
}
