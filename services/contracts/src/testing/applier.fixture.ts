import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBus, type LogMessage } from '@accord/event-bus';
import { deadLetterTopic, parkedEventSchema, type ParkedEvent } from '@accord/events';
import { closeDatabase, openDatabase, type DatabaseConfig } from '@accord/persistence';
import { DeadLetterPublisher, systemClock } from '@accord/service-kit';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { LedgerClient } from '@accord/service-kit';
import { ContractsReadRepository } from '../persistence/contracts-read.repository';
import { contractsMigrations } from '../persistence/migrations/contracts.migrations';
import { ReceiptRepository } from '../persistence/receipt.repository';
import { RulesStateRepository } from '../persistence/rules-state.repository';
import { BLOCKS_CONSUMER, RulesApplier } from '../pipeline/rules-applier.service';

/**
 * The rule pipeline's write side without Nest: the real repositories over a
 * real database (PGlite by default, migrations applied) and appliers over
 * it, parking bad records on an embedded event bus in a temporary directory.
 */
export class ApplierFixture {
  readonly states: RulesStateRepository;
  readonly receipts: ReceiptRepository;
  readonly reads: ContractsReadRepository;
  /** Error and warn log lines of the appliers. */
  readonly logLines: string[] = [];

  private constructor(
    readonly dataSource: DataSource,
    /** The embedded bus the appliers park bad records on. */
    readonly bus: EventBus,
    private readonly busDir: string,
  ) {
    this.states = new RulesStateRepository(dataSource);
    this.receipts = new ReceiptRepository(dataSource);
    this.reads = new ContractsReadRepository(dataSource);
  }

  static async open(database: DatabaseConfig = { kind: 'pglite', dataDir: 'memory://' }): Promise<ApplierFixture> {
    const busDir = await mkdtemp(join(tmpdir(), 'accord-applier-bus-'));
    const bus = await createEventBus({ kind: 'embedded', dataDir: busDir, logger: silentEventBusLogger });
    return new ApplierFixture(await openDatabase(database, { migrations: contractsMigrations }), bus, busDir);
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
      deadLetters: new DeadLetterPublisher({ bus: this.bus, department, consumer: BLOCKS_CONSUMER, log }),
      log,
      clock: systemClock,
    });
    await applier.load();
    return applier;
  }

  /** The dead letters the appliers of `department` parked, in order. */
  async parked(department: string): Promise<{ message: LogMessage; event: ParkedEvent }[]> {
    const topic = deadLetterTopic(department, BLOCKS_CONSUMER);
    if (
      !(await this.bus.endOffset(topic).then(
        () => true,
        () => false,
      ))
    )
      return [];
    return (await this.bus.read(topic, 0, 10_000)).map((message) => ({
      message,
      event: parkedEventSchema.parse(JSON.parse(Buffer.from(message.value).toString('utf8'))),
    }));
  }

  async close(): Promise<void> {
    await closeDatabase(this.dataSource);
    await this.bus.close();
    await rm(this.busDir, { recursive: true, force: true });
  }
}
