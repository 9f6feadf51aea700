import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { memberIdSchema } from '@accord/protocol';
import { datasetNameSchema } from '@accord/rules';
import { ROLES, Roles, ZodParams } from '@accord/service-kit';
import { z } from 'zod';
import { SEARCH_PARAMETER_DOCS, SEARCH_PARAMETERS } from './search-query.dto';
import { SearchService, type SearchResult } from './search.service';

const entryParamsSchema = z.object({ owner: memberIdSchema, name: datasetNameSchema });

/** Documents every query parameter of GET /v1/datasets (parsed by parseSearchQuery, not a zod pipe, so unknown ones are named). */
function SearchQueryDocs(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const name of SEARCH_PARAMETERS)
      ApiQuery({ name, required: false, type: String, description: SEARCH_PARAMETER_DOCS[name] })(
        target,
        key,
        descriptor,
      );
  };
}

/** Search and dataset entries of the catalog (any authenticated role). Thin: the rest is in SearchService. */
@ApiTags('search')
@Controller('v1/datasets')
@Roles(...ROLES)
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOperation({
    summary:
      'Search the datasets of the followed channels: full text with highlights, filters, facets with counts, keyset pages (Link rel="next"), and this department\'s standing on each hit',
  })
  @SearchQueryDocs()
  @ApiBadRequestResponse({
    description:
      'unsupported_filter (an unknown query parameter, named in details.parameters), cursor_invalid, or validation_failed (a bad value; details.issues)',
  })
  async find(
    @Query() raw: Record<string, unknown>,
    @Req() request: { readonly originalUrl: string },
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): unknown },
  ): Promise<SearchResult> {
    const result = await this.search.find(raw);
    if (result.next !== null) response.setHeader('Link', `<${nextUrl(request.originalUrl, result.next)}>; rel="next"`);
    return result;
  }

  @Get(':owner/:name')
  @ApiOperation({
    summary: "A dataset entry: metadata, policy, terms, versions, open quality reports, this department's standing",
  })
  @ApiNotFoundResponse({ description: 'dataset_not_found' })
  entry(@ZodParams(entryParamsSchema) { owner, name }: z.output<typeof entryParamsSchema>) {
    return this.search.entry(owner, name);
  }
}

/** The request's own path and query with `cursor` replaced: a relative reference (RFC 8288 allows it). */
export function nextUrl(originalUrl: string, cursor: string): string {
  const url = new URL(originalUrl, 'http://x');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}
