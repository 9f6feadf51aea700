import { Module } from '@nestjs/common';
import { SigningModule } from '../signing/signing.module';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';

/** Dataset registration, updates and deprecation by this department (role provider). */
@Module({
  imports: [SigningModule],
  controllers: [RegistrationController],
  providers: [RegistrationService],
})
export class RegistrationModule {}
