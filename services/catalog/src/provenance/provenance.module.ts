import { Module } from '@nestjs/common';
import { LedgerClient, SERVICE_CONFIG } from '@accord/service-kit';
import type { CatalogConfig } from '../catalog.config';
import { ProvenanceController } from './provenance.controller';
import { ProvenanceRepository } from './provenance.repository';
import { PROVENANCE_PROOFS, ProvenanceService, type TxProofSource } from './provenance.service';

/** GET /v1/datasets/:owner/:name/provenance and /usage: the trail with the ledger's tx proofs. */
@Module({
  controllers: [ProvenanceController],
  providers: [
    ProvenanceRepository,
    ProvenanceService,
    {
      provide: PROVENANCE_PROOFS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: CatalogConfig): TxProofSource | null =>
        config.ledger === null ? null : new LedgerClient(config.ledger.url, config.ledger.token),
    },
  ],
})
export class ProvenanceModule {}
