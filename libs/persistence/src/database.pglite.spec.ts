import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseConfig } from './database.config';
import { closeDatabase, openDatabase } from './database.factory';
import { DatabaseAlreadyOpenError } from './persistence.errors';
import { describePersistenceContract } from './testing/persistence.contract';

// PGlite boots a WebAssembly PostgreSQL (about 2 s per open on 2 cores).
jest.setTimeout(60_000);

describePersistenceContract({
  name: 'PGlite (data dir on disk)',
  freshConfig: async () => ({ kind: 'pglite', dataDir: await mkdtemp(join(tmpdir(), 'accord-pglite-')) }),
  dispose: async (config: DatabaseConfig) => {
    if (config.kind === 'pglite') await rm(config.dataDir, { recursive: true, force: true });
  },
});

describe('PGlite specifics', () => {
  it('keeps in-memory databases separate from each other', async () => {
    const a = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    const b = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      await a.query('CREATE TABLE only_in_a (id integer)');
      expect((await a.query(`SELECT to_regclass('only_in_a') IS NOT NULL AS p`))[0].p).toBe(true);
      expect((await b.query(`SELECT to_regclass('only_in_a') IS NOT NULL AS p`))[0].p).toBe(false);
    } finally {
      await closeDatabase(a);
      await closeDatabase(b);
    }
  });

  it('refuses to open a data dir that is already open in this process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'accord-pglite-'));
    try {
      const first = await openDatabase({ kind: 'pglite', dataDir: dir });
      try {
        const second = openDatabase({ kind: 'pglite', dataDir: join(dir, '.') });
        await expect(second).rejects.toBeInstanceOf(DatabaseAlreadyOpenError);
        await expect(second).rejects.toMatchObject({ code: 'persistence_already_open' });
      } finally {
        await closeDatabase(first);
      }
      // Once closed, the directory can be opened again.
      const again = await openDatabase({ kind: 'pglite', dataDir: dir });
      await closeDatabase(again);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
