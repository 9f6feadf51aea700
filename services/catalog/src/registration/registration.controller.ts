import { Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Roles, ZodBody, ZodParams } from '@accord/service-kit';
import type { z } from 'zod';
import { channelParamsSchema, datasetParamsSchema, type DatasetParams } from '../signing/action.dto';
import {
  deprecateBodySchema,
  registerBodySchema,
  updateBodySchema,
  type DeprecateBody,
  type RegisterBody,
  type UpdateBody,
} from './registration.dto';
import { RegistrationService, type SubmittedDatasetTx } from './registration.service';

/**
 * The provider's dataset txs, signed as the department and submitted to
 * the channel (202: accepted for ordering; the block decides). Every check
 * that fails answers before anything is signed. A tx the ledger's submission
 * API would refuse is refused alike: 400 envelope_invalid (details.reason).
 */
@ApiTags('registration')
@Controller('v1')
@Roles('provider')
@ApiAcceptedResponse({
  description:
    'Signed and submitted: {txId, status: pending, statusUrl (on the ledger API), channel, type, dataset, envelope}',
})
@ApiServiceUnavailableResponse({
  description:
    'dependency_unavailable (details.dependency: bus; Retry-After header): the tx could not be submitted now',
})
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post('channels/:channel/datasets')
  @HttpCode(202)
  @ApiOperation({ summary: 'Register a dataset of this department on a channel (dataset.register, version 1)' })
  @ApiBadRequestResponse({
    description:
      'validation_failed (every issue, details.issues), invalid_policy (the ODRL issues, details.issues) or envelope_invalid',
  })
  @ApiNotFoundResponse({ description: 'channel_not_found' })
  @ApiConflictResponse({ description: 'dataset_exists, or not_channel_member' })
  register(
    @ZodParams(channelParamsSchema) { channel }: z.output<typeof channelParamsSchema>,
    @ZodBody(registerBodySchema) body: RegisterBody,
  ): Promise<SubmittedDatasetTx> {
    return this.registration.register(channel, body);
  }

  @Post('datasets/:owner/:name/versions')
  @HttpCode(202)
  @ApiOperation({ summary: "Register the next version of one of this department's datasets (dataset.update)" })
  @ApiBadRequestResponse({ description: 'validation_failed, invalid_policy or envelope_invalid' })
  @ApiForbiddenResponse({ description: 'not_owner: the dataset belongs to another department' })
  @ApiNotFoundResponse({ description: 'dataset_not_found, or channel_not_found' })
  @ApiConflictResponse({ description: 'version_not_next, dataset_deprecated, or not_channel_member' })
  update(
    @ZodParams(datasetParamsSchema) { owner, name }: DatasetParams,
    @ZodBody(updateBodySchema) body: UpdateBody,
  ): Promise<SubmittedDatasetTx> {
    return this.registration.update(owner, name, body);
  }

  @Post('datasets/:owner/:name/deprecate')
  @HttpCode(202)
  @ApiOperation({ summary: "Deprecate one of this department's datasets (dataset.deprecate): no new requests" })
  @ApiBadRequestResponse({ description: 'validation_failed or envelope_invalid' })
  @ApiForbiddenResponse({ description: 'not_owner: the dataset belongs to another department' })
  @ApiNotFoundResponse({ description: 'dataset_not_found, or channel_not_found' })
  @ApiConflictResponse({ description: 'dataset_deprecated (already), or not_channel_member' })
  deprecate(
    @ZodParams(datasetParamsSchema) { owner, name }: DatasetParams,
    @ZodBody(deprecateBodySchema) body: DeprecateBody,
  ): Promise<SubmittedDatasetTx> {
    return this.registration.deprecate(owner, name, body);
  }
}
