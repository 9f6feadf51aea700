import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's whole schema (docs/ledger-service.md "Tables"): followed
 * channels with their builder snapshot, blocks, txs and the tx index, the
 * configuration history, key changes and governance events, attestations,
 * fork/tamper alerts and the attestation consumer cursor. Heights, offsets
 * and times are bigint (pg returns them as strings); hashes are lowercase hex.
 */
export class CreateLedgerTables1764100000000 implements MigrationInterface {
  readonly name = 'CreateLedgerTables1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per channel this department's ledger follows; next_height ..
    // config is the BlockBuilder snapshot, written in the same transaction
    // as the blocks it follows, so the tx topic offset is never ahead of them.
    await queryRunner.query(`
      CREATE TABLE ledger_channel (
        channel           text        PRIMARY KEY,
        following         boolean     NOT NULL DEFAULT true,
        follow_source     text        NOT NULL CHECK (follow_source IN ('config', 'api', 'create')),
        followed_at       timestamptz NOT NULL DEFAULT now(),
        next_height       bigint      NOT NULL DEFAULT 0 CHECK (next_height >= 0),
        head_hash         text        NOT NULL,
        head_time         bigint      NOT NULL DEFAULT 0 CHECK (head_time >= 0),
        next_offset       bigint      NOT NULL DEFAULT 0 CHECK (next_offset >= 0),
        config            jsonb       NULL,
        published_height  bigint      NOT NULL DEFAULT -1 CHECK (published_height >= -1),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ledger_block (
        channel         text        NOT NULL REFERENCES ledger_channel (channel),
        height          bigint      NOT NULL CHECK (height >= 0),
        hash            text        NOT NULL,
        prev_hash       text        NOT NULL,
        tx_root         text        NOT NULL,
        tx_count        integer     NOT NULL CHECK (tx_count >= 0),
        first_offset    bigint      NOT NULL CHECK (first_offset >= 0),
        last_offset     bigint      NOT NULL CHECK (last_offset >= first_offset),
        time            bigint      NOT NULL CHECK (time >= 0),
        config_changed  boolean     NOT NULL,
        final           boolean     NOT NULL DEFAULT false,
        final_at        timestamptz NULL,
        committed_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, height)
      )`);
    await queryRunner.query('CREATE INDEX ledger_block_hash_idx ON ledger_block (hash)');
    // Every tx of every block, in block order. `bytes` is the record exactly
    // as read from the log: the envelope's JCS for envelope entries (tx_id
    // set), the raw bytes otherwise (tx_id NULL), so the block and its
    // Merkle leaves are rebuilt byte for byte. No foreign key: this is the
    // hot table, its rows are written with their block in one transaction.
    await queryRunner.query(`
      CREATE TABLE ledger_tx (
        channel     text    NOT NULL,
        height      bigint  NOT NULL,
        idx         integer NOT NULL CHECK (idx >= 0),
        tx_id       text    NULL,
        from_member text    NULL,
        type        text    NULL,
        nonce       bigint  NULL,
        code        text    NOT NULL,
        log_offset  bigint  NOT NULL CHECK (log_offset >= 0),
        bytes       bytea   NOT NULL,
        PRIMARY KEY (channel, height, idx)
      )`);
    // Not unique: a replayed envelope has the same txId as the original.
    await queryRunner.query('CREATE INDEX ledger_tx_tx_id_idx ON ledger_tx (tx_id) WHERE tx_id IS NOT NULL');
    await queryRunner.query(
      'CREATE INDEX ledger_tx_member_idx ON ledger_tx (channel, from_member, height, idx) WHERE from_member IS NOT NULL',
    );
    // The configuration after block `height`, stored only when that block changed it.
    await queryRunner.query(`
      CREATE TABLE ledger_config_version (
        channel text   NOT NULL,
        height  bigint NOT NULL,
        config  jsonb  NOT NULL,
        PRIMARY KEY (channel, height),
        FOREIGN KEY (channel, height) REFERENCES ledger_block (channel, height)
      )`);
    // ClosedBlock.keyChanges in order, for a KeyHistory over the whole chain (audit, proofs).
    await queryRunner.query(`
      CREATE TABLE ledger_key_change (
        channel   text    NOT NULL,
        height    bigint  NOT NULL,
        seq       integer NOT NULL,
        member    text    NOT NULL,
        at_height bigint  NOT NULL,
        at_index  integer NOT NULL,
        scope     text    NOT NULL CHECK (scope IN ('from', 'only')),
        ed25519   text    NULL,
        PRIMARY KEY (channel, height, seq),
        FOREIGN KEY (channel, height) REFERENCES ledger_block (channel, height)
      )`);
    await queryRunner.query(`
      CREATE TABLE ledger_governance_event (
        channel  text    NOT NULL,
        height   bigint  NOT NULL,
        seq      integer NOT NULL,
        type     text    NOT NULL,
        tx_index integer NULL,
        event    jsonb   NOT NULL,
        PRIMARY KEY (channel, height, seq),
        FOREIGN KEY (channel, height) REFERENCES ledger_block (channel, height)
      )`);
    // Attestations read from accord.<channel>.attest (ours included). A member
    // may attest several values for one height (equivocation): each distinct
    // one is kept once.
    await queryRunner.query(`
      CREATE TABLE ledger_attestation (
        id           bigserial   PRIMARY KEY,
        channel      text        NOT NULL,
        height       bigint      NOT NULL,
        from_member  text        NOT NULL,
        kind         text        NOT NULL CHECK (kind IN ('block', 'state')),
        block_hash   text        NOT NULL,
        state_digest text        NULL,
        body         jsonb       NOT NULL,
        sig          text        NOT NULL,
        log_offset   bigint      NULL,
        received_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ledger_attestation_value_idx
         ON ledger_attestation (channel, height, kind, from_member, block_hash, (coalesce(state_digest, '')))`,
    );
    // Fork/tamper alerts (ForkAlert of ledger-core, plus the ledger's own
    // rebuild divergences); `id` is stable so re-evaluation stores each once.
    await queryRunner.query(`
      CREATE TABLE ledger_alert (
        id           text        PRIMARY KEY,
        channel      text        NOT NULL,
        height       bigint      NOT NULL,
        kind         text        NOT NULL,
        reason       text        NOT NULL,
        member       text        NULL,
        field        text        NULL,
        expected     text        NULL,
        observed     jsonb       NOT NULL DEFAULT '[]'::jsonb,
        details      jsonb       NULL,
        raised_at    timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX ledger_alert_channel_idx ON ledger_alert (channel, height)');
    // Where the attestation collector resumes reading accord.<channel>.attest.
    await queryRunner.query(`
      CREATE TABLE ledger_attest_cursor (
        channel     text   PRIMARY KEY,
        next_offset bigint NOT NULL CHECK (next_offset >= 0)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'ledger_attest_cursor',
      'ledger_alert',
      'ledger_attestation',
      'ledger_governance_event',
      'ledger_key_change',
      'ledger_config_version',
      'ledger_tx',
      'ledger_block',
      'ledger_channel',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
