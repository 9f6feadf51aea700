import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { LogMessage } from '@accord/event-bus';
import { BLOCK_COMMITTED } from '@accord/events';
import type { EventBatch } from '@accord/service-kit';
import { RulesApplier } from './rules-applier.service';
import { StatePublicationService } from './state-publication.service';

/** This department's committed blocks, delivered by the event transport: applied in one transaction, then announced. */
@Controller()
export class BlocksEventsController {
  constructor(
    private readonly applier: RulesApplier,
    private readonly publication: StatePublicationService,
  ) {}

  @EventPattern(BLOCK_COMMITTED)
  async apply(@Payload() batch: EventBatch<LogMessage>): Promise<void> {
    await this.applier.applyBatch(batch.events.map((e) => e.event));
    // Announcing is not part of applying: a failure is retried by the publication service, not by redelivery.
    await this.publication.publishPending();
  }
}
