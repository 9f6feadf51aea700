import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { openApiSchema, RawJsonBody, ROLES, Roles, ZodParams } from '@accord/service-kit';
import type { z } from 'zod';
import { ChannelCreationService, type ChannelCreated } from './channel-creation.service';
import { ChannelRegistry, type ChannelView } from './channel-registry.service';
import {
  channelCreatedSchema,
  channelListSchema,
  channelViewSchema,
  createChannelBodySchema,
  followParamsSchema,
} from './channels.dto';

/** Thin HTTP edge of following and creating channels. */
@ApiTags('channels')
@Controller('v1/channels')
export class ChannelsController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly creation: ChannelCreationService,
  ) {}

  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: 'Channels this ledger follows, with head and runner state (any authenticated role)' })
  @ApiOkResponse({ schema: openApiSchema(channelListSchema) })
  async list(): Promise<{ channels: ChannelView[] }> {
    return { channels: await this.registry.list() };
  }

  @Post()
  @HttpCode(202)
  @Roles('sysadmin')
  @ApiOperation({ summary: 'Create a channel from a signed channel.genesis envelope and follow it (sysadmin)' })
  @ApiBody({ schema: openApiSchema(createChannelBodySchema) })
  @ApiAcceptedResponse({
    description: 'Genesis published; block 0 follows',
    schema: openApiSchema(channelCreatedSchema),
  })
  @ApiBadRequestResponse({
    description:
      'genesis_invalid (details.reason: what is wrong: form, payload, signer, owner, policy bounds, signature, or json.* when the body is not strict JSON)',
  })
  @ApiConflictResponse({ description: "channel_already_exists: the channel's log already holds records" })
  @ApiServiceUnavailableResponse({
    description:
      'dependency_unavailable (details.dependency: database or bus; Retry-After header): retry later or on another replica',
  })
  async create(@RawJsonBody() body: Uint8Array | undefined): Promise<ChannelCreated> {
    return this.creation.create(body);
  }

  @Post(':channel/follow')
  @HttpCode(200)
  @Roles('sysadmin')
  @ApiOperation({ summary: 'Follow an existing channel: build its blocks from the log (sysadmin)' })
  @ApiOkResponse({ schema: openApiSchema(channelViewSchema) })
  async follow(@ZodParams(followParamsSchema) params: z.output<typeof followParamsSchema>): Promise<ChannelView> {
    return this.registry.follow(params.channel, 'api');
  }
}
