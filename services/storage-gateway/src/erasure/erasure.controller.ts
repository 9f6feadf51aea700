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
import { Roles, ZodBody } from '@accord/service-kit';
import { erasureBodySchema, type ErasureBody } from './erasure.dto';
import { ErasureService, type ErasureAnswer } from './erasure.service';

/** Erasure by key destruction: the owner's data administrator erases an object or a strong-mode record. */
@ApiTags('erasure')
@Controller('v1/erasures')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post()
  @HttpCode(202)
  @Roles('dataadmin')
  @ApiOperation({
    summary:
      'Erase an anchored object or a strong-mode record of ours: destroy every copy of its data key held here, publish storage.erase, remove the stored ciphertext',
  })
  @ApiAcceptedResponse({
    description:
      '{txId (the storage.erase tx), status: pending, statusUrl, channel, dataset, target, tx, keysDestroyed, objectsRemoved}',
  })
  @ApiBadRequestResponse({ description: 'validation_failed' })
  @ApiForbiddenResponse({ description: 'not_owner: the object or record is another department’s' })
  @ApiNotFoundResponse({ description: 'object_not_found (no such anchor on the channel), record_not_found' })
  @ApiConflictResponse({ description: 'already_erased (or being erased)' })
  @ApiServiceUnavailableResponse({
    description:
      'dependency_unavailable: the keys are destroyed but the tx could not be published now; repeat the call',
  })
  erase(@ZodBody(erasureBodySchema) body: ErasureBody): Promise<ErasureAnswer> {
    return this.erasure.erase(body);
  }
}
