import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBusConfig } from '@accord/event-bus';
import { kafkaTestBrokers, runConsumerCrashScenario } from '@accord/event-bus/testing';

jest.setTimeout(180_000);

const CHILD = join(__dirname, '..', 'testing', 'transport-crash-consumer.child.ts');

/**
 * The event transport under kill -9, on both adapters: an @EventPattern
 * consumer whose checkpoint lives with its state is SIGKILLed mid-stream
 * and restarted; every message must be applied exactly once, in order, and
 * every offset delivered at least once (the event-bus crash scenario).
 */
describe.each([
  ['the embedded log', (dir: string): EventBusConfig => ({ kind: 'embedded', dataDir: join(dir, 'bus') })],
  [
    'Kafka',
    (): EventBusConfig => ({
      kind: 'kafka',
      brokers: kafkaTestBrokers(),
      clientId: `accord-transport-crash-${randomUUID().slice(0, 8)}`,
    }),
  ],
])('event transport over %s: kill -9 and restart', (_name, busConfig) => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-transport-crash-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a consumer killed mid-stream resumes from the checkpoint stored with its state; every message applied exactly once', async () => {
    const config = busConfig(dir);
    const topic = `accord-test.${randomUUID().slice(0, 8)}.transport-crash`;
    const total = 400;
    const values = Array.from({ length: total }, (_, i) => Buffer.from(`tx-${i}-${'v'.repeat(i % 40)}`));
    const bus = await createEventBus({ ...config, logger: silentEventBusLogger });
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
    const outDir = join(dir, 'out');
    await mkdir(outDir, { recursive: true });
    const { deliveries } = await runConsumerCrashScenario({
      consumer: CHILD,
      args: { bus: config, topic, groupId: 'unused', outDir, total, maxBatchSize: 10, handlerDelayMs: 5 },
      values,
      killAfter: 100,
      timeoutMs: 120_000,
    });
    expect(deliveries.length).toBeGreaterThanOrEqual(total);
  });
});
