import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeTxId, type TxEnvelope } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import { TcpProxy, writeKeysFile } from '@accord/service-kit/testing';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { ledgerChannelClient, TxFactory } from '../testing/ledger-api.fixture';

jest.setTimeout(120_000);

/**
 * A ledger on the real PostgreSQL (through a loopback relay the test can
 * cut) and the real Kafka: while its database is unreachable, submissions
 * are 503 dependency_unavailable with Retry-After and readiness names the
 * database; once it is back, the same submission commits and the service is
 * ready again on its own.
 */
describe('ledger while its PostgreSQL is unreachable', () => {
  const pgUrl = postgresTestUrl();
  const kafkaBrokers = kafkaTestBrokers();
  const run = randomBytes(4).toString('hex');
  const channel = `pgout-${run}`;
  const member = testMember(`dept-pg-${run}`);
  const schema = `ledger_pgout_${run}`;
  const txs = new TxFactory(channel);
  let proxy: TcpProxy;
  let ledger: ServiceUnderTest<LedgerConfig>;
  let dir: string;

  const api = () => ledgerChannelClient(ledger, channel);
  const submit = (envelope: TxEnvelope) => api().submit(envelope);
  const ready = () => api().ready();
  const committed = (txId: string) => api().committed(txId);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-pgout-'));
    proxy = await TcpProxy.forUrl(pgUrl);
    ledger = await startServiceForTest(ledgerService, {
      env: {
        ACCORD_DEPARTMENT: member.id,
        ACCORD_DATABASE: proxy.relayed(pgUrl),
        ACCORD_DATABASE_SCHEMA: schema,
        ACCORD_BUS: `kafka:${kafkaBrokers.join(',')}`,
        ACCORD_KEYS_FILE: await writeKeysFile(dir, member),
        ACCORD_LEDGER_SIG_WORKERS: '1',
        ACCORD_LOG_LEVEL: 'fatal',
      },
    });
  });

  afterAll(async () => {
    await proxy?.restore();
    await ledger?.close();
    await proxy?.cut();
    await dropTestSchema(pgUrl, schema);
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('answers 503 naming the database while it is gone, and commits again once it is back', async () => {
    const genesis = txs.genesis(member, 'alliance', [member], { batchTimeoutMs: 50 });
    await api().create(genesis);
    await committed(computeTxId(genesis.body));
    expect((await committed((await submit(txs.tx(member)).expect(202)).body.txId as string)).code).toBe('valid');

    await proxy.cut();
    const during = txs.tx(member, 'test.note', { note: 'while the database is gone' });
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await submit(during);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ error: 'dependency_unavailable', details: { dependency: 'database' } });
    }
    const notReady = await ready();
    expect(notReady.status).toBe(503);
    expect(notReady.body.error).toHaveProperty('database.status', 'down');

    await proxy.restore();
    await waitFor('ready again', async () => ((await ready()).status === 200 ? true : undefined));
    const accepted = await submit(during).expect(202);
    expect((await committed(accepted.body.txId as string)).code).toBe('valid');
  });
});
