import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBusLogger } from '../event-bus.logger';
import type { LogMessage } from '../event-bus.port';
import { readLines, killHard, runConsumerCrashScenario, spawnChild } from '../testing/crash.harness';
import { producedValue, type CrashProducerArgs } from '../testing/crash-scenario.model';
import { waitFor } from '../testing/wait-for';
import { EmbeddedEventBus } from './embedded-event-bus.adapter';

// jest.config's per-project testTimeout is not applied by Jest (it is a global option).
jest.setTimeout(120_000);

const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function capturingLogger(): EventBusLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = (): void => undefined;
  return { warnings, debug: ignore, info: ignore, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe('embedded log: kill -9 and restart', () => {
  it('a consumer killed mid-stream resumes; every message is applied exactly once after dedupe', async () => {
    const dataDir = await tempDir('accord-crash-consumer-log-');
    const outDir = await tempDir('accord-crash-consumer-out-');
    const topic = 'accord.crash.tx';
    const total = 600;
    const values = Array.from({ length: total }, (_, i) => Buffer.from(`tx-${i}-${'v'.repeat(i % 50)}`));
    const bus = await EmbeddedEventBus.open({ dataDir, segmentBytes: 16 * 1024 });
    await bus.ensureTopic(topic);
    for (let i = 0; i < total; i += 100)
      await bus.publish(
        topic,
        values.slice(i, i + 100).map((value) => ({ value })),
      );
    await bus.close();

    const { deliveries } = await runConsumerCrashScenario({
      args: {
        bus: { kind: 'embedded', dataDir },
        topic,
        groupId: 'crash-consumer',
        outDir,
        total,
        maxBatchSize: 10,
        handlerDelayMs: 3,
      },
      values,
      killAfter: 150,
      timeoutMs: 60_000,
    });
    expect(deliveries.length).toBeGreaterThanOrEqual(total);
  });

  it('a producer killed mid-append leaves every acknowledged publish intact, whole and readable', async () => {
    const dataDir = await tempDir('accord-crash-producer-log-');
    const topic = 'accord.crash.append';
    const batchSize = 40;
    const segmentBytes = 256 * 1024;
    let verifiedAcks = 0;
    for (let round = 0; round < 3; round++) {
      const outDir = await tempDir('accord-crash-producer-out-');
      const args: CrashProducerArgs = { dataDir, topic, outDir, publishers: 4, batchSize, segmentBytes };
      const producer = spawnChild('crash-producer.child.ts', args);
      const acksPath = join(outDir, 'acks.log');
      await waitFor(
        `acknowledged publishes (child stderr: ${producer.stderr()})`,
        () => readLines(acksPath).length >= 30 + round * 7,
        60_000,
      );
      await killHard(producer);
      const acks = readLines(acksPath).map((line) => line.split(' ').map(Number));

      const logger = capturingLogger();
      const bus = await EmbeddedEventBus.open({ dataDir, segmentBytes, logger });
      expect(logger.warnings).toContain('taking over a stale embedded log lock');
      const end = await bus.endOffset(topic);
      for (const [publisher, batch, baseOffset, count] of acks) {
        expect(count).toBe(batchSize);
        expect(baseOffset + count).toBeLessThanOrEqual(end);
        const read = await bus.read(topic, baseOffset, count);
        expect(read.map((m) => m.value.toString())).toEqual(
          Array.from({ length: count }, (_, i) => producedValue(publisher, batch, i)),
        );
        expect(read.every((m) => m.key === `p${publisher}` && m.headers.batch === String(batch))).toBe(true);
      }
      verifiedAcks += acks.length;

      // The whole log decodes (CRC-checked), offsets are dense and every publish survived whole:
      // producer messages come in runs of exactly one batch, in order.
      const all: LogMessage[] = [];
      while (all.length < end) all.push(...(await bus.read(topic, all.length, 5000)));
      expect(all.map((m) => m.offset)).toEqual(Array.from({ length: end }, (_, i) => i));
      for (let i = 0; i < all.length;) {
        if (all[i].key === undefined) {
          i++; // the probe appended after each restart
          continue;
        }
        const [publisher, batch] = [Number(all[i].key?.slice(1)), Number(all[i].headers.batch)];
        const run = all.slice(i, i + batchSize);
        expect(run.map((m) => m.value.toString())).toEqual(
          Array.from({ length: batchSize }, (_, k) => producedValue(publisher, batch, k)),
        );
        i += batchSize;
      }

      const probe = await bus.publish(topic, [{ value: Buffer.from(`after-restart-${round}`) }]);
      expect(probe.baseOffset).toBe(end);
      await bus.close();
    }
    expect(verifiedAcks).toBeGreaterThan(0);
  });
});
