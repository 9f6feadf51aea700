import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceLogger } from '@accord/service-kit';
import type { ContractsConfig } from '../contracts.config';
import { RulesApplier } from './rules-applier.service';
import { StatePublisher } from './state-publisher.service';

/**
 * Announces what is applied but not yet published (state attestations,
 * decision events): right after each applied batch, and every poll interval
 * while something is pending, so a broker outage only delays it. One round
 * at a time.
 */
@Injectable()
export class StatePublicationService implements OnApplicationBootstrap, OnModuleDestroy {
  private round: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: ServiceLogger;

  constructor(
    private readonly applier: RulesApplier,
    private readonly publisher: StatePublisher,
    @Inject(SERVICE_CONFIG) private readonly config: ContractsConfig,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('state-publication');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.pending()) void this.publishPending();
    }, this.config.pollIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** Publishes every channel's unpublished heights; failures are logged and retried on the next round. */
  publishPending(): Promise<void> {
    this.round ??= this.publishAll().finally(() => (this.round = undefined));
    return this.round;
  }

  private pending(): boolean {
    return this.applier.channels().some(({ head }) => head.publishedHeight < head.height);
  }

  private async publishAll(): Promise<void> {
    for (const { head } of this.applier.channels()) {
      if (head.publishedHeight >= head.height) continue;
      try {
        const published = await this.publisher.publish(head.channel, head.publishedHeight + 1, head.height);
        this.applier.markPublished(head.channel, published);
      } catch (error) {
        this.log.pino.warn(
          { err: error, channel: head.channel },
          'publishing state attestations / decision events failed; will retry',
        );
        return;
      }
    }
  }
}
