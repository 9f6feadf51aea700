import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contracts service's schema (docs/contracts.md "Persistence"): per
 * channel the rule state after the last applied block — its header row and
 * one row per account, dataset, request and grant (the records as the rule
 * engine keeps them, plus columns to filter on) — every receipt, and the
 * state digest after every height. All of a block's rows are written in the
 * transaction that moves the channel's height and the blocks-topic
 * checkpoint. Heights, times and amounts are bigint (pg returns strings).
 *
 * Records, receipts and configurations are stored as JSON text, not jsonb:
 * they carry free text from txs (titles, reasons), and jsonb (like a text
 * column fed a raw string) refuses U+0000, which JSON text keeps escaped.
 * One member's odd title must never stop every department's rule state.
 */
export class CreateContractsTables1764200000000 implements MigrationInterface {
  readonly name = 'CreateContractsTables1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `halted` is set when the channel stopped applying (gap, divergence, missing configuration) and says why.
    await queryRunner.query(`
      CREATE TABLE contracts_channel (
        channel           text        PRIMARY KEY,
        height            bigint      NOT NULL DEFAULT -1 CHECK (height >= -1),
        block_hash        text        NULL,
        time              bigint      NOT NULL DEFAULT 0 CHECK (time >= 0),
        digest            text        NULL,
        params            text        NULL,
        rules_hash        text        NULL,
        config            text        NULL,
        published_height  bigint      NOT NULL DEFAULT -1 CHECK (published_height >= -1),
        halted            text        NULL,
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE contracts_account (
        channel  text   NOT NULL,
        member   text   NOT NULL,
        balance  bigint NOT NULL CHECK (balance >= 0),
        held     bigint NOT NULL CHECK (held >= 0),
        score    bigint NOT NULL CHECK (score >= 0),
        PRIMARY KEY (channel, member)
      )`);
    await queryRunner.query(`
      CREATE TABLE contracts_dataset (
        channel      text  NOT NULL,
        id           text  NOT NULL,
        owner        text  NOT NULL,
        status       text  NOT NULL,
        sensitivity  text  NOT NULL,
        record       text  NOT NULL,
        PRIMARY KEY (channel, id)
      )`);
    await queryRunner.query('CREATE INDEX contracts_dataset_owner_idx ON contracts_dataset (channel, owner)');
    // Every decided access.request: `record` is the rule state's record (granted or left pending), NULL for
    // requests denied when made or rejected, which the state does not keep; `decision` holds their checks.
    await queryRunner.query(`
      CREATE TABLE contracts_request (
        channel           text   NOT NULL,
        id                text   NOT NULL,
        requester         text   NOT NULL,
        provider          text   NULL,
        dataset           text   NULL,
        purpose           text   NULL,
        status            text   NOT NULL,
        code              text   NULL,
        requested_height  bigint NOT NULL,
        requested_time    bigint NOT NULL,
        record            text   NULL,
        decision          text   NULL,
        PRIMARY KEY (channel, id)
      )`);
    await queryRunner.query('CREATE INDEX contracts_request_requester_idx ON contracts_request (channel, requester)');
    await queryRunner.query('CREATE INDEX contracts_request_provider_idx ON contracts_request (channel, provider)');
    await queryRunner.query('CREATE INDEX contracts_request_dataset_idx ON contracts_request (channel, dataset)');
    await queryRunner.query('CREATE INDEX contracts_request_status_idx ON contracts_request (channel, status)');
    await queryRunner.query(`
      CREATE TABLE contracts_grant (
        channel         text   NOT NULL,
        id              text   NOT NULL,
        requester       text   NOT NULL,
        provider        text   NOT NULL,
        dataset         text   NOT NULL,
        purpose         text   NOT NULL,
        status          text   NOT NULL,
        granted_height  bigint NOT NULL,
        expires_at      bigint NOT NULL,
        record          text   NOT NULL,
        PRIMARY KEY (channel, id)
      )`);
    await queryRunner.query('CREATE INDEX contracts_grant_requester_idx ON contracts_grant (channel, requester)');
    await queryRunner.query('CREATE INDEX contracts_grant_provider_idx ON contracts_grant (channel, provider)');
    await queryRunner.query('CREATE INDEX contracts_grant_dataset_idx ON contracts_grant (channel, dataset)');
    // `subject`: the request (= grant) or dataset a receipt is about, so a request's history is one index scan.
    await queryRunner.query(`
      CREATE TABLE contracts_receipt (
        channel      text    NOT NULL,
        height       bigint  NOT NULL,
        seq          integer NOT NULL CHECK (seq >= 0),
        tx_id        text    NULL,
        tx_index     integer NULL,
        kind         text    NOT NULL,
        code         text    NOT NULL,
        from_member  text    NULL,
        subject      text    NULL,
        body         text    NOT NULL,
        PRIMARY KEY (channel, height, seq)
      )`);
    await queryRunner.query(
      'CREATE INDEX contracts_receipt_tx_idx ON contracts_receipt (tx_id) WHERE tx_id IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX contracts_receipt_subject_idx ON contracts_receipt (channel, subject, height, seq) WHERE subject IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE contracts_digest (
        channel        text        NOT NULL,
        height         bigint      NOT NULL CHECK (height >= 0),
        block_hash     text        NOT NULL,
        time           bigint      NOT NULL,
        digest         text        NOT NULL,
        attest         boolean     NOT NULL,
        tx_count       integer     NOT NULL,
        receipt_count  integer     NOT NULL,
        applied_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, height)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'contracts_digest',
      'contracts_receipt',
      'contracts_grant',
      'contracts_request',
      'contracts_dataset',
      'contracts_account',
      'contracts_channel',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
