import { Module } from '@nestjs/common';
import { AnchorService } from './anchor.service';
import { ReanchorService } from './reanchor.service';

/** Anchoring completed uploads on the ledger (docs/storage-gateway-upload.md "Anchoring"). */
@Module({ providers: [AnchorService, ReanchorService], exports: [AnchorService, ReanchorService] })
export class AnchoringModule {}
