import { Module } from '@nestjs/common';
import { CatalogLedgerModule } from '../ledger/catalog-ledger.provider';
import { BlocksProjection } from './blocks.projection';
import { CatalogChannelRepository } from './catalog-channel.repository';
import { DatasetRowsWriter } from './dataset-rows.writer';
import { DecisionsProjection } from './decisions.projection';
import { ProjectionEventsController } from './projection-events.controller';
import { ProjectionMetrics } from './projection.metrics';
import { ProvenanceWriter } from './provenance.writer';
import { QualityProjector } from './quality.projector';
import { RequestRowsWriter } from './request-rows.writer';

/** The directory projection: committed blocks and the contracts' decisions into the catalog's tables. */
@Module({
  imports: [CatalogLedgerModule],
  controllers: [ProjectionEventsController],
  providers: [
    CatalogChannelRepository,
    ProvenanceWriter,
    QualityProjector,
    DatasetRowsWriter,
    RequestRowsWriter,
    ProjectionMetrics,
    BlocksProjection,
    DecisionsProjection,
  ],
  exports: [CatalogChannelRepository],
})
export class ProjectionModule {}
