import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { createEventBus, silentEventBusLogger, type EventBus } from '@accord/event-bus';
import {
  canonicalBytes,
  computeBlockHash,
  computeTxId,
  MerkleTree,
  toHex,
  verifyTxProof,
  type Block,
  type Members,
  type TxEnvelope,
  type TxProof,
} from '@accord/protocol';
import { testMember, type TestMember } from '@accord/protocol/testing';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import { writeKeysFile } from '@accord/service-kit/testing';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { blockAttestation, getJson, publishAttestations, TxFactory } from '../testing/ledger-api.fixture';

jest.setTimeout(120_000);

type Ledger = ServiceUnderTest<LedgerConfig>;

interface Status {
  status: string;
  height: number;
  index: number;
  code: string;
  final: boolean;
  txId: string;
}

/**
 * Three departments' ledgers (one process, own PostgreSQL schema each) on
 * the real Kafka run an alliance channel: a fourth department is refused
 * until a majority admits it, may then transact, and is refused again once
 * it left; every block becomes final by quorum on all three, proofs verify
 * offline, and a tampered row in one department's database is caught by its
 * audit and by the other members' attestations.
 */
describe('alliance channel on Kafka + PostgreSQL: governance, finality, proofs, tamper detection', () => {
  const pgUrl = postgresTestUrl();
  const kafkaBrokers = kafkaTestBrokers();
  const run = randomBytes(4).toString('hex');
  const channel = `cons-${run}`;
  const members: TestMember[] = ['a', 'b', 'c'].map((d) => testMember(`dept-${d}-${run}`));
  const applicant = testMember(`dept-d-${run}`);
  const schemas = members.map((m) => `ledger_cons_${m.id.replace(/-/g, '_')}`);
  const txs = new TxFactory(channel);
  const ledgers: Ledger[] = [];
  let dir: string;
  let bus: EventBus;
  let pg: Client;

  const post = (ledger: Ledger, envelope: TxEnvelope) =>
    request(ledger.url)
      .post(`/v1/channels/${channel}/txs`)
      .set('Authorization', `Bearer ${ledger.tokens.user}`)
      .send(envelope);

  /** Waits for the tx on `on` (it may have been submitted through another department's ledger). */
  const statusOn = async (on: Ledger, txId: string): Promise<Status> =>
    waitFor(`tx ${txId} committed on ${on.service.context.department}`, async () => {
      const res = await request(on.url)
        .get(`/v1/txs/${txId}?waitMs=5000`)
        .set('Authorization', `Bearer ${on.tokens.user}`);
      return res.status === 200 && res.body.status === 'committed' ? (res.body as Status) : undefined;
    });

  /** Submits through `via` and returns the code every ledger gave it (they must agree). */
  const submit = async (via: Ledger, envelope: TxEnvelope): Promise<Status> => {
    const res = await post(via, envelope);
    expect(res.status).toBe(202);
    const statuses = await Promise.all(ledgers.map((l) => statusOn(l, res.body.txId as string)));
    for (const s of statuses)
      expect({ height: s.height, index: s.index, code: s.code }).toEqual({
        height: statuses[0].height,
        index: statuses[0].index,
        code: statuses[0].code,
      });
    return statuses[0];
  };

  const get = <T>(ledger: Ledger, path: string): Promise<T> => getJson<T>(ledger.url, path, ledger.tokens.user);
  const head = (ledger: Ledger) =>
    get<{ height: number; blockHash: string; final: boolean; finalHeight: number | null }>(
      ledger,
      `/v1/channels/${channel}/head`,
    );
  const audit = (ledger: Ledger, body: object = {}) =>
    request(ledger.url)
      .post(`/v1/channels/${channel}/audit`)
      .set('Authorization', `Bearer ${ledger.tokens.operations}`)
      .send(body);
  const sql = (i: number, text: string, params: unknown[] = []) =>
    pg.query(text.replace(/\{s\}/g, `"${schemas[i]}"`), params);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-cons-'));
    bus = await createEventBus({
      kind: 'kafka',
      brokers: kafkaBrokers,
      clientId: `ledger-cons-${run}`,
      logger: silentEventBusLogger,
    });
    pg = new Client({ connectionString: pgUrl });
    await pg.connect();
    for (let i = 0; i < 3; i++) {
      ledgers.push(
        await startServiceForTest(ledgerService, {
          env: {
            ACCORD_DEPARTMENT: members[i].id,
            ACCORD_DATABASE: pgUrl,
            ACCORD_DATABASE_SCHEMA: schemas[i],
            ACCORD_BUS: `kafka:${kafkaBrokers.join(',')}`,
            ACCORD_KEYS_FILE: await writeKeysFile(dir, members[i]),
            ACCORD_LEDGER_SIG_WORKERS: '1',
            ACCORD_LOG_LEVEL: 'warn',
            // C audits its whole chain every 200 ms, so it finds altered rows by itself.
            ...(i === 2 ? { ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS: '200' } : {}),
          },
        }),
      );
    }
  });

  afterAll(async () => {
    for (const ledger of ledgers) await ledger.close();
    await bus?.close();
    await pg?.end();
    await dropTestSchema(pgUrl, ...schemas);
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('runs the channel end to end', async () => {
    const [a, b, c] = ledgers;
    // Created through A, followed by B and C.
    const genesis = txs.genesis(members[0], 'alliance', members, {
      quorum: 'majority',
      batchTimeoutMs: 50,
      maxTxPerBlock: 50,
    });
    await request(a.url)
      .post('/v1/channels')
      .set('Authorization', `Bearer ${a.tokens.sysadmin}`)
      .send(genesis)
      .expect(202);
    for (const other of [b, c])
      await request(other.url)
        .post(`/v1/channels/${channel}/follow`)
        .set('Authorization', `Bearer ${other.tokens.sysadmin}`)
        .expect(200);
    await Promise.all(ledgers.map((l) => statusOn(l, computeTxId(genesis.body))));

    // The applicant is nobody yet.
    expect((await submit(a, txs.tx(applicant, 'test.note', { n: 'before' }))).code).toBe('unknown_member');
    // It asks to join; B and C (a majority of three) approve through their own ledgers.
    const join = await submit(a, txs.joinRequest(applicant));
    expect(join.code).toBe('valid');
    const proposals = await get<{ proposals: { id: string }[] }>(c, `/v1/channels/${channel}/proposals`);
    expect(proposals.proposals.map((p) => p.id)).toEqual([join.txId]);
    expect((await submit(b, txs.joinVote(members[1], join.txId, true))).code).toBe('valid');
    expect((await submit(c, txs.joinVote(members[2], join.txId, true))).code).toBe('valid');
    for (const ledger of ledgers) {
      const view = await get<{ members: { id: string; status: string }[] }>(ledger, `/v1/channels/${channel}/members`);
      expect(view.members).toContainEqual(expect.objectContaining({ id: applicant.id, status: 'active' }));
    }
    const admitted = await submit(b, txs.tx(applicant, 'test.note', { n: 'member' }));
    expect(admitted.code).toBe('valid');
    expect((await submit(c, txs.leave(applicant))).code).toBe('valid');
    const refused = await submit(a, txs.tx(applicant, 'test.note', { n: 'after leaving' }));
    expect(refused.code).toBe('removed_member');
    // Some ordinary traffic from everyone.
    const notes = await Promise.all(members.map((m, i) => submit(ledgers[i], txs.tx(m, 'test.note', { n: m.id }))));
    expect(notes.map((n) => n.code)).toEqual(['valid', 'valid', 'valid']);

    // Same head everywhere, and every block final by quorum on all three.
    const top = await waitFor(
      'identical final heads',
      async () => {
        const heads = await Promise.all(ledgers.map(head));
        const same = heads.every((h) => h.height === heads[0].height && h.blockHash === heads[0].blockHash);
        return same && heads.every((h) => h.final && h.finalHeight === h.height) ? heads[0] : undefined;
      },
      60_000,
    );
    for (const ledger of ledgers) {
      const page = await get<{ blocks: { final: boolean }[] }>(ledger, `/v1/channels/${channel}/blocks?limit=500`);
      expect(page.blocks).toHaveLength(top.height + 1);
      expect(page.blocks.every((blk) => blk.final)).toBe(true);
    }

    // A proof from B of the applicant's tx, verified with the keys in force at its height.
    const proof = await get<TxProof>(b, `/v1/txs/${admitted.txId}/proof`);
    const at = await get<{ finalityQuorum: number }>(b, `/v1/channels/${channel}/members?height=${admitted.height}`);
    const keys = await get<Members>(b, `/v1/channels/${channel}/members/keys?height=${admitted.height}`);
    expect(Object.keys(keys)).toContain(applicant.id);
    expect(verifyTxProof(proof, keys, { quorum: at.finalityQuorum })).toMatchObject({
      ok: true,
      txId: admitted.txId,
      validity: 'valid',
    });

    // Every ledger's audit passes.
    for (const ledger of ledgers)
      expect((await audit(ledger)).body).toMatchObject({ ok: true, toHeight: top.height, blockHash: top.blockHash });

    // Someone alters a tx in C's database: C's audit names the height.
    const target = notes[0];
    const [row] = (
      await sql(2, 'SELECT bytes FROM {s}.ledger_tx WHERE channel = $1 AND height = $2 AND idx = $3', [
        channel,
        target.height,
        target.index,
      ])
    ).rows as { bytes: Buffer }[];
    const envelope = JSON.parse(row.bytes.toString('utf8')) as TxEnvelope;
    const forged = Buffer.from(canonicalBytes({ ...envelope, body: { ...envelope.body, payload: { n: 'forged' } } }));
    await sql(2, 'UPDATE {s}.ledger_tx SET bytes = $4 WHERE channel = $1 AND height = $2 AND idx = $3', [
      channel,
      target.height,
      target.index,
      forged,
    ]);
    // C's scheduled self-audit raises the alert before anyone calls the audit endpoint.
    await waitFor('the self-audit alert of C', async () => {
      const { alerts } = await get<{ alerts: { kind: string; reason: string; height: number }[] }>(
        c,
        `/v1/alerts?channel=${channel}`,
      );
      return alerts.some(
        (alert) =>
          alert.kind === 'audit' && alert.reason === 'chain.tx_root_mismatch' && alert.height === target.height,
      );
    });
    expect((await audit(c)).body).toMatchObject({ ok: false, height: target.height, code: 'chain.tx_root_mismatch' });
    expect((await audit(a)).body.ok).toBe(true);

    await sql(2, 'UPDATE {s}.ledger_tx SET bytes = $4 WHERE channel = $1 AND height = $2 AND idx = $3', [
      channel,
      target.height,
      target.index,
      row.bytes,
    ]);
    expect((await audit(c)).body.ok).toBe(true);

    // A careful forger rewrites the refused tx (its signature is never re-checked) and every root and link above it:
    // the chain is self-consistent, but A and B attested the original.
    const [refusedRow] = (
      await sql(2, 'SELECT bytes FROM {s}.ledger_tx WHERE channel = $1 AND height = $2 AND idx = $3', [
        channel,
        refused.height,
        refused.index,
      ])
    ).rows as { bytes: Buffer }[];
    const refusedEnvelope = JSON.parse(refusedRow.bytes.toString('utf8')) as TxEnvelope;
    const rewritten = Buffer.from(
      canonicalBytes({ ...refusedEnvelope, body: { ...refusedEnvelope.body, payload: { n: 'rewritten' } } }),
    );
    await sql(2, 'UPDATE {s}.ledger_tx SET bytes = $4 WHERE channel = $1 AND height = $2 AND idx = $3', [
      channel,
      refused.height,
      refused.index,
      rewritten,
    ]);
    let prevHash =
      refused.height === 0
        ? '0'.repeat(64)
        : (await get<{ hash: string }>(c, `/v1/channels/${channel}/blocks/${refused.height - 1}`)).hash;
    let forgedHash = '';
    for (let h = refused.height; h <= top.height; h++) {
      const { block } = await get<{ block: Block }>(c, `/v1/channels/${channel}/blocks/${h}`);
      const leaves = block.txs.map((t) =>
        canonicalBytes('envelope' in t ? { envelope: t.envelope, code: t.code } : { raw: t.raw, code: t.code }),
      );
      const header = { ...block.header, prevHash, txRoot: toHex(MerkleTree.fromLeafData(leaves).root()) };
      const hash = computeBlockHash(header);
      if (h === refused.height) forgedHash = hash;
      await sql(
        2,
        'UPDATE {s}.ledger_block SET prev_hash = $3, tx_root = $4, hash = $5 WHERE channel = $1 AND height = $2',
        [channel, h, prevHash, header.txRoot, hash],
      );
      prevHash = hash;
    }
    const caught = (await audit(c)).body;
    expect(caught).toMatchObject({
      ok: false,
      height: refused.height,
      code: 'audit.attestation_mismatch',
      members: [members[0].id, members[1].id].sort(),
    });

    // Had C's ledger attested its altered block, A and B would raise fork alerts against C.
    await publishAttestations(bus, channel, [blockAttestation(members[2], channel, refused.height, forgedHash)]);
    for (const ledger of [a, b]) {
      await waitFor('fork alert against C', async () => {
        const { alerts } = await get<{
          alerts: { kind: string; member: string; height: number; observed: string[] }[];
        }>(ledger, `/v1/alerts?channel=${channel}`);
        return alerts.some(
          (al) =>
            al.kind === 'block' &&
            al.member === members[2].id &&
            al.height === refused.height &&
            al.observed.includes(forgedHash),
        );
      });
    }
  });
});
