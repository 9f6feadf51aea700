import { closeDatabase, openDatabase, type DatabaseConfig } from '@accord/persistence';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { LedgerClient } from '../ledger/ledger.client';
import { contractsEntities } from '../persistence/contracts-persistence.module';
import { ContractsReadRepository } from '../persistence/contracts-read.repository';
import { contractsMigrations } from '../persistence/migrations/contracts.migrations';
import { ReceiptRepository } from '../persistence/receipt.repository';
import { RulesStateRepository } from '../persistence/rules-state.repository';
import { RulesApplier } from '../pipeline/rules-applier.service';

/**
 * The rule pipeline's write side without Nest: the real repositories over a
 * real database (PGlite by default, migrations applied) and appliers over it.
 */
export class ApplierFixture {
  readonly states: RulesStateRepository;
  readonly receipts: ReceiptRepository;
  readonly reads: ContractsReadRepository;
  /** Error and warn log lines of the appliers. */
  readonly logLines: string[] = [];

  private constructor(readonly dataSource: DataSource) {
    this.states = new RulesStateRepository(dataSource);
    this.receipts = new ReceiptRepository(dataSource);
    this.reads = new ContractsReadRepository(dataSource);
  }

  static async open(database: DatabaseConfig = { kind: 'pglite', dataDir: 'memory://' }): Promise<ApplierFixture> {
    return new ApplierFixture(
      await openDatabase(database, { entities: contractsEntities, migrations: contractsMigrations }),
    );
  }

  /** A fresh applier over this database (as after a restart), loaded. */
  async applier(department: string, ledger: LedgerClient | null = null): Promise<RulesApplier> {
    const log = pino({ level: 'warn' }, { write: (line: string) => void this.logLines.push(line) });
    const applier = new RulesApplier({
      dataSource: this.dataSource,
      states: this.states,
      receipts: this.receipts,
      ledger,
      department,
      log,
    });
    await applier.load();
    return applier;
  }

  async close(): Promise<void> {
    await closeDatabase(this.dataSource);
  }
}
