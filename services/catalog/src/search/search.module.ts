import { Module } from '@nestjs/common';
import { DatasetEntryRepository } from './dataset-entry.repository';
import { DirectoryIndexLoader } from './index/directory-index.loader';
import { SearchController } from './search.controller';
import { SearchRepository } from './search.repository';
import { SearchService } from './search.service';

/** GET /v1/datasets (search) and GET /v1/datasets/:owner/:name (entry) over the projected tables. */
@Module({
  controllers: [SearchController],
  providers: [SearchRepository, DatasetEntryRepository, DirectoryIndexLoader, SearchService],
  exports: [SearchService],
})
export class SearchModule {}
