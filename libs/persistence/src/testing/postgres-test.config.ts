import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The one place integration tests read the PostgreSQL settings that
 * scripts/infra/postgres.sh records in ~/.cache/accord/run/infra.env.
 * A missing variable fails the test with instructions; it never skips.
 */
export function postgresTestUrl(): string {
  const url = process.env['ACCORD_TEST_PG_URL'];
  if (!url) {
    throw new Error(
      'ACCORD_TEST_PG_URL is not set. Start PostgreSQL with `bash scripts/infra/postgres.sh start`, ' +
        'then `source ~/.cache/accord/run/infra.env` (npm test does both).',
    );
  }
  return url;
}

/** A schema name unique to this test run. */
export function uniqueTestSchema(prefix = 'accord_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops test schemas and everything in them (the teardown of every PostgreSQL integration test). */
export async function dropTestSchema(url: string, ...schemas: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
