import { Module } from '@nestjs/common';
import { CatalogExportController } from './export.controller';
import { ExportRepository } from './export.repository';
import { CatalogExportService } from './export.service';

/** GET /v1/channels/:channel/catalog.jsonld: the DCAT-AP 3 export. */
@Module({
  controllers: [CatalogExportController],
  providers: [ExportRepository, CatalogExportService],
})
export class CatalogExportModule {}
