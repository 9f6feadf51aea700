import { Module } from '@nestjs/common';
import { SigningModule } from '../signing/signing.module';
import { RequestStandingRepository } from './request-standing.repository';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';

/** The data user's one-call access requests (role user) and their standing. */
@Module({
  imports: [SigningModule],
  controllers: [RequestsController],
  providers: [RequestsService, RequestStandingRepository],
})
export class RequestsModule {}
