import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@accord/service-kit';
import type { CatalogConfig } from '../catalog.config';
import { buildDcatCatalog } from './dcat-catalog.builder';
import { ChannelNotFoundError } from '@accord/service-kit';
import { toDcatDatasetSource } from './export.mapper';
import { ExportRepository } from './export.repository';
import type { JsonLdNode } from './odrl-policy.jsonld';

/** The DCAT-AP 3 export of a followed channel's datasets. */
@Injectable()
export class CatalogExportService {
  constructor(
    private readonly repository: ExportRepository,
    @Inject(SERVICE_CONFIG) private readonly config: CatalogConfig,
  ) {}

  async catalog(channel: string, status: 'active' | 'all'): Promise<JsonLdNode> {
    const followed = await this.repository.channel(channel);
    if (followed === null) throw new ChannelNotFoundError(channel);
    const rows = await this.repository.datasets(channel, status === 'all');
    return buildDcatCatalog({
      department: this.config.department,
      channel,
      blockTime: followed.blockTime,
      datasets: rows.map(toDcatDatasetSource),
    });
  }
}
