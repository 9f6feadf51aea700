import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { EventBus } from '@accord/event-bus';
import type { Logger } from 'pino';
import { EventBusContext } from './event-bus.context';
import type { EventBatch, EventSubscription } from './event-subscription';
import type { EventSubscriptionRegistry } from './event-subscription.registry';
import type { DeadLetterPublisher } from '../infra/dead-letter.publisher';
import { DEFAULT_READER_TIMINGS, TopicReader, type ReaderStatus, type ReaderTimings } from './topic.reader';

export interface EventBusTransportOptions {
  readonly bus: EventBus;
  readonly subscriptions: EventSubscriptionRegistry;
  /** Where a consumer parks what it cannot take. */
  readonly deadLetters: (consumer: string) => DeadLetterPublisher;
  readonly isUnavailable: (error: unknown) => boolean;
  readonly log: Logger;
  /** How often each subscription's topic list is asked again (default 1 s). */
  readonly discoverMs?: number;
  readonly timings?: Partial<ReaderTimings>;
}

/**
 * The NestJS microservice transport over the event-bus port (Kafka or the
 * embedded log alike): services declare `@EventPattern(pattern)` handlers
 * and register an EventSubscription for each pattern; the transport runs
 * one TopicReader per (subscription, topic) — ordered delivery per topic,
 * checkpoints in the consumer's own store, retries with backoff, parking of
 * invalid or poisonous messages — follows topics as they appear, and drains
 * in-flight batches on close. docs/event-bus.md "Event transport".
 */
export class EventBusTransport extends Server implements CustomTransportStrategy {
  private readonly readers = new Map<string, TopicReader>();
  private readonly publishers = new Map<string, DeadLetterPublisher>();
  private readonly timings: ReaderTimings;
  private discovery: Promise<void> | undefined;
  private closed = false;
  private wakeDiscovery: (() => void) | undefined;
  private unsubscribeRefresh: (() => void) | undefined;

  constructor(private readonly options: EventBusTransportOptions) {
    super();
    this.timings = { ...DEFAULT_READER_TIMINGS, ...options.timings };
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    for (const subscription of this.options.subscriptions.all()) {
      if (this.getHandlerByPattern(subscription.pattern) === null) {
        callback(
          new Error(`no @EventPattern('${subscription.pattern}') handler for consumer ${subscription.consumer}`),
        );
        return;
      }
    }
    this.closed = false;
    this.unsubscribeRefresh = this.options.subscriptions.onRefresh(() => this.wakeDiscovery?.());
    this.options.subscriptions.onPause((consumer) => this.stopReaders(consumer));
    this.discovery = this.discoverLoop();
    callback();
  }

  /** Stops discovery, then every reader after its batch in flight. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribeRefresh?.();
    this.wakeDiscovery?.();
    await this.discovery;
    await Promise.all([...this.readers.values()].map((r) => r.stop()));
    this.readers.clear();
  }

  /** Where each reader stands (readiness, operators). */
  statuses(): ReaderStatus[] {
    return [...this.readers.values()].map((r) => r.status());
  }

  on(): never {
    throw new Error('EventBusTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async discoverLoop(): Promise<void> {
    while (!this.closed) {
      const discoverMs = Math.min(
        this.options.discoverMs ?? 1000,
        ...this.options.subscriptions.all().map((s) => s.timings?.discoverMs ?? Infinity),
      );
      for (const subscription of this.options.subscriptions.all()) {
        try {
          const paused = this.options.subscriptions.isPaused(subscription.consumer);
          await this.follow(subscription, paused ? [] : await subscription.topics());
        } catch (error) {
          if (!this.closed)
            this.options.log.warn({ err: error, consumer: subscription.consumer }, 'cannot list topics; retrying');
        }
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, discoverMs);
        this.wakeDiscovery = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async follow(subscription: EventSubscription, topics: readonly string[]): Promise<void> {
    const wanted = new Set(topics.map((topic) => readerKey(subscription, topic)));
    for (const topic of topics) {
      const id = readerKey(subscription, topic);
      if (this.closed || this.readers.has(id) || this.options.subscriptions.isPaused(subscription.consumer)) continue;
      const reader = new TopicReader(topic, {
        bus: this.options.bus,
        subscription,
        deliver: (batch) => this.deliver(subscription, batch),
        park: (records) => this.deadLetters(subscription.consumer).park(records),
        isUnavailable: this.options.isUnavailable,
        log: this.options.log,
        timings: { ...this.timings, ...subscription.timings },
      });
      this.readers.set(id, reader);
      reader.start();
    }
    for (const [id, reader] of this.readers) {
      if (!id.startsWith(`${subscription.consumer}\u0000`) || wanted.has(id)) continue;
      this.readers.delete(id);
      await reader.stop();
    }
  }

  private async stopReaders(consumer: string): Promise<void> {
    const stopping: Promise<void>[] = [];
    for (const [id, reader] of this.readers) {
      if (!id.startsWith(`${consumer}\u0000`)) continue;
      this.readers.delete(id);
      stopping.push(reader.stop());
    }
    await Promise.all(stopping);
  }

  private async deliver(subscription: EventSubscription, batch: EventBatch): Promise<void> {
    const handler = this.getHandlerByPattern(subscription.pattern);
    if (handler === null) throw new Error(`no handler for ${subscription.pattern}`);
    const ctx = new EventBusContext([batch.topic, subscription.consumer]);
    const result = await handler(batch, ctx);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  private deadLetters(consumer: string): DeadLetterPublisher {
    let publisher = this.publishers.get(consumer);
    if (publisher === undefined) {
      publisher = this.options.deadLetters(consumer);
      this.publishers.set(consumer, publisher);
    }
    return publisher;
  }
}

function readerKey(subscription: EventSubscription, topic: string): string {
  return `${subscription.consumer}\u0000${topic}`;
}
