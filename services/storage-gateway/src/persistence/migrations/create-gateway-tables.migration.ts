import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The storage gateway's schema (docs/storage-gateway.md "Persistence").
 * Two kinds of rows: what this gateway holds (objects it stores, their
 * wrapped data keys, uploads in progress, transfers, key shares, findings),
 * which is authoritative and must be backed up with the KEK; and what it
 * projects from the chain and the contracts' decisions (channels, anchors,
 * grants, strong-mode records, erasures), which can be rebuilt.
 * Sizes, offsets, heights and times are bigint (pg returns strings).
 */
export class CreateGatewayTables1764500000000 implements MigrationInterface {
  readonly name = 'CreateGatewayTables1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Projected: per followed channel, how far blocks and decisions were applied, and its configuration.
    await queryRunner.query(`
      CREATE TABLE gateway_channel (
        channel          text    PRIMARY KEY,
        block_height     bigint  NOT NULL DEFAULT -1,
        block_time       bigint  NOT NULL DEFAULT 0,
        decision_height  bigint  NOT NULL DEFAULT -1,
        decision_seq     integer NOT NULL DEFAULT -1,
        config           text    NULL
      )`);
    // Projected: every valid storage.anchor of every department, latest per dataset version is the one in force.
    await queryRunner.query(`
      CREATE TABLE gateway_anchor (
        tx_id        text    PRIMARY KEY,
        channel      text    NOT NULL,
        dataset      text    NOT NULL,
        owner        text    NOT NULL,
        version      integer NOT NULL,
        size_bytes   bigint  NOT NULL,
        media_type   text    NOT NULL,
        sha256       text    NOT NULL,
        chunk_size   integer NOT NULL,
        chunk_root   text    NOT NULL,
        height       bigint  NOT NULL,
        tx_index     integer NOT NULL,
        time         bigint  NOT NULL,
        erased_by    text    NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX gateway_anchor_dataset_idx ON gateway_anchor (channel, dataset, version, height, tx_index)',
    );
    // Projected from the contracts' decisions: grants where this department is provider or requester.
    await queryRunner.query(`
      CREATE TABLE gateway_grant (
        grant_id       text    PRIMARY KEY,
        channel        text    NOT NULL,
        dataset        text    NOT NULL,
        requester      text    NOT NULL,
        provider       text    NOT NULL,
        purpose        text    NOT NULL,
        expires_at     bigint  NOT NULL,
        max_accesses   integer NULL,
        accesses_used  integer NOT NULL DEFAULT 0,
        status         text    NOT NULL,
        height         bigint  NOT NULL
      )`);
    // Held: objects this gateway stores (own uploads and verified copies of others' data); the segment header is in the object store.
    // The data key exists only wrapped by the KEK (wrapped_key); erasure sets it NULL.
    await queryRunner.query(`
      CREATE TABLE gateway_object (
        object_id      text    PRIMARY KEY,
        origin         text    NOT NULL CHECK (origin IN ('upload', 'copy')),
        channel        text    NOT NULL,
        dataset        text    NOT NULL,
        version        integer NOT NULL,
        media_type     text    NOT NULL,
        size_bytes     bigint  NOT NULL,
        segment_size   integer NOT NULL,
        wrapped_key    text    NULL,
        status         text    NOT NULL,
        sha256         text    NULL,
        chunk_size     integer NOT NULL,
        chunk_root     text    NULL,
        leaf_hashes    bytea   NULL,
        anchor_tx_id   text    NULL,
        created_at     bigint  NOT NULL,
        completed_at   bigint  NULL,
        erased_at      bigint  NULL
      )`);
    await queryRunner.query('CREATE INDEX gateway_object_dataset_idx ON gateway_object (channel, dataset, version)');
    await queryRunner.query('CREATE INDEX gateway_object_anchor_idx ON gateway_object (anchor_tx_id)');
    // Held: the pieces (object store keys) an object's ciphertext is stored in, each a run of whole segments.
    await queryRunner.query(`
      CREATE TABLE gateway_object_piece (
        object_id      text    NOT NULL REFERENCES gateway_object (object_id) ON DELETE CASCADE,
        first_segment  bigint  NOT NULL,
        segment_count  bigint  NOT NULL CHECK (segment_count > 0),
        store_key      text    NOT NULL,
        byte_size      bigint  NOT NULL,
        PRIMARY KEY (object_id, first_segment)
      )`);
    // Held: tus uploads in progress (the object row has status 'uploading').
    await queryRunner.query(`
      CREATE TABLE gateway_upload (
        upload_id      text    PRIMARY KEY,
        object_id      text    NOT NULL REFERENCES gateway_object (object_id) ON DELETE CASCADE,
        upload_length  bigint  NOT NULL,
        upload_offset  bigint  NOT NULL DEFAULT 0,
        metadata       text    NOT NULL,
        tail           bytea   NULL,
        expires_at     bigint  NOT NULL,
        created_by     text    NOT NULL
      )`);
    // Held (provider side): every access.use this gateway published, and (from the decisions) what became of it.
    // Either side may write first: the decision can be projected before the publisher records its use.
    await queryRunner.query(`
      CREATE TABLE gateway_use (
        tx_id          text    PRIMARY KEY,
        grant_id       text    NOT NULL,
        requester      text    NULL,
        object_id      text    NULL,
        range_start    bigint  NULL,
        range_end      bigint  NULL,
        outcome        text    NULL,
        code           text    NULL,
        created_at     bigint  NULL
      )`);
    // Held: nonces of signed transfer requests seen, kept until their signature expires (replay guard).
    await queryRunner.query(`
      CREATE TABLE gateway_request_nonce (
        key_id      text    NOT NULL,
        nonce       text    NOT NULL,
        expires_at  bigint  NOT NULL,
        PRIMARY KEY (key_id, nonce)
      )`);
    // Held (requester side): transfers from other departments' gateways.
    await queryRunner.query(`
      CREATE TABLE gateway_transfer (
        transfer_id    text    PRIMARY KEY,
        grant_id       text    NOT NULL,
        channel        text    NOT NULL,
        dataset        text    NOT NULL,
        provider       text    NOT NULL,
        anchor_tx_id   text    NOT NULL,
        size_bytes     bigint  NOT NULL,
        bytes_verified bigint  NOT NULL DEFAULT 0,
        status         text    NOT NULL,
        error_code     text    NULL,
        error_message  text    NULL,
        object_id      text    NULL,
        use_tx_id      text    NULL,
        requested_by   text    NOT NULL,
        created_at     bigint  NOT NULL,
        updated_at     bigint  NOT NULL
      )`);
    // Projected: strong-mode records of every department (ciphertext as on the chain).
    // Held: for our own records, the data key wrapped by the KEK (NULL once erased).
    await queryRunner.query(`
      CREATE TABLE gateway_record (
        tx_id        text    PRIMARY KEY,
        channel      text    NOT NULL,
        dataset      text    NOT NULL,
        owner        text    NOT NULL,
        record       text    NOT NULL,
        media_type   text    NOT NULL,
        iv           text    NOT NULL,
        ciphertext   text    NOT NULL,
        height       bigint  NOT NULL,
        tx_index     integer NOT NULL,
        wrapped_key  text    NULL,
        erased_by    text    NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX gateway_record_dataset_idx ON gateway_record (channel, dataset, height, tx_index)',
    );
    // Projected: key shares on the chain (both those we sent and those sent to us).
    await queryRunner.query(`
      CREATE TABLE gateway_key_share (
        grant_id      text    NOT NULL,
        record_tx_id  text    NOT NULL,
        channel       text    NOT NULL,
        recipient     text    NOT NULL,
        wrapped_key   text    NULL,
        share_tx_id   text    NOT NULL,
        PRIMARY KEY (grant_id, record_tx_id)
      )`);
    // Held: the integrity scrubber's runs and findings.
    await queryRunner.query(`
      CREATE TABLE gateway_scrub_run (
        run_id          text    PRIMARY KEY,
        started_at      bigint  NOT NULL,
        finished_at     bigint  NULL,
        objects_checked integer NOT NULL DEFAULT 0,
        bytes_read      bigint  NOT NULL DEFAULT 0,
        findings        integer NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway_scrub_finding (
        finding_id  text    PRIMARY KEY,
        run_id      text    NOT NULL,
        object_id   text    NOT NULL,
        kind        text    NOT NULL,
        detail      text    NOT NULL,
        found_at    bigint  NOT NULL
      )`);

    // --- Uploads and anchoring (upload/, anchoring/; docs/storage-gateway-upload.md) ---
    // The PATCH lease of an upload: one request writes an upload at a time, across replicas too
    // (lease_owner is the request's random token, lease_until when another request may take over).
    await queryRunner.query('ALTER TABLE gateway_upload ADD COLUMN lease_owner text NULL');
    await queryRunner.query('ALTER TABLE gateway_upload ADD COLUMN lease_until bigint NULL');
    await queryRunner.query('CREATE INDEX gateway_upload_expiry_idx ON gateway_upload (expires_at)');
    // When the object's current anchor tx was published: one not committed a few minutes later is published again.
    await queryRunner.query('ALTER TABLE gateway_object ADD COLUMN anchor_published_at bigint NULL');
    await queryRunner.query('CREATE INDEX gateway_object_status_idx ON gateway_object (status)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'gateway_scrub_finding',
      'gateway_scrub_run',
      'gateway_key_share',
      'gateway_record',
      'gateway_transfer',
      'gateway_request_nonce',
      'gateway_use',
      'gateway_upload',
      'gateway_object_piece',
      'gateway_object',
      'gateway_grant',
      'gateway_anchor',
      'gateway_channel',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
