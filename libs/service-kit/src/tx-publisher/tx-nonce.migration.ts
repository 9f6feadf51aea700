import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The nonce counters of the department tx publisher (docs/tx-publisher.md):
 * the last nonce handed out per (signer, channel, lane). Every service that
 * signs txs lists this migration with its own.
 */
export class CreateTxNonce1764300000000 implements MigrationInterface {
  // Explicit, so the migration keeps its identity if class names are mangled.
  readonly name = 'CreateTxNonce1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tx_nonce (
        signer     text     NOT NULL,
        channel    text     NOT NULL,
        lane       smallint NOT NULL CHECK (lane BETWEEN 1 AND 31),
        last_nonce bigint   NOT NULL CHECK (last_nonce >= 0),
        PRIMARY KEY (signer, channel, lane)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tx_nonce');
  }
}

/** Migrations of the tx publisher, for the migration list of each service that signs txs. */
export const txPublisherMigrations = [CreateTxNonce1764300000000] as const;
