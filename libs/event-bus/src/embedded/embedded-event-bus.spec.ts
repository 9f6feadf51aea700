import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentEventBusLogger } from '../event-bus.logger';
import { describeEventBusContract } from '../testing/event-bus.contract';
import { EmbeddedEventBus } from './embedded-event-bus.adapter';

let dataDir: string;
let counter = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'accord-embedded-contract-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describeEventBusContract('embedded log', () => ({
  openBus: () =>
    EmbeddedEventBus.open({
      dataDir,
      logger: silentEventBusLogger,
      maxBatchBytes: 4 * 1024 * 1024,
      handlerRetry: { initialMs: 20, maxMs: 200 },
      // Small segments so the contract also exercises rolling and cross-segment reads.
      segmentBytes: 64 * 1024,
    }),
  uniqueName: (prefix) => `${prefix}-${++counter}`,
  deliveryTimeoutMs: 10_000,
}));
