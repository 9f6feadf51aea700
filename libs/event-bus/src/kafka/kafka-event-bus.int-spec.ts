import { randomUUID } from 'node:crypto';
import { silentEventBusLogger } from '../event-bus.logger';
import { describeEventBusContract } from '../testing/event-bus.contract';
import { kafkaTestBrokers } from '../testing/kafka-test.config';
import { KafkaEventBus } from './kafka-event-bus.adapter';

// jest.config's per-project testTimeout is not applied by Jest (it is a global option).
jest.setTimeout(120_000);

const run = randomUUID().slice(0, 8);
let counter = 0;

describeEventBusContract('kafka', () => {
  const brokers = kafkaTestBrokers();
  return {
    openBus: () =>
      KafkaEventBus.connect({
        brokers,
        clientId: `accord-contract-${run}`,
        logger: silentEventBusLogger,
        maxBatchBytes: 4 * 1024 * 1024,
        handlerRetry: { initialMs: 20, maxMs: 200 },
        maxWaitTimeMs: 200,
      }),
    uniqueName: (prefix) => `accord-test.${run}.${prefix}-${++counter}`,
    deliveryTimeoutMs: 60_000,
  };
});
