import { Inject, Injectable } from '@nestjs/common';
import type { LogMessage } from '@accord/event-bus';
import { BLOCK_COMMITTED } from '@accord/events';
import { EventSubscriptionRegistry, SERVICE_CONFIG, type EventCheckpoints } from '@accord/service-kit';
import type { ContractsConfig } from '../contracts.config';
import { BLOCKS_CONSUMER, RulesApplier } from './rules-applier.service';

/**
 * The contracts service's subscription to accord.dept.<department>.blocks.
 * Records are delivered raw: the block applier itself judges a record that
 * does not verify (it halts the channel it names, docs/contracts.md), so
 * nothing is parked for its form. The checkpoint is the applier's, stored
 * with the rule state; reading it reloads the whole state, which is what a
 * failed batch needs before it is tried again.
 */
@Injectable()
export class BlocksSubscription implements EventCheckpoints {
  constructor(
    private readonly applier: RulesApplier,
    @Inject(SERVICE_CONFIG) config: ContractsConfig,
    subscriptions: EventSubscriptionRegistry,
  ) {
    subscriptions.register<LogMessage>({
      pattern: BLOCK_COMMITTED,
      consumer: BLOCKS_CONSUMER,
      topics: async () => [applier.topic],
      parse: (message) => message,
      checkpoints: this,
      maxBatch: config.batchSize,
      timings: { idleMs: config.pollIntervalMs },
    });
  }

  async next(): Promise<number> {
    await this.applier.load();
    return this.applier.nextOffset;
  }

  async skipTo(_topic: string, next: number): Promise<void> {
    await this.applier.skipTo(next);
  }
}
