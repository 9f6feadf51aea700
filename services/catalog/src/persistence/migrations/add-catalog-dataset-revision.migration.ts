import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A change counter on catalog_dataset: every insert and every update of a
 * row the search index reads takes the next value, so the in-memory
 * directory index (docs/catalog-search.md "Performance") reloads only the
 * rows changed since it last looked. A local counter, not directory
 * content: two catalogs of the same chain hold different values.
 */
export class AddCatalogDatasetRevision1764400200000 implements MigrationInterface {
  readonly name = 'AddCatalogDatasetRevision1764400200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SEQUENCE catalog_dataset_revision');
    await queryRunner.query(
      "ALTER TABLE catalog_dataset ADD COLUMN revision bigint NOT NULL DEFAULT nextval('catalog_dataset_revision')",
    );
    await queryRunner.query('CREATE INDEX catalog_dataset_revision_idx ON catalog_dataset (revision)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX catalog_dataset_revision_idx');
    await queryRunner.query('ALTER TABLE catalog_dataset DROP COLUMN revision');
    await queryRunner.query('DROP SEQUENCE catalog_dataset_revision');
  }
}
