import { SpanKind } from '@opentelemetry/api';
import type { EventBus, LogMessage } from '@accord/event-bus';
import type { ParkReason } from '@accord/events';
import type { Logger } from 'pino';
import type { DeliveredEvent, EventBatch, EventSubscription } from './event-subscription';
import { inSpanOf, messageSpanContext } from './trace-context';

/** Code of a message parked because its handler kept failing on it. */
export const HANDLER_FAILED = 'handler_failed';
/** Code of a message that failed its parse without naming a code of its own. */
export const EVENT_INVALID = 'event_invalid';

export interface ReaderTimings {
  /**
   * How long a read at the end of the topic waits for the next message (a
   * long poll on the bus: a message appended meanwhile is read at once, so
   * this bounds only how often an idle reader asks again).
   */
  readonly idleMs: number;
  /** First and largest pause between attempts of a failing batch. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** Attempts of a batch whose handler fails for another reason than an unavailable dependency, before it is parked. */
  readonly maxAttempts: number;
  /** Least time between two measurements of the log end while the reader has work (consumer lag). */
  readonly lagCheckMs: number;
}

export const DEFAULT_READER_TIMINGS: ReaderTimings = {
  idleMs: 500,
  retryInitialMs: 100,
  retryMaxMs: 5000,
  maxAttempts: 5,
  lagCheckMs: 1000,
};

export interface TopicReaderDeps {
  readonly bus: EventBus;
  readonly subscription: EventSubscription;
  /** Runs the `@EventPattern` handler; resolves once it finished. */
  readonly deliver: (batch: EventBatch) => Promise<void>;
  /** Dead-letters messages, each with its reason (docs/events.md "Bad records"). */
  readonly park: (records: readonly { readonly message: LogMessage; readonly reason: ParkReason }[]) => Promise<void>;
  /** True for errors of an unavailable dependency: retried without limit, never parked. */
  readonly isUnavailable: (error: unknown) => boolean;
  readonly log: Logger;
  readonly timings: ReaderTimings;
}

/** Where one topic's reader stands, for readiness and the operators' view. */
export interface ReaderStatus {
  readonly consumer: string;
  readonly topic: string;
  readonly state: 'starting' | 'catching-up' | 'live' | 'retrying';
  readonly nextOffset: number | null;
  /** The log end when the reader started: it is catching up until it got there. */
  readonly catchUpTo: number | null;
  /**
   * Messages between the log end and the reader's next offset, as of the
   * reader's last measurement (null until it opened the topic).
   */
  readonly lag: number | null;
  readonly parked: number;
  readonly lastError?: string;
}

/**
 * The consumer loop of one topic for one subscription: reads from the
 * consumer's checkpoint, parks what does not parse, hands consecutive valid
 * events to the handler one batch at a time, retries a failing batch with a
 * capped exponential backoff (re-reading the checkpoint, since the handler's
 * transaction may have committed). A batch whose handler keeps failing for
 * another reason than an unavailable dependency is retried one message at a
 * time, and the message that still fails is parked with its error.
 *
 * At the end of the topic it waits for the next message with a long-poll
 * read (`idleMs`), so an idle reader costs next to nothing and a new
 * message is delivered without a polling delay; stop() abandons that read.
 *
 * It also keeps the consumer lag current without a loop of its own: an
 * empty read means the reader is at the log end (lag 0, nothing to ask);
 * while it has work — batches, retries — it measures the log end at most
 * every `lagCheckMs`. So an idle reader costs no extra call, and a scrape
 * reads the last value synchronously.
 */
export class TopicReader {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private state: ReaderStatus['state'] = 'starting';
  private next: number | null = null;
  private catchUpTo: number | null = null;
  /** The last next offset known, kept while `next` is cleared to re-read the checkpoint. */
  private position: number | null = null;
  private logEnd: number | null = null;
  private logEndCheckedAt = -Infinity;
  private measuring: Promise<void> | undefined;
  private parked = 0;
  private lastError: string | undefined;
  /** After a batch kept failing: one message at a time up to this offset, so only the culprit is parked. */
  private singlesUntil = 0;

  constructor(
    readonly topic: string,
    private readonly deps: TopicReaderDeps,
  ) {}

  start(): void {
    this.stopping = false;
    this.running ??= this.run().finally(() => (this.running = undefined));
  }

  /** Stops reading and waits for the batch in flight (drain). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    await this.measuring;
  }

  status(): ReaderStatus {
    return {
      consumer: this.deps.subscription.consumer,
      topic: this.topic,
      state: this.state,
      nextOffset: this.next,
      catchUpTo: this.catchUpTo,
      lag: this.position === null || this.logEnd === null ? null : Math.max(0, this.logEnd - this.position),
      parked: this.parked,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private async run(): Promise<void> {
    const { timings } = this.deps;
    let backoff = timings.retryInitialMs;
    let attempts = 0;
    while (!this.stopping) {
      let batch: readonly LogMessage[] = [];
      try {
        if (this.next === null) await this.open();
        const from = this.next as number;
        batch = await this.readUnlessStopped(
          from,
          from < this.singlesUntil ? 1 : (this.deps.subscription.maxBatch ?? 500),
        );
        if (this.stopping) break;
        if (batch.length === 0) {
          this.state = 'live';
          this.atLogEnd(from);
          continue;
        }
        await this.take(batch);
        this.next = batch[batch.length - 1].offset + 1;
        this.measureLag(this.next);
        if (this.state !== 'live') this.state = this.next >= (this.catchUpTo ?? 0) ? 'live' : 'catching-up';
        this.lastError = undefined;
        backoff = timings.retryInitialMs;
        attempts = 0;
      } catch (error) {
        if (this.stopping) break;
        const unavailable = this.deps.isUnavailable(error);
        if (!unavailable) attempts += 1;
        this.state = 'retrying';
        this.lastError = error instanceof Error ? error.message : String(error);
        this.next = null; // the handler's transaction may have committed: read the checkpoint again
        this.measureLag(this.position);
        if (!unavailable && attempts >= timings.maxAttempts && batch.length > 0) {
          attempts = 0;
          if (batch.length > 1) this.singlesUntil = batch[batch.length - 1].offset + 1;
          else await this.parkFailing(batch, error);
          continue;
        }
        this.deps.log.warn(
          { err: error, consumer: this.deps.subscription.consumer, topic: this.topic, attempts, retryInMs: backoff },
          'consuming events failed; retrying',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, timings.retryMaxMs);
      }
    }
  }

  private async open(): Promise<void> {
    await this.deps.bus.ensureTopic(this.topic);
    const next = await this.deps.subscription.checkpoints.next(this.topic);
    const end = await this.deps.bus.endOffset(this.topic);
    this.next = next;
    this.catchUpTo ??= end;
    this.noteLogEnd(end, next);
    if (this.state === 'starting') this.state = next >= this.catchUpTo ? 'live' : 'catching-up';
  }

  /** Parks what does not parse, delivers the rest (or only moves the checkpoint when nothing is left). */
  private async take(batch: readonly LogMessage[]): Promise<void> {
    const { subscription } = this.deps;
    const events: DeliveredEvent[] = [];
    const invalid: { message: LogMessage; reason: ParkReason }[] = [];
    for (const message of batch) {
      try {
        const event = subscription.parse(message);
        events.push({
          offset: message.offset,
          timestamp: message.timestamp,
          headers: message.headers,
          event,
          ...key(message),
        });
      } catch (error) {
        invalid.push({ message, reason: reasonOf(error, EVENT_INVALID) });
      }
    }
    const nextOffset = batch[batch.length - 1].offset + 1;
    if (invalid.length > 0) {
      await this.deps.park(invalid);
      this.parked += invalid.length;
    }
    if (events.length === 0) {
      await subscription.checkpoints.skipTo(this.topic, nextOffset);
      return;
    }
    await this.deliverTraced({ topic: this.topic, events, nextOffset }, batch);
  }

  private deliverTraced(batch: EventBatch, messages: readonly LogMessage[]): Promise<void> {
    return inSpanOf(
      `${this.deps.subscription.pattern} process`,
      messages.map(messageSpanContext),
      {
        'messaging.system': 'accord-event-bus',
        'messaging.operation.type': 'process',
        'messaging.destination.name': this.topic,
        'messaging.consumer.group.name': this.deps.subscription.consumer,
        'messaging.batch.message_count': messages.length,
      },
      () => this.deps.deliver(batch),
      SpanKind.CONSUMER,
    );
  }

  private async parkFailing(batch: readonly LogMessage[], error: unknown): Promise<void> {
    const { subscription } = this.deps;
    const nextOffset = batch[batch.length - 1].offset + 1;
    try {
      this.deps.log.error(
        { err: error, consumer: subscription.consumer, topic: this.topic, from: batch[0].offset, to: nextOffset - 1 },
        'a batch kept failing: parked with its error',
      );
      await this.deps.park(batch.map((message) => ({ message, reason: reasonOf(error, HANDLER_FAILED) })));
      await subscription.checkpoints.skipTo(this.topic, nextOffset);
      this.parked += batch.length;
    } catch (parkError) {
      this.deps.log.warn({ err: parkError, topic: this.topic }, 'parking failed; retrying the batch');
      await this.sleep(this.deps.timings.retryMaxMs);
    }
  }

  /** An empty read from `next`: the log ends there, so the reader has no lag. */
  private atLogEnd(next: number): void {
    this.position = next;
    this.logEnd = Math.max(this.logEnd ?? next, next);
  }

  /**
   * The reader is at `position` with work to do: its lag is the log end
   * minus that. The log end is measured again in the background (the loop
   * never waits for it, so a batch costs no extra round trip and a slow
   * bus cannot hold up a retry or a stop) unless it was measured within
   * `lagCheckMs`; a failed measurement keeps the last value.
   */
  private measureLag(position: number | null): void {
    this.position = position;
    if (position !== null && this.logEnd !== null) this.logEnd = Math.max(this.logEnd, position);
    if (this.measuring !== undefined || performance.now() - this.logEndCheckedAt < this.deps.timings.lagCheckMs) return;
    this.logEndCheckedAt = performance.now();
    this.measuring = this.deps.bus
      .endOffset(this.topic)
      .then((end) => {
        this.logEnd = Math.max(end, this.position ?? 0);
      })
      .catch(() => undefined) // the bus is unavailable: the read or the retry reports it
      .finally(() => (this.measuring = undefined));
  }

  private noteLogEnd(end: number, position: number): void {
    this.position = position;
    this.logEnd = Math.max(end, position);
    this.logEndCheckedAt = performance.now();
  }

  /** A read that waits up to `idleMs` at the end of the topic; [] at once when stop() is called meanwhile. */
  private readUnlessStopped(from: number, max: number): Promise<readonly LogMessage[]> {
    if (this.stopping) return Promise.resolve([]);
    const reading = this.deps.bus.read(this.topic, from, max, { waitMs: this.deps.timings.idleMs });
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        if (this.wake === wake) this.wake = undefined;
      };
      const wake = (): void => {
        settle();
        resolve([]);
      };
      this.wake = wake;
      reading.then(
        (batch) => {
          settle();
          resolve(batch);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** A parse error's own code (e.g. `event_not_json`), else `fallback`; the error's message as the reason. */
function reasonOf(error: unknown, fallback: string): ParkReason {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    code: fallback === EVENT_INVALID && typeof code === 'string' ? code : fallback,
    message: error instanceof Error ? error.message : String(error),
  };
}

function key(message: LogMessage): { key?: string } {
  return message.key === undefined ? {} : { key: message.key };
}
