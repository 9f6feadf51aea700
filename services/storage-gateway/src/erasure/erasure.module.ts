import { Module } from '@nestjs/common';
import { ErasedObjectRemover } from './erased-object.remover';
import { ErasureCleanup } from './erasure.cleanup';
import { ErasureController } from './erasure.controller';
import { ErasureMetrics } from './erasure.metrics';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';

/** Erasure by key destruction (docs/storage-gateway-strong-mode.md "Erasure"), and the clean-up of erased objects. */
@Module({
  controllers: [ErasureController],
  providers: [ErasureMetrics, ErasureRepository, ErasedObjectRemover, ErasureService, ErasureCleanup],
})
export class ErasureModule {}
