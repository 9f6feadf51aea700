import { describeError } from '../event-bus.logger';
import type { Subscription } from '../event-bus.port';
import { handleWithRetry, retryDelayMs, sleepUnlessAborted, type HandlerRetryContext } from '../handler-retry.policy';
import type { TopicLog } from './topic-log.store';

/**
 * One consumer of a (topic, group) in the embedded bus. Like a Kafka consumer
 * of a one-partition topic, only one subscription per (topic, group) is active
 * at a time; later ones wait on standby and take over (from the committed
 * offset) when it stops. It waits for appends through the log's listener, never
 * by polling.
 */
export class EmbeddedSubscription implements Subscription {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly log: TopicLog,
    private readonly ctx: HandlerRetryContext,
    private readonly maxBatchSize: number,
    private readonly onStopped: (subscription: EmbeddedSubscription) => void,
  ) {}

  get active(): boolean {
    return this.loop !== undefined;
  }

  activate(): void {
    if (this.loop === undefined && !this.abort.signal.aborted) this.loop = this.run();
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.abort.abort();
      this.wake?.();
      await this.loop;
      this.onStopped(this);
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.consume(signal);
        return;
      } catch (error) {
        // E.g. a corrupt record: keep reporting it rather than silently stopping the consumer.
        const delayMs = retryDelayMs(failures++, this.ctx.retryInitialMs, this.ctx.retryMaxMs);
        this.ctx.logger.error('embedded subscription failed; retrying', {
          topic: this.ctx.topic,
          groupId: this.ctx.groupId,
          retryInMs: delayMs,
          ...describeError(error),
        });
        await sleepUnlessAborted(delayMs, signal);
      }
    }
  }

  private async consume(signal: AbortSignal): Promise<void> {
    const { topic, groupId } = this.ctx;
    let position = (await this.log.offsets.load(groupId)) ?? 0;
    if (position > this.log.endOffset) {
      this.ctx.logger.error('committed offset is beyond the end of the log; resuming at the end', {
        topic,
        groupId,
        committed: position,
        endOffset: this.log.endOffset,
      });
      position = this.log.endOffset;
    }
    while (!signal.aborted) {
      if (position >= this.log.endOffset) {
        await this.waitForAppend(position);
        continue;
      }
      const batch = await this.log.read(position, this.maxBatchSize);
      if (!(await handleWithRetry(this.ctx, batch, signal))) return;
      const next = batch[batch.length - 1].offset + 1;
      await this.commit(next, signal);
      position = next;
    }
  }

  /** Commits, retrying on I/O errors; if stopping meanwhile, gives up (the batch is redelivered later). */
  private async commit(nextOffset: number, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.log.offsets.commit(this.ctx.groupId, nextOffset);
        return;
      } catch (error) {
        this.ctx.logger.error('committing the consumer offset failed', {
          topic: this.ctx.topic,
          groupId: this.ctx.groupId,
          nextOffset,
          ...describeError(error),
        });
        if (signal.aborted) return;
        await sleepUnlessAborted(retryDelayMs(attempt, this.ctx.retryInitialMs, this.ctx.retryMaxMs), signal);
      }
    }
  }

  private waitForAppend(position: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        unsubscribe();
        this.wake = undefined;
        resolve();
      };
      const unsubscribe = this.log.onAppend(() => {
        if (this.log.endOffset > position) done();
      });
      this.wake = done;
      if (this.log.endOffset > position || this.abort.signal.aborted) done();
    });
  }
}
