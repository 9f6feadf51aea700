import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from '@opentelemetry/api';
import { LATENCY_BUCKETS_SECONDS, ServiceMetrics } from '@accord/service-kit';
import type { PointsFlow } from './points-flow';

/** The rule pipeline's instruments, created once per service app (docs/contracts.md "Operations"). */
@Injectable()
export class ContractsPipelineMetrics {
  readonly blocksApplied: Counter<{ channel: string }>;
  readonly receipts: Counter<{ channel: string; kind: string; code: string }>;
  /** Duration of one batch: parse, apply, and the database transaction. */
  readonly batchSeconds: Histogram;
  readonly duplicates: Counter<{ channel: string }>;
  readonly halts: Counter<{ channel: string; code: string }>;
  readonly invalidEvents: Counter;
  readonly parked: Counter<{ topic: string; code: string }>;
  readonly readerErrors: Counter;
  readonly published: Counter<{ channel: string; what: 'attestation' | 'decision' }>;
  /** Points moved by applied receipts, by flow (pipeline/points-flow.ts). */
  readonly points: Counter<{ channel: string; flow: PointsFlow }>;
  private readonly heights = new Map<string, number>();
  private readonly halted = new Set<string>();

  constructor(metrics: ServiceMetrics) {
    this.blocksApplied = metrics.counter('accord_contracts_blocks_applied', {
      description: 'Blocks applied to the rule state',
    });
    this.receipts = metrics.counter('accord_contracts_receipts', {
      description: 'Receipts of applied blocks, by kind and reason code',
    });
    this.batchSeconds = metrics.histogram('accord_contracts_batch_seconds', {
      description: 'Applying one batch of block.committed events, database transaction included',
      unit: 's',
      buckets: LATENCY_BUCKETS_SECONDS,
    });
    this.duplicates = metrics.counter('accord_contracts_duplicate_blocks', {
      description: 'Redelivered blocks skipped (already applied)',
    });
    this.halts = metrics.counter('accord_contracts_channel_halts', {
      description: 'Channels that stopped applying (gap, divergence, missing configuration, invalid event)',
    });
    this.invalidEvents = metrics.counter('accord_contracts_invalid_events', {
      description: 'Records of the blocks topic that name no channel (no channel to halt; parked)',
    });
    this.parked = metrics.counter('accord_contracts_events_parked', {
      description:
        'Records of the blocks topic that failed their schema or checks, parked on accord.dlq.<department>.contracts',
    });
    this.readerErrors = metrics.counter('accord_contracts_reader_errors', {
      description: 'Failed batches (retried after reloading from the database)',
    });
    this.published = metrics.counter('accord_contracts_published', {
      description: 'State attestations and decision events published',
    });
    this.points = metrics.counter('accord_contracts_points', {
      description:
        'Points moved by applied receipts, by flow: registration_reward, use_reward, held, compensation, fee_burned, refunded',
    });
    metrics.gauge<{ channel: string }>(
      'accord_contracts_height',
      { description: 'Height of the last applied block per channel' },
      () => [...this.heights.entries()].map(([channel, height]) => [height, { channel }] as const),
    );
    metrics.gauge(
      'accord_contracts_halted_channels',
      { description: 'Channels currently halted' },
      () => this.halted.size,
    );
  }

  setHead(channel: string, height: number, halted: boolean): void {
    this.heights.set(channel, height);
    if (halted) this.halted.add(channel);
    else this.halted.delete(channel);
  }
}
