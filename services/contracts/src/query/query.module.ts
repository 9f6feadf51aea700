import { Module } from '@nestjs/common';
import { PipelineModule } from '../pipeline/pipeline.module';
import { ContractsQueryController } from './contracts-query.controller';
import { ContractsQueryService } from './contracts-query.service';

/** Reads of the rule state, receipts and digests, and the dry-run evaluate. */
@Module({
  imports: [PipelineModule],
  controllers: [ContractsQueryController],
  providers: [ContractsQueryService],
})
export class QueryModule {}
