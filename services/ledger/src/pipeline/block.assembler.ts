import type { BlockBuilder, ChannelConfig, PreparedRecord } from '@accord/ledger-core';
import { canonicalize } from '@accord/protocol';
import type { SpanContext } from '@opentelemetry/api';
import type { Clock } from '@accord/service-kit';
import type { BlockToCommit, BlockTxRecord } from '../persistence/block.repository';

/** A closed block waiting for its database commit. */
export interface PendingBlock {
  readonly item: BlockToCommit;
  /** Local time the builder closed it (commit latency). */
  readonly closedAt: number;
  /** Trace contexts of its txs that were submitted under a span. */
  readonly traces: readonly SpanContext[];
}

/**
 * Feeds records to the block builder and collects, for each block it
 * closes, the raw tx records it holds (republished with block.committed)
 * and whether its configuration differs from the block before.
 */
export class BlockAssembler {
  private records: BlockTxRecord[] = [];
  private traces: SpanContext[] = [];
  private lastConfig: string;

  constructor(
    /** The configuration after the last committed block. */
    config: ChannelConfig | null,
    /** Local clock: only stamps closedAt (commit latency), never block content. */
    private readonly clock: Clock,
  ) {
    this.lastConfig = configKey(config);
  }

  /** Pushes a record (and the trace context it was submitted under) to the builder; returns the block it closed, if any. */
  feed(builder: BlockBuilder, record: PreparedRecord, trace?: SpanContext): PendingBlock | undefined {
    if (record.kind === 'tx') this.records.push({ offset: record.offset, value: record.value });
    if (trace !== undefined) this.traces.push(trace);
    const closed = builder.push(record);
    if (closed === undefined) return undefined;
    const key = configKey(closed.config);
    const pending = {
      item: { closed, records: this.records, configChanged: key !== this.lastConfig },
      closedAt: this.clock.now(),
      traces: this.traces,
    };
    this.lastConfig = key;
    this.records = [];
    this.traces = [];
    return pending;
  }
}

function configKey(config: ChannelConfig | null): string {
  return config === null ? 'null' : canonicalize(config);
}
