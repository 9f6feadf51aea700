import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Roles, ZodParams } from '@accord/service-kit';
import { channelPathSchema, type ChannelPath } from '../export/export.dto';
import { DirectoryVerificationService, type DirectoryVerification } from './directory-verification.service';

/** The directory checked against the chain (operations or data administrators). */
@ApiTags('verification')
@Controller('v1')
export class VerificationController {
  constructor(private readonly verification: DirectoryVerificationService) {}

  @Post('channels/:channel/verify')
  @HttpCode(200)
  @Roles('operations', 'dataadmin')
  @ApiOperation({
    summary:
      "Compare every stored dataset version of a channel with the committed tx it names in this department's ledger; lists the columns that differ",
  })
  @ApiOkResponse({
    description:
      '{ok, channel, datasets, versions, code: null | catalog_row_mismatch, mismatches: [{dataset, version, field, stored, anchored, txId}]}',
  })
  @ApiServiceUnavailableResponse({ description: 'ledger_unavailable: no ledger API configured, or it did not answer' })
  verify(@ZodParams(channelPathSchema) { channel }: ChannelPath): Promise<DirectoryVerification> {
    return this.verification.verify(channel);
  }
}
