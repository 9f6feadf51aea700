import { prepareRecord, type PreparedRecord } from '@accord/ledger-core';
import type { EventBus, LogMessage } from '@accord/event-bus';
import { recordKind } from '@accord/events';
import { messageSpanContext } from '@accord/service-kit';
import type { SpanContext } from '@opentelemetry/api';

/** Where the reader is: the next offset to read, and whether the last read reached the end of the log. */
export interface ReadProgress {
  readonly readOffset: number;
  readonly atEndOfLog: boolean;
}

/**
 * Reads a channel's tx topic in batches of `readBatch` records from an
 * offset, parsing each record once. After a full batch the next one is
 * read and parsed while the caller verifies and builds this one (a short
 * batch means the end of the log: the next read waits for the caller).
 * At the end of the log a read waits on the bus for the next record (a
 * long poll), so following a quiet channel costs no polling and a record
 * is read as soon as it is appended.
 */
export class TxTopicReader {
  private ahead: Promise<PreparedRecord[]> | undefined;
  private offset: number;
  /** Trace context of records published under a span (HTTP submissions), by offset, until the block builder takes it. */
  private readonly traces = new Map<number, SpanContext>();

  constructor(
    private readonly bus: EventBus,
    private readonly topic: string,
    private readonly readBatch: number,
    from: number,
    private readonly onProgress: (progress: ReadProgress) => void = () => undefined,
  ) {
    this.offset = from;
  }

  /**
   * The next batch, in log order. At the end of the log it waits up to
   * `waitMs` for a record and returns empty when none came.
   */
  async next(waitMs = 0): Promise<PreparedRecord[]> {
    const prepared = await (this.ahead ?? this.fetch(this.offset, waitMs));
    this.ahead = undefined;
    const atEndOfLog = prepared.length < this.readBatch;
    if (prepared.length > 0) {
      this.offset = prepared[prepared.length - 1].offset + 1;
      if (!atEndOfLog) {
        this.ahead = this.fetch(this.offset, 0);
        // Its failure surfaces at the next call; never as an unhandled rejection.
        this.ahead.catch(() => undefined);
      }
    }
    this.onProgress({ readOffset: this.offset, atEndOfLog });
    return prepared;
  }

  /** The trace context the record at `offset` was published under, once. */
  takeTrace(offset: number): SpanContext | undefined {
    const found = this.traces.get(offset);
    if (found !== undefined) this.traces.delete(offset);
    return found;
  }

  private async fetch(offset: number, waitMs: number): Promise<PreparedRecord[]> {
    const messages = await this.bus.read(this.topic, offset, this.readBatch, { waitMs });
    for (const message of messages) {
      // Only submitted txs carry a request's trace; cut markers are the ledgers' own.
      if (message.headers['traceparent'] === undefined || recordKind(message.headers) !== 'tx') continue;
      const spanContext = messageSpanContext(message);
      if (spanContext !== undefined) this.traces.set(message.offset, spanContext);
    }
    return messages.map(toPreparedRecord);
  }
}

/** Bus message -> ledger-core log record; odd timestamps become 0 (block time never goes back anyway). */
export function toPreparedRecord(message: LogMessage): PreparedRecord {
  const timestamp = Number.isSafeInteger(message.timestamp) && message.timestamp >= 0 ? message.timestamp : 0;
  return prepareRecord({ offset: message.offset, timestamp, kind: recordKind(message.headers), value: message.value });
}
