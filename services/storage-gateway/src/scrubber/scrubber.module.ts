import { Module } from '@nestjs/common';
import { ObjectScrubber } from './object-scrubber';
import { ScrubRunner } from './scrub-run';
import { ScrubRepository } from './scrub.repository';
import { ScrubberController } from './scrubber.controller';
import { ScrubberGauges } from './scrubber.metrics';
import { SCRUB_PACING, ScrubberService } from './scrubber.service';
import { realPacing } from './token-bucket';

/** The integrity scrubber (docs/storage-gateway-scrubber.md): scheduled and on-demand re-reads of every stored object. */
@Module({
  controllers: [ScrubberController],
  providers: [
    ScrubRepository,
    ObjectScrubber,
    ScrubRunner,
    ScrubberGauges,
    ScrubberService,
    { provide: SCRUB_PACING, useValue: realPacing },
  ],
})
export class ScrubberModule {}
