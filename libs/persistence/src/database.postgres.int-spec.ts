import type { DatabaseConfig } from './database.config';
import { closeDatabase, openDatabase } from './database.factory';
import { DatabaseUnavailableError } from './persistence.errors';
import { CreateContractFixtures1764000000001, describePersistenceContract } from './testing/persistence.contract';
import { dropTestSchema, postgresTestUrl, uniqueTestSchema } from './testing/postgres-test.config';

const url = postgresTestUrl();

describePersistenceContract({
  name: 'PostgreSQL (real server, own schema)',
  freshConfig: async () => ({ kind: 'postgres', url, schema: uniqueTestSchema() }),
  dispose: async (config: DatabaseConfig) => {
    if (config.kind === 'postgres' && config.schema) await dropTestSchema(url, config.schema);
  },
});

describe('PostgreSQL specifics', () => {
  it('applies migrations once when several processes open a fresh schema at the same time', async () => {
    const schema = uniqueTestSchema();
    const config = { kind: 'postgres', url, schema } as const;
    try {
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase(config, { migrations: [CreateContractFixtures1764000000001] })),
      );
      const rows = await opened[0].query('SELECT name FROM migrations ORDER BY id');
      expect(rows.map((r: { name: string }) => r.name)).toEqual([
        'CreateConsumerCheckpoint1764000000000',
        'CreateContractFixtures1764000000001',
      ]);
      await Promise.all(opened.map(closeDatabase));
    } finally {
      await dropTestSchema(url, schema);
    }
  });

  it('keeps tables inside the configured schema', async () => {
    const schema = uniqueTestSchema();
    const db = await openDatabase({ kind: 'postgres', url, schema });
    try {
      const rows = await db.query(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = 'consumer_checkpoint' AND table_schema = $1`,
        [schema],
      );
      expect(rows).toEqual([{ table_schema: schema }]);
      expect((await db.query('SELECT current_schema() AS s'))[0].s).toBe(schema);
    } finally {
      await closeDatabase(db);
      await dropTestSchema(url, schema);
    }
  });

  it('reports an unreachable server as DatabaseUnavailableError', async () => {
    const attempt = openDatabase({
      kind: 'postgres',
      url: 'postgres://accord:pw@127.0.0.1:1/accord',
      connectTimeoutMs: 2000,
    });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(attempt).rejects.toThrow(/127\.0\.0\.1:1/);
  });

  it('reports bad credentials without leaking the password', async () => {
    const bad = new URL(url);
    bad.password = 'definitely-wrong-password';
    const attempt = openDatabase({ kind: 'postgres', url: bad.toString() });
    await expect(attempt).rejects.toMatchObject({ code: 'persistence_unavailable' });
    await expect(attempt).rejects.toThrow(/password authentication failed/);
    await attempt.catch((err: Error) => expect(err.message).not.toContain('definitely-wrong-password'));
  });
});
