import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AnchoringModule } from '../anchoring/anchoring.module';
import { tusResumableMiddleware } from './tus-resumable.middleware';
import { UploadController } from './upload.controller';
import { UploadExpiryService } from './upload-expiry.service';
import { UploadPatchHandler } from './upload-patch.handler';
import { UploadProgressStore } from './upload-progress';
import { UploadRepository } from './upload.repository';
import { StrandedLeases } from './stranded-leases';
import { UploadService } from './upload.service';
import { UploadWriters } from './upload-writers';

/** Resumable uploads with tus 1.0.0 (docs/storage-gateway-upload.md). */
@Module({
  imports: [AnchoringModule],
  controllers: [UploadController],
  providers: [
    UploadRepository,
    UploadWriters,
    UploadProgressStore,
    UploadPatchHandler,
    StrandedLeases,
    UploadService,
    UploadExpiryService,
  ],
  exports: [UploadService, UploadExpiryService],
})
export class UploadModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(tusResumableMiddleware).forRoutes(UploadController);
  }
}
