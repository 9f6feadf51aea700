import { Module } from '@nestjs/common';
import { CatalogLedgerModule, CATALOG_LEDGER } from '../ledger/catalog-ledger.provider';
import { ProvenanceController } from './provenance.controller';
import { ProvenanceRepository } from './provenance.repository';
import { PROVENANCE_PROOFS, ProvenanceService } from './provenance.service';

/** GET /v1/datasets/:owner/:name/provenance and /usage: the trail with the ledger's tx proofs. */
@Module({
  imports: [CatalogLedgerModule],
  controllers: [ProvenanceController],
  providers: [ProvenanceRepository, ProvenanceService, { provide: PROVENANCE_PROOFS, useExisting: CATALOG_LEDGER }],
})
export class ProvenanceModule {}
