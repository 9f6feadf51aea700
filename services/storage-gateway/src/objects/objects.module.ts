import { Module } from '@nestjs/common';
import { ObjectsController } from './objects.controller';
import { ObjectsRepository } from './objects.repository';
import { ObjectsService } from './objects.service';

/** Reading what the gateway holds (docs/storage-gateway-upload.md "Objects"). */
@Module({
  controllers: [ObjectsController],
  providers: [ObjectsRepository, ObjectsService],
  exports: [ObjectsService],
})
export class ObjectsModule {}
