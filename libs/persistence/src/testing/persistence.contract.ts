import { EntitySchema, type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { txTopic } from '@accord/events';
import { ConsumerCheckpointRepository } from '../checkpoint/consumer-checkpoint.repository';
import type { DatabaseConfig } from '../database.config';
import { isDatabaseReady } from '../database-readiness.check';
import { closeDatabase, openDatabase } from '../database.factory';
import {
  CheckpointRegressionError,
  InvalidCheckpointError,
  MigrationFailedError,
  NestedTransactionError,
  NotInTransactionError,
} from '../persistence.errors';
import { withTransaction } from '../transaction.helper';

/**
 * One contract, run against every database mode: PGlite in the unit tests,
 * the real PostgreSQL in the integration tests.
 */
export interface PersistenceContractTarget {
  readonly name: string;
  /** Config of a fresh, empty database; opening the same config again reopens the same data. */
  freshConfig(): Promise<DatabaseConfig>;
  /** Removes what freshConfig created. */
  dispose(config: DatabaseConfig): Promise<void>;
}

/** Tables the contract works on, created the only allowed way: by a migration. */
export class CreateContractFixtures1764000000001 implements MigrationInterface {
  readonly name = 'CreateContractFixtures1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract_doc (
        id   integer PRIMARY KEY,
        doc  jsonb   NOT NULL,
        body text    NOT NULL DEFAULT '',
        tsv  tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
      )`);
    await q.query('CREATE INDEX contract_doc_tsv ON contract_doc USING gin (tsv)');
    await q.query('CREATE INDEX contract_doc_doc ON contract_doc USING gin (doc jsonb_path_ops)');
    // No key on purpose: a message applied twice must show up as a duplicate row.
    await q.query('CREATE TABLE contract_applied (consumer text NOT NULL, off bigint NOT NULL)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contract_applied');
    await q.query('DROP TABLE contract_doc');
  }
}

/** Creates a table and then fails, to prove a failed migration leaves nothing behind. */
export class BrokenContractMigration1764000000002 implements MigrationInterface {
  readonly name = 'BrokenContractMigration1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE contract_half_done (id integer)');
    await q.query('SELECT no_such_column FROM contract_doc');
  }

  async down(): Promise<void> {}
}

interface ContractDoc {
  id: number;
  doc: unknown;
  body: string;
}

const ContractDocEntity = new EntitySchema<ContractDoc>({
  name: 'ContractDoc',
  tableName: 'contract_doc',
  columns: {
    id: { type: 'integer', primary: true },
    doc: { type: 'jsonb' },
    body: { type: 'text' },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describePersistenceContract(target: PersistenceContractTarget): void {
  describe(`persistence contract: ${target.name}`, () => {
    const checkpoints = new ConsumerCheckpointRepository();
    const options = { entities: [ContractDocEntity], migrations: [CreateContractFixtures1764000000001] };
    let config: DatabaseConfig;
    let db: DataSource;

    const migrationNames = async (): Promise<string[]> =>
      (await db.query('SELECT name FROM migrations ORDER BY id')).map((r: { name: string }) => r.name);
    const tableExists = async (table: string): Promise<boolean> =>
      (await db.query('SELECT to_regclass($1) IS NOT NULL AS present', [table]))[0].present;

    beforeAll(async () => {
      config = await target.freshConfig();
      db = await openDatabase(config, options);
    });

    afterAll(async () => {
      if (db) await closeDatabase(db);
      if (config) await target.dispose(config);
    });

    describe('migrations', () => {
      it('applies the library and caller migrations once, in order', async () => {
        expect(await migrationNames()).toEqual([
          'CreateConsumerCheckpoint1764000000000',
          'CreateContractFixtures1764000000001',
        ]);
        expect(await tableExists('consumer_checkpoint')).toBe(true);
      });

      it('is idempotent on reopen, and the data survives close/reopen', async () => {
        await db.getRepository(ContractDocEntity).save({ id: 900, doc: { kept: true }, body: 'persisted' });
        await closeDatabase(db);
        db = await openDatabase(config, options);
        expect(await migrationNames()).toEqual([
          'CreateConsumerCheckpoint1764000000000',
          'CreateContractFixtures1764000000001',
        ]);
        expect(await db.getRepository(ContractDocEntity).findOneBy({ id: 900 })).toEqual({
          id: 900,
          doc: { kept: true },
          body: 'persisted',
        });
      });

      it('rolls a failing migration back completely and reports MigrationFailedError', async () => {
        await closeDatabase(db);
        const failed = openDatabase(config, {
          ...options,
          migrations: [CreateContractFixtures1764000000001, BrokenContractMigration1764000000002],
        });
        await expect(failed).rejects.toBeInstanceOf(MigrationFailedError);
        await expect(failed).rejects.toThrow(/no_such_column/);
        db = await openDatabase(config, options);
        expect(await tableExists('contract_half_done')).toBe(false);
        expect(await migrationNames()).toHaveLength(2);
      });
    });

    describe('consumer checkpoints', () => {
      it('is undefined before the first advance, then moves forward', async () => {
        expect(await checkpoints.get(db.manager, 'ledger', txTopic('a'))).toBeUndefined();
        await withTransaction(db, (m) => checkpoints.advance(m, 'ledger', txTopic('a'), 5));
        expect(await checkpoints.get(db.manager, 'ledger', txTopic('a'))).toBe(5);
        await withTransaction(db, (m) => checkpoints.advance(m, 'ledger', txTopic('a'), 2 ** 40));
        expect(await checkpoints.get(db.manager, 'ledger', txTopic('a'))).toBe(2 ** 40);
        // Checkpoints are per (consumer, topic).
        expect(await checkpoints.get(db.manager, 'ledger', txTopic('b'))).toBeUndefined();
        expect(await checkpoints.get(db.manager, 'catalog', txTopic('a'))).toBeUndefined();
      });

      it('refuses to move backwards or stand still, and keeps the stored value', async () => {
        await withTransaction(db, (m) => checkpoints.advance(m, 'contracts', txTopic('a'), 10));
        for (const bad of [9, 10, 0]) {
          const attempt = withTransaction(db, (m) => checkpoints.advance(m, 'contracts', txTopic('a'), bad));
          await expect(attempt).rejects.toBeInstanceOf(CheckpointRegressionError);
          await expect(attempt).rejects.toMatchObject({ code: 'checkpoint_regression', current: 10, requested: bad });
        }
        expect(await checkpoints.get(db.manager, 'contracts', txTopic('a'))).toBe(10);
      });

      it('rejects invalid arguments with InvalidCheckpointError', async () => {
        for (const offset of [-1, 1.5, Number.NaN, 2 ** 53]) {
          await expect(withTransaction(db, (m) => checkpoints.advance(m, 'x', 't', offset))).rejects.toBeInstanceOf(
            InvalidCheckpointError,
          );
        }
        await expect(checkpoints.get(db.manager, '', 't')).rejects.toBeInstanceOf(InvalidCheckpointError);
        await expect(checkpoints.get(db.manager, 'x', 'a\0b')).rejects.toBeInstanceOf(InvalidCheckpointError);
        await expect(checkpoints.get(db.manager, 'x'.repeat(256), 't')).rejects.toBeInstanceOf(InvalidCheckpointError);
      });

      it('refuses to advance outside a transaction', async () => {
        await expect(checkpoints.advance(db.manager, 'x', 't', 1)).rejects.toBeInstanceOf(NotInTransactionError);
        expect(await checkpoints.get(db.manager, 'x', 't')).toBeUndefined();
      });

      it('serialises concurrent transactions on an existing checkpoint: each message applied once', async () => {
        const consumer = 'serial';
        await withTransaction(db, (m) => checkpoints.advance(m, consumer, 't', 1));
        const workers = 6;
        await Promise.all(
          Array.from({ length: workers }, () =>
            withTransaction(db, async (m) => {
              const next = (await checkpoints.get(m, consumer, 't')) as number;
              await m.query('INSERT INTO contract_applied (consumer, off) VALUES ($1, $2)', [consumer, next]);
              await sleep(5); // widen the window in which a lost update would show
              await checkpoints.advance(m, consumer, 't', next + 1);
            }),
          ),
        );
        expect(await checkpoints.get(db.manager, consumer, 't')).toBe(1 + workers);
        const applied = await db.query('SELECT off FROM contract_applied WHERE consumer = $1 ORDER BY off', [consumer]);
        expect(applied.map((r: { off: string }) => Number(r.off))).toEqual([1, 2, 3, 4, 5, 6]);
      });

      it('lets at most one of several racing first-time consumers win per offset', async () => {
        const consumer = 'racing';
        const results = await Promise.allSettled(
          Array.from({ length: 5 }, () =>
            withTransaction(db, async (m) => {
              const next = (await checkpoints.get(m, consumer, 't')) ?? 0;
              await m.query('INSERT INTO contract_applied (consumer, off) VALUES ($1, $2)', [consumer, next]);
              await sleep(5);
              await checkpoints.advance(m, consumer, 't', next + 1);
            }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled').length;
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CheckpointRegressionError);
        }
        expect(won).toBeGreaterThanOrEqual(1);
        expect(await checkpoints.get(db.manager, consumer, 't')).toBe(won);
        const applied = await db.query('SELECT off FROM contract_applied WHERE consumer = $1 ORDER BY off', [consumer]);
        // Losers rolled back their state change together with their checkpoint.
        expect(applied.map((r: { off: string }) => Number(r.off))).toEqual(Array.from({ length: won }, (_, i) => i));
      });
    });

    describe('transactions', () => {
      it('commits the state change and the checkpoint together', async () => {
        const result = await withTransaction(db, async (m) => {
          await m.getRepository(ContractDocEntity).insert({ id: 1, doc: { v: 1 }, body: '' });
          await checkpoints.advance(m, 'atomic', 't', 1);
          return 'done';
        });
        expect(result).toBe('done');
        expect(await db.getRepository(ContractDocEntity).countBy({ id: 1 })).toBe(1);
        expect(await checkpoints.get(db.manager, 'atomic', 't')).toBe(1);
      });

      it('rolls back every write when the callback throws', async () => {
        const boom = new Error('handler failed');
        await expect(
          withTransaction(db, async (m) => {
            await m.getRepository(ContractDocEntity).insert({ id: 2, doc: { v: 2 }, body: '' });
            await checkpoints.advance(m, 'atomic', 't', 2);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await db.getRepository(ContractDocEntity).countBy({ id: 2 })).toBe(0);
        expect(await checkpoints.get(db.manager, 'atomic', 't')).toBe(1);
      });

      it('rolls back earlier writes when a later statement fails', async () => {
        await expect(
          withTransaction(db, async (m) => {
            await checkpoints.advance(m, 'atomic', 't', 3);
            await m.getRepository(ContractDocEntity).insert({ id: 1, doc: {}, body: '' }); // duplicate key
          }),
        ).rejects.toThrow(/duplicate key/);
        expect(await checkpoints.get(db.manager, 'atomic', 't')).toBe(1);
      });

      it('refuses a nested transaction on the same data source', async () => {
        await expect(withTransaction(db, async () => withTransaction(db, async () => 'inner'))).rejects.toBeInstanceOf(
          NestedTransactionError,
        );
        // Sequential transactions are fine.
        expect(await withTransaction(db, async () => 'again')).toBe('again');
      });

      it('supports an explicit isolation level', async () => {
        const level = await withTransaction(
          db,
          async (m) => (await m.query('SHOW transaction_isolation'))[0].transaction_isolation,
          { isolationLevel: 'SERIALIZABLE' },
        );
        expect(level).toBe('serializable');
      });
    });

    describe('PostgreSQL features the services rely on', () => {
      it('round-trips jsonb through an entity and queries it by containment', async () => {
        const doc = {
          title: 'Straßenverkehr — 交通 "quoted" \\ back',
          count: 42,
          negative: -7,
          ratio: 0.25,
          flags: [true, false, null],
          nested: { level: { deeper: [1, 'two', { three: 3 }] }, empty: {} },
        };
        await db.getRepository(ContractDocEntity).save({ id: 10, doc, body: '' });
        await db.getRepository(ContractDocEntity).save({ id: 11, doc: { title: 'other', count: 1 }, body: '' });
        expect((await db.getRepository(ContractDocEntity).findOneByOrFail({ id: 10 })).doc).toEqual(doc);
        const hits = await db.query(
          `SELECT id, doc->'nested'->'level'->'deeper'->2->>'three' AS three FROM contract_doc WHERE doc @> $1::jsonb`,
          [JSON.stringify({ count: 42 })],
        );
        expect(hits).toEqual([{ id: 10, three: '3' }]);
      });

      it('searches text with tsvector and ranks by relevance', async () => {
        const docs = [
          { id: 20, body: 'The quick brown foxes jumped over the lazy dogs' },
          { id: 21, body: 'A slow green turtle crossed the road' },
          { id: 22, body: 'Foxes and hounds: a hunting story about a fox, a fox and a fox' },
        ];
        for (const d of docs) await db.getRepository(ContractDocEntity).save({ ...d, doc: {} });
        const search = async (q: string): Promise<number[]> =>
          (
            await db.query(
              `SELECT id FROM contract_doc WHERE tsv @@ websearch_to_tsquery('english', $1)
               ORDER BY ts_rank(tsv, websearch_to_tsquery('english', $1)) DESC, id`,
              [q],
            )
          ).map((r: { id: number }) => r.id);
        expect(await search('fox')).toEqual([22, 20]); // stemmed, the fox story ranks first
        expect(await search('quick fox')).toEqual([20]);
        expect(await search('"lazy dog"')).toEqual([20]);
        expect(await search('fox -hunting')).toEqual([20]);
        expect(await search('elephant')).toEqual([]);
      });
    });

    describe('readiness', () => {
      it('is ready while open and not ready once closed', async () => {
        expect(await isDatabaseReady(db)).toBe(true);
        await closeDatabase(db);
        expect(await isDatabaseReady(db)).toBe(false);
        await closeDatabase(db); // idempotent
        db = await openDatabase(config, options);
        expect(await isDatabaseReady(db)).toBe(true);
      });
    });
  });
}
