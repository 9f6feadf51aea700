import type { ReaderTimings } from './topic.reader';
import type { LogMessage } from '@accord/event-bus';

/**
 * Where a consumer keeps its place on each topic. The truth is the
 * consumer's own store: a handler that needs exactly-once effects writes
 * `batch.nextOffset` in the same database transaction as its effects, and
 * `next()` reads it back (after a restart, and after a failed attempt).
 */
export interface EventCheckpoints {
  /** The next offset to deliver on `topic` (0 when nothing was taken yet). */
  next(topic: string): Promise<number>;
  /** Moves past messages the transport parked (dead-lettered) without the handler: they had no effect to store. */
  skipTo(topic: string, next: number): Promise<void>;
}

/** A delivered event: the parsed value with where it sits in the log. */
export interface DeliveredEvent<E = unknown> {
  readonly offset: number;
  readonly timestamp: number;
  readonly key?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly event: E;
}

/** What an `@EventPattern` handler receives: consecutive valid events of one topic, in log order. */
export interface EventBatch<E = unknown> {
  readonly topic: string;
  readonly events: readonly DeliveredEvent<E>[];
  /** The offset after the batch (parked messages included): store it with the batch's effects. */
  readonly nextOffset: number;
}

/**
 * One consumer of the event transport: which topics carry its events right
 * now, how to parse them, and where its checkpoints live. The transport
 * delivers each topic's events in log order (one batch in flight per topic)
 * to the `@EventPattern(pattern)` handler.
 */
export interface EventSubscription<E = unknown> {
  /** The `@EventPattern` this subscription feeds. */
  readonly pattern: string;
  /** Names the consumer in logs, metrics, readiness and its dead-letter topic. */
  readonly consumer: string;
  /** Topics to read now; asked again every discovery round and on `refresh()`. */
  topics(): Promise<readonly string[]>;
  /** Parses one message; throws (any error) for a message that does not fit its schema: it is parked, never delivered. */
  parse(message: LogMessage): E;
  readonly checkpoints: EventCheckpoints;
  /** Messages per batch (default 500). */
  readonly maxBatch?: number;
  /** Pauses and retry bounds where the defaults do not fit (tests shorten them). */
  readonly timings?: Partial<ReaderTimings> & { readonly discoverMs?: number };
}

/** What a subscription's `parse` throws for a record it refuses: the code and message go into the parked event's reason. */
export class EventRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EventRejectedError';
  }
}
