import { Controller, Get, Header } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ROLES, Roles, ZodParams, ZodQuery } from '@accord/service-kit';
import { catalogQuerySchema, channelPathSchema, type CatalogQuery, type ChannelPath } from './export.dto';
import { CatalogExportService } from './export.service';
import type { JsonLdNode } from './odrl-policy.jsonld';

/** The channel's catalog as DCAT-AP 3 JSON-LD (any authenticated role). */
@ApiTags('export')
@Controller('v1/channels')
@Roles(...ROLES)
export class CatalogExportController {
  constructor(private readonly exports: CatalogExportService) {}

  @Get(':channel/catalog.jsonld')
  @Header('Content-Type', 'application/ld+json; charset=utf-8')
  @ApiProduces('application/ld+json')
  @ApiOperation({
    summary: "The channel's datasets as a DCAT-AP 3 catalog in JSON-LD with an inline context (?status=active|all)",
  })
  @ApiNotFoundResponse({ description: 'channel_not_found: the catalog does not follow this channel' })
  catalog(
    @ZodParams(channelPathSchema) { channel }: ChannelPath,
    @ZodQuery(catalogQuerySchema) query: CatalogQuery,
  ): Promise<JsonLdNode> {
    return this.exports.catalog(channel, query.status ?? 'active');
  }
}
