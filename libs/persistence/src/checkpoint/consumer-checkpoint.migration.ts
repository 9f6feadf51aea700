import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consumer checkpoint table: the next log offset each consumer will apply,
 * per topic. Written in the same transaction as the consumer's state change.
 */
export class CreateConsumerCheckpoint1764000000000 implements MigrationInterface {
  // Explicit, so the migration keeps its identity if class names are mangled.
  readonly name = 'CreateConsumerCheckpoint1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consumer_checkpoint (
        consumer    text   NOT NULL,
        topic       text   NOT NULL,
        next_offset bigint NOT NULL CHECK (next_offset >= 0),
        PRIMARY KEY (consumer, topic)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE consumer_checkpoint');
  }
}

/** Migrations of this library; `openDatabase` always runs them before the caller's. */
export const persistenceMigrations = [CreateConsumerCheckpoint1764000000000] as const;
