import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { computeTxId, type TxEnvelope } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import {
  REQUEST_PUBLISH_TIMEOUT_MS,
  shutdownTelemetry,
  startServiceForTest,
  type ServiceUnderTest,
} from '@accord/service-kit';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import { writeKeysFile } from '@accord/service-kit/testing';
import type { LedgerConfig } from '../ledger.config';
import { ledgerService } from '../ledger.definition';
import { ledgerChannelClient, TxFactory } from '../testing/ledger-api.fixture';

jest.setTimeout(180_000);

const kafkaScript = resolve(__dirname, '../../../../scripts/infra/kafka.sh');
/** Stops or starts the test broker with the script that started it (same ACCORD_RUN); start waits until it is ready. */
const kafka = (action: 'stop' | 'start') => promisify(execFile)('bash', [kafkaScript, action], { env: process.env });

/**
 * A ledger on the real Kafka and PostgreSQL while the broker is stopped:
 * a submission fails fast with 503 dependency_unavailable naming the bus
 * (it does not hang until the client gives up), readiness reports the
 * outage, and after the broker restarts the same submission commits (once:
 * if the refused publish completed after all, it is a duplicate).
 */
describe('ledger while the Kafka broker is down', () => {
  const pgUrl = postgresTestUrl();
  const kafkaBrokers = kafkaTestBrokers();
  const run = randomBytes(4).toString('hex');
  const channel = `busout-${run}`;
  const member = testMember(`dept-bus-${run}`);
  const schema = `ledger_busout_${run}`;
  const txs = new TxFactory(channel);
  let ledger: ServiceUnderTest<LedgerConfig>;
  let dir: string;

  const api = () => ledgerChannelClient(ledger, channel);
  const submit = (envelope: TxEnvelope) => api().submit(envelope);
  const ready = () => api().ready();
  const committed = (txId: string) => api().committed(txId);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledger-busout-'));
    ledger = await startServiceForTest(ledgerService, {
      env: {
        ACCORD_DEPARTMENT: member.id,
        ACCORD_DATABASE: pgUrl,
        ACCORD_DATABASE_SCHEMA: schema,
        ACCORD_BUS: `kafka:${kafkaBrokers.join(',')}`,
        ACCORD_KEYS_FILE: await writeKeysFile(dir, member),
        ACCORD_LEDGER_SIG_WORKERS: '1',
        ACCORD_LOG_LEVEL: 'fatal',
      },
    });
  });

  afterAll(async () => {
    await kafka('start'); // whatever happened, the next suites find their broker
    await ledger?.close();
    await dropTestSchema(pgUrl, schema);
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('answers 503 naming the bus at once while the broker is down, and commits once it is back', async () => {
    const genesis = txs.genesis(member, 'alliance', [member], { batchTimeoutMs: 50 });
    await api().create(genesis);
    await committed(computeTxId(genesis.body));

    await kafka('stop');
    const during = txs.tx(member, 'test.note', { note: 'while the broker is down' });
    // Fail fast: within the request-path publish deadline, not after the client's patience
    // (kafkajs's own retries alone took ~13 s here before publishForRequest).
    const refused = await submit(during).timeout(REQUEST_PUBLISH_TIMEOUT_MS + 4_000);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.body).toMatchObject({ error: 'dependency_unavailable', details: { dependency: 'bus' } });
    await waitFor('not ready while the broker is down', async () =>
      (await ready()).status === 503 ? true : undefined,
    );

    await kafka('start');
    await waitFor('ready again', async () => ((await ready()).status === 200 ? true : undefined));
    // The refused publish may still complete once the broker is back (kafkajs retries it;
    // docs/ledger-service.md): then the same envelope is answered as a duplicate, never applied twice.
    const accepted = await submit(during);
    expect([200, 202]).toContain(accepted.status);
    expect(accepted.body).toMatchObject({ txId: computeTxId(during.body) });
    if (accepted.status === 200) expect(accepted.body).toMatchObject({ duplicate: true });
    expect((await committed(accepted.body.txId as string)).code).toBe('valid');
  });
});
