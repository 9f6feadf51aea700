import { Module } from '@nestjs/common';
import { SigningModule } from '../signing/signing.module';
import { QualityReportRepository } from './quality-report.repository';
import { QualityController } from './quality.controller';
import { QualityService } from './quality.service';

/** Quality feedback: reports (role user), answers (provider or dataadmin), and the list of a dataset's reports. */
@Module({
  imports: [SigningModule],
  controllers: [QualityController],
  providers: [QualityService, QualityReportRepository],
})
export class QualityModule {}
