import type { ServerResponse } from 'node:http';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ROLES, Roles, ZodParams, ZodQuery } from '@accord/service-kit';
import {
  datasetPathSchema,
  trailQuerySchema,
  usageQuerySchema,
  type DatasetPath,
  type TrailQuery,
  type UsageQuery,
} from './provenance.dto';
import { ProvenanceService, type ProvenancePage, type UsagePage } from './provenance.service';

/** A dataset's provenance trail with the ledger's proofs, and who used it (any authenticated role). */
@ApiTags('provenance')
@Controller('v1/datasets')
@Roles(...ROLES)
export class ProvenanceController {
  constructor(private readonly provenance: ProvenanceService) {}

  @Get(':owner/:name/provenance')
  @ApiOperation({
    summary:
      'Every entry of the dataset trail in chain order, each with the tx proof of the ledger (?kind=&requester=&grant=&limit=&cursor=&proofs=)',
  })
  @ApiNotFoundResponse({ description: 'dataset_not_found' })
  @ApiServiceUnavailableResponse({
    description: 'ledger_unavailable: the ledger did not answer a proof (retry, or ?proofs=false)',
  })
  async trail(
    @ZodParams(datasetPathSchema) path: DatasetPath,
    @ZodQuery(trailQuerySchema) query: TrailQuery,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<ProvenancePage> {
    const page = await this.provenance.trail(path, query);
    if (page.next !== null) {
      const params = new URLSearchParams();
      if (query.kind !== undefined) params.set('kind', query.kind.join(','));
      if (query.requester !== undefined) params.set('requester', query.requester);
      if (query.grant !== undefined) params.set('grant', query.grant);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.proofs === false) params.set('proofs', 'false');
      params.set('cursor', page.next);
      res.setHeader('Link', `<${datasetPath(path)}/provenance?${params.toString()}>; rel="next"`);
    }
    return page;
  }

  @Get(':owner/:name/usage')
  @ApiOperation({
    summary:
      'Uses of the dataset per grant: requester, purpose, accesses, bytes, first and last use (?requester=&limit=&cursor=)',
  })
  @ApiNotFoundResponse({ description: 'dataset_not_found' })
  async usage(
    @ZodParams(datasetPathSchema) path: DatasetPath,
    @ZodQuery(usageQuerySchema) query: UsageQuery,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<UsagePage> {
    const page = await this.provenance.usage(path, query);
    if (page.next !== null) {
      const params = new URLSearchParams();
      if (query.requester !== undefined) params.set('requester', query.requester);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      params.set('cursor', page.next);
      res.setHeader('Link', `<${datasetPath(path)}/usage?${params.toString()}>; rel="next"`);
    }
    return page;
  }
}

function datasetPath({ owner, name }: DatasetPath): string {
  return `/v1/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
