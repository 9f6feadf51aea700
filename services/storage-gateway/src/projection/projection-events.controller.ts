import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BLOCK_COMMITTED, DECISION_EVENT_TYPE, type BlockCommittedEvent, type DecisionEvent } from '@accord/events';
import type { EventBatch } from '@accord/service-kit';
import { GatewayBlocksProjection } from './gateway-blocks.projection';
import { GatewayDecisionsProjection } from './gateway-decisions.projection';

/** This department's committed blocks and the contracts' decisions, delivered by the event transport. */
@Controller()
export class ProjectionEventsController {
  constructor(
    private readonly blocks: GatewayBlocksProjection,
    private readonly decisions: GatewayDecisionsProjection,
  ) {}

  @EventPattern(BLOCK_COMMITTED)
  projectBlocks(@Payload() batch: EventBatch<BlockCommittedEvent>): Promise<void> {
    return this.blocks.project(batch);
  }

  @EventPattern(DECISION_EVENT_TYPE)
  applyDecisions(@Payload() batch: EventBatch<DecisionEvent>): Promise<void> {
    return this.decisions.project(batch);
  }
}
