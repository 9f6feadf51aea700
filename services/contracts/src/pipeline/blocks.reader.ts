import type { EventBus } from '@accord/event-bus';
import type { Logger } from 'pino';
import type { ContractsPipelineMetrics } from './contracts-pipeline.metrics';
import type { RulesApplier } from './rules-applier.service';
import type { StatePublisher } from './state-publisher.service';

export interface BlocksReaderOptions {
  /** Idle wait when the topic has nothing new. */
  readonly pollIntervalMs: number;
  /** Records per batch (one database transaction). */
  readonly batchSize: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * The consumer loop of accord.dept.<department>.blocks: reads from the
 * checkpoint stored with the rule state (group-less reads, so a fresh
 * database replays from the first record), applies each batch, then
 * announces what is applied but not yet published. A failed batch is
 * retried with backoff after reloading the state from the database;
 * publication failures are retried without holding up applying.
 */
export class BlocksReader {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loaded = false;

  constructor(
    private readonly bus: EventBus,
    private readonly applier: RulesApplier,
    private readonly publisher: StatePublisher,
    private readonly log: Logger,
    private readonly options: BlocksReaderOptions,
    private readonly metrics?: ContractsPipelineMetrics,
  ) {}

  /** True once the state was loaded and the last batch did not fail. */
  get ready(): boolean {
    return this.loaded;
  }

  start(): void {
    this.stopping = false;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    const initial = this.options.retryInitialMs ?? 100;
    const max = this.options.retryMaxMs ?? 5000;
    let backoff = initial;
    while (!this.stopping) {
      try {
        if (!this.loaded) {
          await this.bus.ensureTopic(this.applier.topic);
          await this.applier.load();
          this.loaded = true;
        }
        await this.publishPending();
        const messages = await this.bus.read(this.applier.topic, this.applier.nextOffset, this.options.batchSize);
        if (messages.length === 0) {
          await this.sleep(this.options.pollIntervalMs);
          continue;
        }
        await this.applier.applyBatch(messages);
        backoff = initial;
      } catch (error) {
        if (this.stopping) break;
        this.loaded = false;
        this.metrics?.readerErrors.add(1);
        this.log.warn(
          { err: error, topic: this.applier.topic, retryInMs: backoff },
          'applying blocks failed; reloading the rule state and retrying',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, max);
      }
    }
    // What was applied before a stop goes out now if it can; a restart republishes the rest.
    await this.publishPending().catch(() => undefined);
  }

  private async publishPending(): Promise<void> {
    for (const { head } of this.applier.channels()) {
      if (head.publishedHeight >= head.height) continue;
      try {
        const published = await this.publisher.publish(head.channel, head.publishedHeight + 1, head.height);
        this.applier.markPublished(head.channel, published);
      } catch (error) {
        this.log.warn(
          { err: error, channel: head.channel },
          'publishing state attestations / decision events failed; will retry',
        );
        return;
      }
    }
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
