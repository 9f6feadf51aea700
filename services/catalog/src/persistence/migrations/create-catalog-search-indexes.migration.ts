import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes of the catalog search (docs/catalog-search.md "Performance").
 * The facet counts read a narrow covering index instead of the wide
 * dataset rows (index-only scan once vacuumed); the standing join and the
 * open report counts use the indexes of the first migration.
 */
export class CreateCatalogSearchIndexes1764400100000 implements MigrationInterface {
  readonly name = 'CreateCatalogSearchIndexes1764400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX catalog_dataset_facets_idx ON catalog_dataset (status, updated_time)
       INCLUDE (channel, owner, domain, sensitivity, governance, subject_class, themes, formats)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX catalog_dataset_facets_idx');
  }
}
