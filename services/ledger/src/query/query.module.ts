import { Module } from '@nestjs/common';
import { ChainQueryService } from './chain-query.service';
import { LedgerReadModule } from './ledger-read.module';
import { QueryController } from './query.controller';

/** Heads, blocks, txs, proofs, members and governance of the stored chain. */
@Module({
  imports: [LedgerReadModule],
  providers: [ChainQueryService],
  controllers: [QueryController],
  exports: [ChainQueryService],
})
export class QueryModule {}
