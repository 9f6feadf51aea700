import { Injectable } from '@nestjs/common';
import { InjectConfig, ServiceLogger } from '@accord/service-kit';
import { KeyEncryptionKey } from '../keys/key-encryption-key';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { recordKeyContext, StrongRecordRepository } from './strong-record.repository';
import { StrongModeMetrics } from './strong-mode.metrics';

/**
 * Gives an own committed record back the key its pending row still holds
 * (docs/storage-gateway-strong-mode.md "Publishing a record"): the gateway
 * stopped after publishing the strong.record tx and before keeping the key
 * under the record's txId. The key is re-wrapped for the record's row.
 */
@Injectable()
export class RecordKeyRecovery {
  private readonly department: string;
  private readonly log: ServiceLogger;

  constructor(
    private readonly records: StrongRecordRepository,
    private readonly kek: KeyEncryptionKey,
    private readonly metrics: StrongModeMetrics,
    @InjectConfig() config: StorageGatewayConfig,
    log: ServiceLogger,
  ) {
    this.department = config.department;
    this.log = log.forContext('strong-records');
  }

  /** Recovers every orphaned key; answers how many. */
  async recover(): Promise<number> {
    const orphans = await this.records.orphanedKeys(this.department);
    for (const orphan of orphans) {
      const dataKey = this.kek.unwrap(orphan.wrappedKey, recordKeyContext(orphan.pendingId));
      await this.records.adoptKey(orphan.txId, orphan.pendingId, this.kek.wrap(dataKey, recordKeyContext(orphan.txId)));
      dataKey.fill(0);
      this.log.pino.warn({ txId: orphan.txId }, 'record key recovered from its pending row');
    }
    this.metrics.keysRecovered.add(orphans.length);
    return orphans.length;
  }
}
