import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentEventBusLogger } from '../event-bus.logger';
import { runConsumerCrashScenario } from '../testing/crash.harness';
import { kafkaTestBrokers } from '../testing/kafka-test.config';
import { KafkaEventBus } from './kafka-event-bus.adapter';

// jest.config's per-project testTimeout is not applied by Jest (it is a global option).
jest.setTimeout(120_000);

describe('kafka: kill -9 and restart', () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'accord-kafka-crash-'));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('a consumer killed mid-stream resumes from its committed offset; every message is applied exactly once after dedupe', async () => {
    const brokers = kafkaTestBrokers();
    const run = randomUUID().slice(0, 8);
    const topic = `accord-test.${run}.crash`;
    const total = 500;
    const values = Array.from({ length: total }, (_, i) => Buffer.from(`tx-${i}-${'v'.repeat(i % 50)}`));
    const bus = await KafkaEventBus.connect({ brokers, clientId: `accord-crash-${run}`, logger: silentEventBusLogger });
    try {
      await bus.ensureTopic(topic);
      for (let i = 0; i < total; i += 50)
        await bus.publish(
          topic,
          values.slice(i, i + 50).map((value) => ({ value })),
        );
    } finally {
      await bus.close();
    }

    const { deliveries } = await runConsumerCrashScenario({
      args: {
        // The broker's minimum session timeout: the killed member's partition is handed over after ~6 s.
        bus: {
          kind: 'kafka',
          brokers,
          clientId: `accord-crash-child-${run}`,
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 1000,
          maxWaitTimeMs: 200,
        },
        topic,
        groupId: `crash-${run}`,
        outDir,
        total,
        maxBatchSize: 10,
        handlerDelayMs: 5,
      },
      values,
      killAfter: 120,
      timeoutMs: 90_000,
    });
    expect(deliveries.length).toBeGreaterThanOrEqual(total);
  });
});
