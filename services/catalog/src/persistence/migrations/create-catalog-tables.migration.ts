import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's schema (docs/catalog.md "Projection"): the directory of
 * every dataset on the followed channels, projected from this department's
 * committed blocks and the contracts' decisions, with what search, standing,
 * provenance and quality need. Everything here is derived from the chain and
 * can be rebuilt from it; nothing is authoritative.
 *
 * Heights, times and sizes are bigint (pg returns strings). Free text from
 * txs is stored with U+0000 replaced (text columns refuse it); the payloads
 * as received are kept as JSON text (`payload`, `record`, `details`), which
 * keeps such characters escaped. Coordinates are integers of 1e-7 degree.
 * Whether a dataset is authoritative and how many quality reports are open
 * are joined in at query time (catalog_authority, catalog_quality_report),
 * so a policy vote or an answer never rewrites dataset rows.
 */
export class CreateCatalogTables1764400000000 implements MigrationInterface {
  readonly name = 'CreateCatalogTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Per followed channel: how far each input was applied, and the parameters the catalog reads.
    await queryRunner.query(`
      CREATE TABLE catalog_channel (
        channel                text    PRIMARY KEY,
        block_height           bigint  NOT NULL DEFAULT -1 CHECK (block_height >= -1),
        block_time             bigint  NOT NULL DEFAULT 0,
        decision_height        bigint  NOT NULL DEFAULT -1 CHECK (decision_height >= -1),
        decision_seq           integer NOT NULL DEFAULT -1,
        config                 text    NULL
      )`);
    // The authoritative department per domain (rule parameter authoritativeSources), as of the last block.
    await queryRunner.query(`
      CREATE TABLE catalog_authority (
        channel     text  NOT NULL,
        domain      text  NOT NULL,
        department  text  NOT NULL,
        PRIMARY KEY (channel, domain)
      )`);
    // Txs the catalog needs from blocks (dataset.*, access.*, quality.*), valid ones only, in chain order.
    await queryRunner.query(`
      CREATE TABLE catalog_tx (
        tx_id     text    PRIMARY KEY,
        channel   text    NOT NULL,
        height    bigint  NOT NULL,
        tx_index  integer NOT NULL,
        type      text    NOT NULL,
        sender    text    NOT NULL,
        time      bigint  NOT NULL,
        payload   text    NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX catalog_tx_chain_idx ON catalog_tx (channel, height, tx_index)');
    // The directory: one row per dataset, its current version.
    await queryRunner.query(`
      CREATE TABLE catalog_dataset (
        id                 text     PRIMARY KEY,
        channel            text     NOT NULL,
        owner              text     NOT NULL,
        name               text     NOT NULL,
        version            integer  NOT NULL,
        status             text     NOT NULL CHECK (status IN ('active', 'deprecated')),
        title              text     NOT NULL,
        description        text     NOT NULL DEFAULT '',
        keywords           text[]   NOT NULL DEFAULT '{}',
        keywords_text      text     NOT NULL DEFAULT '',
        themes             text[]   NOT NULL DEFAULT '{}',
        publisher          text     NOT NULL,
        domain             text     NOT NULL,
        data_type          text     NOT NULL,
        sensitivity        text     NOT NULL,
        subject_key        text     NULL,
        subject_class      text     NULL,
        governance         text     NOT NULL,
        update_frequency   text     NOT NULL,
        volume_bytes       bigint   NOT NULL,
        content_hash       text     NOT NULL,
        languages          text[]   NOT NULL DEFAULT '{}',
        formats            text[]   NOT NULL DEFAULT '{}',
        bbox_west          integer  NULL,
        bbox_south         integer  NULL,
        bbox_east          integer  NULL,
        bbox_north         integer  NULL,
        temporal_start     date     NULL,
        temporal_end       date     NULL,
        metadata           text     NOT NULL DEFAULT '{}',
        policy             text     NOT NULL,
        terms              text     NOT NULL,
        accesses           bigint   NOT NULL DEFAULT 0,
        registered_height  bigint   NOT NULL,
        registered_time    bigint   NOT NULL,
        registered_tx      text     NOT NULL,
        updated_height     bigint   NOT NULL,
        updated_time       bigint   NOT NULL,
        deprecated_time    bigint   NULL,
        search             tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('simple', title), 'A') ||
          setweight(to_tsvector('simple', keywords_text), 'A') ||
          setweight(to_tsvector('simple', description), 'B') ||
          setweight(to_tsvector('simple', publisher || ' ' || domain || ' ' || owner), 'C')
        ) STORED
      )`);
    await queryRunner.query('CREATE INDEX catalog_dataset_search_idx ON catalog_dataset USING gin (search)');
    await queryRunner.query('CREATE INDEX catalog_dataset_channel_idx ON catalog_dataset (channel, owner)');
    await queryRunner.query('CREATE INDEX catalog_dataset_updated_idx ON catalog_dataset (updated_time DESC, id)');
    await queryRunner.query('CREATE INDEX catalog_dataset_title_idx ON catalog_dataset (lower(title), id)');
    await queryRunner.query('CREATE INDEX catalog_dataset_domain_idx ON catalog_dataset (domain)');
    await queryRunner.query('CREATE INDEX catalog_dataset_themes_idx ON catalog_dataset USING gin (themes)');
    await queryRunner.query('CREATE INDEX catalog_dataset_formats_idx ON catalog_dataset USING gin (formats)');
    // Every version of every dataset, as registered or updated.
    await queryRunner.query(`
      CREATE TABLE catalog_dataset_version (
        dataset       text     NOT NULL,
        version       integer  NOT NULL,
        tx_id         text     NOT NULL,
        height        bigint   NOT NULL,
        time          bigint   NOT NULL,
        content_hash  text     NOT NULL,
        record        text     NOT NULL,
        metadata      text     NOT NULL,
        PRIMARY KEY (dataset, version)
      )`);
    // Every decided access request of the followed channels (all requesters): standing and provenance.
    await queryRunner.query(`
      CREATE TABLE catalog_request (
        id             text     PRIMARY KEY,
        channel        text     NOT NULL,
        dataset        text     NOT NULL,
        requester      text     NOT NULL,
        provider       text     NOT NULL,
        purpose        text     NOT NULL,
        duration_ms    bigint   NOT NULL,
        status         text     NOT NULL,
        code           text     NOT NULL,
        message        text     NULL,
        requested_height bigint NOT NULL,
        requested_time bigint   NOT NULL,
        grant_status   text     NULL,
        granted_time   bigint   NULL,
        expires_at     bigint   NULL,
        accesses_used  integer  NOT NULL DEFAULT 0,
        max_accesses   integer  NULL,
        updated_height bigint   NOT NULL,
        updated_time   bigint   NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX catalog_request_requester_idx ON catalog_request (requester, dataset, requested_height DESC)',
    );
    await queryRunner.query('CREATE INDEX catalog_request_dataset_idx ON catalog_request (dataset)');
    // The provenance trail: every receipt and catalog tx about a dataset, in chain order.
    // phase: 0 effects of time before the block's txs, 1 txs (tx_index), 2 effects after them.
    await queryRunner.query(`
      CREATE TABLE catalog_provenance (
        channel   text     NOT NULL,
        height    bigint   NOT NULL,
        phase     smallint NOT NULL,
        tx_index  integer  NOT NULL,
        seq       integer  NOT NULL,
        dataset   text     NOT NULL,
        kind      text     NOT NULL,
        code      text     NOT NULL,
        tx_id     text     NULL,
        actor     text     NULL,
        time      bigint   NOT NULL,
        details   text     NOT NULL,
        PRIMARY KEY (channel, height, phase, tx_index, seq, dataset)
      )`);
    await queryRunner.query(
      'CREATE INDEX catalog_provenance_dataset_idx ON catalog_provenance (dataset, height, phase, tx_index, seq)',
    );
    // Quality reports by data users, and the owner's answers.
    await queryRunner.query(`
      CREATE TABLE catalog_quality_report (
        id            text     PRIMARY KEY,
        channel       text     NOT NULL,
        dataset       text     NOT NULL,
        version       integer  NOT NULL,
        reporter      text     NOT NULL,
        category      text     NOT NULL,
        reason        text     NOT NULL,
        height        bigint   NOT NULL,
        time          bigint   NOT NULL,
        status        text     NOT NULL CHECK (status IN ('open', 'answered')),
        resolution    text     NULL,
        answer        text     NULL,
        fixed_version integer  NULL,
        answer_tx     text     NULL,
        answered_time bigint   NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX catalog_quality_report_dataset_idx ON catalog_quality_report (dataset, status)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'catalog_quality_report',
      'catalog_provenance',
      'catalog_request',
      'catalog_dataset_version',
      'catalog_dataset',
      'catalog_tx',
      'catalog_authority',
      'catalog_channel',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
