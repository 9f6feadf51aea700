import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from '@opentelemetry/api';
import { LATENCY_BUCKETS_SECONDS, ServiceMetrics } from '@accord/service-kit';
import type { ChannelRunnerStatus } from './channel.runner';

/** What a runner is holding back, as the stalled-chain alert reads it (docs/ledger-service.md). */
export interface RunnerBacklog {
  readonly channel: string;
  /** Txs read into the block being built, not yet in a closed block. */
  readonly openBlockTxs: number;
  /** 1 when the runner's last read reached the tx topic's end, 0 while it is behind. */
  readonly atLogEnd: 0 | 1;
}

/** A runner's backlog from its status. */
export function runnerBacklog(status: ChannelRunnerStatus): RunnerBacklog {
  return {
    channel: status.channel,
    openBlockTxs: status.openBlock?.txCount ?? 0,
    atLogEnd: status.atEndOfLog ? 1 : 0,
  };
}

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

  constructor(private readonly metrics: ServiceMetrics) {
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

  /**
   * Reports the runners' backlogs at scrape time: a head that stands still
   * while its open block holds txs or its runner is behind the log end is a
   * stalled chain (the chart's AccordLedgerChainStalled alert).
   */
  observeRunners(statuses: () => readonly ChannelRunnerStatus[]): void {
    const backlogs = (): RunnerBacklog[] => statuses().map(runnerBacklog);
    this.metrics.gauge<{ channel: string }>(
      'accord_ledger_open_block_txs',
      { description: 'Txs read into the block being built per channel (not yet in a closed block)' },
      () => backlogs().map((b) => [b.openBlockTxs, { channel: b.channel }] as const),
    );
    this.metrics.gauge<{ channel: string }>(
      'accord_ledger_runner_at_log_end',
      { description: "1 when the channel runner's last read reached the tx topic's end, 0 while it is behind" },
      () => backlogs().map((b) => [b.atLogEnd, { channel: b.channel }] as const),
    );
  }

  setHead(channel: string, height: number): void {
    this.heads.set(channel, height);
  }
}
