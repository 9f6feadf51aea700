import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Attestation } from '@accord/protocol';
import type { EventBatch } from '@accord/service-kit';
import { AttestationCollectorService, ATTESTATIONS } from './attestation-collector.service';

/** Attestations from every followed channel's topic, delivered by the event transport. */
@Controller()
export class AttestationEventsController {
  constructor(private readonly collector: AttestationCollectorService) {}

  @EventPattern(ATTESTATIONS)
  collect(@Payload() batch: EventBatch<Attestation>): Promise<void> {
    return this.collector.collect(batch);
  }
}
