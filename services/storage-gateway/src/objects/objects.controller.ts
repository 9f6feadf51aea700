import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPartialContentResponse,
  ApiRequestedRangeNotSatisfiableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles, ZodParams, ZodQuery } from '@accord/service-kit';
import {
  objectParamsSchema,
  objectsQuerySchema,
  type ObjectParams,
  type ObjectsQuery,
  type ObjectView,
} from './objects.dto';
import { ObjectsService } from './objects.service';

/** The objects this gateway holds (own uploads and verified copies) and their plaintext. */
@ApiTags('objects')
@Controller('v1/objects')
export class ObjectsController {
  constructor(private readonly objects: ObjectsService) {}

  @Get()
  @Roles('provider', 'user', 'dataadmin', 'operations')
  @ApiOperation({
    summary: 'Objects held here, newest first (?channel=&dataset=&status=uploading|anchoring|available|erased)',
  })
  @ApiOkResponse({
    description: '{objects: [{objectId, origin, channel, dataset, version, mediaType, sizeBytes, status, ...}]}',
  })
  async list(@ZodQuery(objectsQuerySchema) query: ObjectsQuery): Promise<{ readonly objects: ObjectView[] }> {
    return { objects: await this.objects.list(query) };
  }

  @Get(':id')
  @Roles('provider', 'user', 'dataadmin', 'operations')
  @ApiOperation({ summary: 'One object: its dataset version, size, status, digest and anchor' })
  @ApiNotFoundResponse({ description: 'object_not_found' })
  get(@ZodParams(objectParamsSchema) { id }: ObjectParams): Promise<ObjectView> {
    return this.objects.get(id);
  }

  @Get(':id/content')
  @Roles('provider', 'user')
  @ApiOperation({ summary: "An available object's plaintext, whole or one byte range (Range: bytes=a-b)" })
  @ApiHeader({ name: 'Range', required: false, description: 'One range: bytes=a-b, bytes=a- or bytes=-n' })
  @ApiOkResponse({ description: 'The plaintext; ETag "sha256:<hex>", Accept-Ranges: bytes' })
  @ApiPartialContentResponse({ description: 'The range asked for, with Content-Range' })
  @ApiNotFoundResponse({ description: 'object_not_found' })
  @ApiConflictResponse({ description: 'object_not_available: uploading, or its anchor is not committed yet' })
  @ApiGoneResponse({ description: 'content_erased' })
  @ApiRequestedRangeNotSatisfiableResponse({ description: 'range_not_satisfiable (Content-Range: bytes */size)' })
  content(
    @ZodParams(objectParamsSchema) { id }: ObjectParams,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ): Promise<void> {
    return this.objects.sendContent(res, id, req.headers.range);
  }
}
