import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes, computeTxId, type TxEnvelope } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { waitFor } from '@accord/event-bus/testing';
import { writeKeysFile } from '@accord/service-kit/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { getJson, TxFactory } from '../testing/ledger-api.fixture';
import { INCREMENTAL_AUDIT_PACE_MS } from './self-audit.service';

// The ledger finds tampered rows by itself: nobody calls POST .../audit here.
const self = testMember('test-dept');
const b = testMember('dept-b');
const CHANNEL = 'self-audit';

interface Alert {
  kind: string;
  reason: string;
  height: number;
}

async function startLedger(dir: string, env: Record<string, string>): Promise<ServiceUnderTest<LedgerConfig>> {
  return startServiceForTest(ledgerService, {
    env: { ACCORD_KEYS_FILE: await writeKeysFile(dir, self), ACCORD_LEDGER_SIG_WORKERS: '1', ...env },
  });
}

/** A channel of self and dept-b with `blocks` blocks of one tx each after the genesis; returns the heights of those txs. */
async function chainOf(sut: ServiceUnderTest<LedgerConfig>, txs: TxFactory, blocks: number): Promise<number[]> {
  const commit = async (envelope: TxEnvelope, path: string): Promise<number> => {
    const sent = await request(sut.url)
      .post(path)
      .set('Authorization', `Bearer ${path === '/v1/channels' ? sut.tokens.sysadmin : sut.tokens.provider}`)
      .send(envelope);
    expect(sent.status).toBe(202);
    const status = await getJson<{ status: string; height: number }>(
      sut.url,
      `/v1/txs/${computeTxId(envelope.body)}?waitMs=10000`,
      sut.tokens.user,
    );
    expect(status.status).toBe('committed');
    return status.height;
  };
  await commit(txs.genesis(self, 'alliance', [self, b], { maxTxPerBlock: 1, batchTimeoutMs: 20 }), '/v1/channels');
  const heights: number[] = [];
  for (let i = 0; i < blocks; i++) {
    heights.push(await commit(txs.tx(b, 'test.note', { n: i }), `/v1/channels/${CHANNEL}/txs`));
  }
  return heights;
}

const auditAlert = (sut: ServiceUnderTest<LedgerConfig>, reason: string, height: number) =>
  waitFor(`an audit alert ${reason} at height ${height}`, async () => {
    const { alerts } = await getJson<{ alerts: Alert[] }>(sut.url, `/v1/alerts?channel=${CHANNEL}`, sut.tokens.user);
    return alerts.find((a) => a.kind === 'audit' && a.reason === reason && a.height === height);
  });

describe('ledger self-audit (in-process)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-self-audit-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('finds an altered tx row and an altered block hash with the scheduled full audit', async () => {
    const sut = await startLedger(dir, { ACCORD_LEDGER_FULL_AUDIT_INTERVAL_MS: '100' });
    try {
      const db = sut.service.app.get(DataSource);
      const [, second, third] = await chainOf(sut, new TxFactory(CHANNEL), 3);

      const [row] = (await db.query('SELECT bytes FROM ledger_tx WHERE channel = $1 AND height = $2 AND idx = 0', [
        CHANNEL,
        second,
      ])) as { bytes: Buffer }[];
      const envelope = JSON.parse(row.bytes.toString('utf8')) as TxEnvelope;
      const altered = canonicalBytes({ ...envelope, body: { ...envelope.body, payload: { n: 1000 } } });
      await db.query('UPDATE ledger_tx SET bytes = $3 WHERE channel = $1 AND height = $2 AND idx = 0', [
        CHANNEL,
        second,
        Buffer.from(altered),
      ]);
      await auditAlert(sut, 'chain.tx_root_mismatch', second);
      await db.query('UPDATE ledger_tx SET bytes = $3 WHERE channel = $1 AND height = $2 AND idx = 0', [
        CHANNEL,
        second,
        row.bytes,
      ]);

      await db.query('UPDATE ledger_block SET hash = $3 WHERE channel = $1 AND height = $2', [
        CHANNEL,
        third,
        'ab'.repeat(32),
      ]);
      await auditAlert(sut, 'chain.block_hash_mismatch', third);
    } finally {
      await sut.close();
    }
  }, 60_000);

  it('checks newly committed blocks against the stored chain: an altered header before them is found at once', async () => {
    // The full audit ran at start and is not due again for hours: only the incremental audit can find this.
    const sut = await startLedger(dir, {});
    try {
      const db = sut.service.app.get(DataSource);
      const txs = new TxFactory(CHANNEL);
      const heights = await chainOf(sut, txs, 2);
      const top = heights[heights.length - 1];
      // Incremental audits are paced: let the one covering these blocks run before the header is altered.
      await new Promise((resolve) => setTimeout(resolve, 2 * INCREMENTAL_AUDIT_PACE_MS));
      await db.query('UPDATE ledger_block SET tx_root = $3 WHERE channel = $1 AND height = $2', [
        CHANNEL,
        top,
        'cd'.repeat(32),
      ]);
      const next = txs.tx(b, 'test.note', { n: 'after' });
      expect(
        (
          await request(sut.url)
            .post(`/v1/channels/${CHANNEL}/txs`)
            .set('Authorization', `Bearer ${sut.tokens.provider}`)
            .send(next)
        ).status,
      ).toBe(202);
      // The new block's prevHash no longer links to the (altered) stored header of the block before it.
      await auditAlert(sut, 'chain.prev_hash_mismatch', top + 1);
    } finally {
      await sut.close();
    }
  }, 60_000);
});
