import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { describeError } from '../event-bus.logger';
import type { LogMessage, Subscription } from '../event-bus.port';
import { handleWithRetry, type HandlerRetryContext } from '../handler-retry.policy';
import { toEventBusError } from './kafka-errors.mapper';
import { toLogMessage } from './kafka-message.mapper';

/**
 * The Kafka consumer group behind a bus (group, topic) pair. One Kafka group
 * per topic, because kafkajs' assigners ignore what each member subscribed to
 * (a group whose members consume different topics gets partitions handed to
 * members that never fetch them), and so that joining or leaving one topic
 * does not stop every other topic of the group for a rebalance. ':' cannot
 * occur in bus names, so the mapping is unambiguous.
 */
export function kafkaConsumerGroupId(groupId: string, topic: string): string {
  return `${groupId}:${topic}`;
}

export interface KafkaSubscriptionSettings {
  readonly maxBatchSize: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxWaitTimeMs: number;
  readonly maxBytesPerPartition: number;
}

/**
 * One kafkajs consumer in the subscription's group. Offsets are committed
 * explicitly (autoCommit off, eachBatchAutoResolve off) right after the
 * handler resolves for each slice of at most `maxBatchSize` messages, so a
 * crash or rebalance redelivers at most the slice in flight. A failed handler
 * is retried in place with backoff while the consumer keeps heartbeating.
 */
export class KafkaSubscription implements Subscription {
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;
  /** kafkajs gave up on this consumer (a crash it does not restart); reported by `isHealthy`. */
  failed = false;

  private constructor(
    private readonly consumer: Consumer,
    private readonly ctx: HandlerRetryContext,
    private readonly settings: KafkaSubscriptionSettings,
    private readonly onStopped: (subscription: KafkaSubscription) => void,
  ) {}

  static async start(
    kafka: Kafka,
    ctx: HandlerRetryContext,
    settings: KafkaSubscriptionSettings,
    onStopped: (subscription: KafkaSubscription) => void,
  ): Promise<KafkaSubscription> {
    const consumer = kafka.consumer({
      groupId: kafkaConsumerGroupId(ctx.groupId, ctx.topic),
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      maxWaitTimeInMs: settings.maxWaitTimeMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      allowAutoTopicCreation: false,
    });
    const subscription = new KafkaSubscription(consumer, ctx, settings, onStopped);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) subscription.failed = true;
      ctx.logger.error(
        payload.restart ? 'kafka consumer crashed; kafkajs restarts it' : 'kafka consumer crashed for good',
        {
          topic: ctx.topic,
          groupId: ctx.groupId,
          ...describeError(payload.error),
        },
      );
    });
    try {
      await consumer.connect();
      // fromBeginning only applies if the group's committed offset vanished
      // (offsets.retention.minutes): replaying is safe, skipping is not.
      await consumer.subscribe({ topics: [ctx.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => subscription.onBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw toEventBusError(error, 'subscribe', ctx.topic);
    }
    return subscription;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      try {
        // Waits for the running eachBatch (handler + commit), then leaves the group.
        await this.consumer.disconnect();
      } catch (error) {
        this.ctx.logger.warn('kafka consumer did not disconnect cleanly', {
          topic: this.ctx.topic,
          groupId: this.ctx.groupId,
          ...describeError(error),
        });
      }
      this.onStopped(this);
    })();
    return this.stopping;
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic } = this.ctx;
    const messages: LogMessage[] = batch.messages.map((m) => toLogMessage(topic, m));
    const signal = this.abort.signal;
    for (let start = 0; start < messages.length; start += this.settings.maxBatchSize) {
      if (signal.aborted || !isRunning() || isStale()) return;
      const slice = messages.slice(start, start + this.settings.maxBatchSize);
      // kafkajs only heartbeats when asked; keep the membership alive during a slow handler.
      const beat = setInterval(() => void heartbeat().catch(() => undefined), this.settings.heartbeatIntervalMs);
      let handled: boolean;
      try {
        handled = await handleWithRetry(this.ctx, slice, signal, heartbeat);
      } finally {
        clearInterval(beat);
      }
      // Not handled: stopping while the handler failed. Nothing is committed; the slice is redelivered.
      if (!handled) return;
      const last = slice[slice.length - 1].offset;
      resolveOffset(String(last));
      await commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition: batch.partition, offset: String(last + 1) }] }],
      });
      await heartbeat();
    }
  }
}
