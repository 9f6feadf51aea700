import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiInternalServerErrorResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiTokenAdminService,
  apiTokenListSchema,
  apiTokenNameParamsSchema,
  createApiTokenRequestSchema,
  createdApiTokenSchema,
  openApiSchema,
  Principal,
  revokedApiTokenSchema,
  Roles,
  ZodBody,
  ZodParams,
  type ApiTokenList,
  type CreateApiTokenRequest,
  type CreatedApiToken,
  type RevokedApiToken,
} from '@accord/service-kit';
import type { z } from 'zod';

const STORE_ERRORS =
  'token_store_read_only: the tokens come from ACCORD_API_TOKENS (set ACCORD_API_TOKENS_FILE to administer them here)';

/**
 * The department's API tokens (system administrators). The ledger mounts
 * the service kit's token administration; every service of the department
 * reads the same token store, so a change here counts in all of them within
 * about a second.
 */
@ApiTags('admin')
@Controller('v1/admin/tokens')
@Roles('sysadmin')
@ApiInternalServerErrorResponse({
  description:
    'token_store_invalid: the token store file is missing or invalid (fix it; the last valid tokens stay in force)',
})
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokenAdminService) {}

  @Get()
  @ApiOperation({ summary: "List the department's API tokens: names, roles, creation (never secrets or hashes)" })
  @ApiOkResponse({ description: 'The tokens', schema: openApiSchema(apiTokenListSchema) })
  list(): Promise<ApiTokenList> {
    return this.tokens.list();
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API token; its secret is in this answer only (only its hash is stored)' })
  @ApiCreatedResponse({ description: 'The new token and its secret', schema: openApiSchema(createdApiTokenSchema) })
  @ApiConflictResponse({ description: `token_exists, or ${STORE_ERRORS}` })
  create(
    @ZodBody(createApiTokenRequestSchema) body: CreateApiTokenRequest,
    @Principal() caller: Principal,
  ): Promise<CreatedApiToken> {
    return this.tokens.create(body, caller);
  }

  @Delete(':name')
  @ApiOperation({ summary: 'Revoke an API token: every service of the department refuses it within about a second' })
  @ApiParam({ name: 'name', required: true, schema: openApiSchema(apiTokenNameParamsSchema.shape.name) })
  @ApiOkResponse({ description: 'Revoked', schema: openApiSchema(revokedApiTokenSchema) })
  @ApiNotFoundResponse({ description: 'token_not_found' })
  @ApiConflictResponse({
    description: `last_sysadmin_token (create another sysadmin token first), or ${STORE_ERRORS}`,
  })
  revoke(
    @ZodParams(apiTokenNameParamsSchema) { name }: z.output<typeof apiTokenNameParamsSchema>,
    @Principal() caller: Principal,
  ): Promise<RevokedApiToken> {
    return this.tokens.revoke(name, caller);
  }
}
