/**
 * The event bus port. Two adapters implement it with the same semantics:
 * Kafka (cluster mode) and an embedded file-backed log (single machine).
 * The shared contract suite in `testing/event-bus.contract.ts` pins them down.
 *
 * Delivery guarantee: at-least-once. A message is handed to a subscriber's
 * handler in log order; its offset is committed only after the handler's
 * promise resolves. After a crash the subscriber resumes from the last
 * committed offset, so handlers must be idempotent (e.g. store the last
 * applied offset in the same database transaction as the state change).
 * See docs/event-bus.md.
 */

/** A message to publish. `value` is opaque bytes (usually JCS JSON). */
export interface OutgoingMessage {
  readonly key?: string;
  readonly value: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A message as read back from the log. */
export interface LogMessage {
  readonly topic: string;
  /** Position in the topic's single partition; dense, starting at 0. */
  readonly offset: number;
  /**
   * Log time in ms since the epoch, assigned by the log at append (never by a
   * reader's clock): Kafka LogAppendTime, or the embedded log's append time.
   * All messages of one append share it.
   */
  readonly timestamp: number;
  readonly key?: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PublishResult {
  readonly topic: string;
  /** Offset of the first message of the batch; the rest follow densely. */
  readonly baseOffset: number;
  readonly count: number;
}

export type StartPosition = 'earliest' | 'latest' | { readonly offset: number };

export interface SubscribeOptions {
  readonly topic: string;
  /** Consumer group: committed offsets are kept per (group, topic). */
  readonly groupId: string;
  /**
   * Where to start when the group has no committed offset (default 'earliest').
   * Resolved when `subscribe` is called: 'latest' means the end of the log at
   * that moment, so every message published after `subscribe` resolves is delivered.
   */
  readonly fromIfNoCommit?: StartPosition;
  /** Handler for a batch of consecutive messages, in log order. Offsets are committed after it resolves. */
  readonly handler: (batch: readonly LogMessage[]) => Promise<void>;
  /** Upper bound on messages per handler call (default 500). */
  readonly maxBatchSize?: number;
  /**
   * Called when the handler rejects. The same batch is then redelivered after
   * a capped exponential backoff, until it succeeds or the subscription stops.
   */
  readonly onError?: (error: unknown, batch: readonly LogMessage[]) => void;
}

/** Options of `EventBus.read`. */
export interface ReadOptions {
  /**
   * When nothing is at `fromOffset` yet (the reader is at the end of the
   * log), wait up to this long for a message (0 = return at once, the
   * default). The read returns as soon as at least one message is there,
   * never waits longer, and returns [] when nothing came. A read beyond the
   * end of the log returns [] at once. A wait costs no polling: Kafka holds
   * a fetch (maxWaitTime) on a connection of its own, the embedded log is
   * woken by the append. Closing the bus ends a wait at once (the read
   * rejects with EventBusClosedError). At most MAX_READ_WAIT_MS.
   */
  readonly waitMs?: number;
}

/** Upper bound of `ReadOptions.waitMs`. */
export const MAX_READ_WAIT_MS = 60_000;

export interface Subscription {
  /** Stops fetching, waits for the in-flight handler and commits its offsets. */
  stop(): Promise<void>;
}

export interface EventBus {
  /** Creates the topic with ONE partition if it does not exist (idempotent). */
  ensureTopic(topic: string): Promise<void>;
  /**
   * Appends messages in order as one atomic, contiguous batch; resolves only
   * once they are durable (fsync / acks=all). Concurrent calls are grouped
   * into one write. Throws MessageTooLargeError above `maxBatchBytes`.
   */
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishResult>;
  /**
   * Reads up to `max` messages starting at `fromOffset` without joining a
   * group (replay, audit, followers of a topic); with `waitMs`, a read at
   * the end of the log waits for the next append (a long poll).
   */
  read(topic: string, fromOffset: number, max: number, options?: ReadOptions): Promise<LogMessage[]>;
  /** Offset the next appended message will get (i.e. current end of the log). */
  endOffset(topic: string): Promise<number>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Liveness of the underlying connection, for readiness probes. */
  isHealthy(): Promise<boolean>;
  /** Stops every subscription (as `Subscription.stop`) and releases connections, files and locks. */
  close(): Promise<void>;
}
