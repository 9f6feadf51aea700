import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventBus } from './embedded/embedded-event-bus.adapter';
import type { EventBusConfig } from './event-bus.config';
import {
  EventBusUnavailableError,
  InvalidEventBusConfigError,
  MessageTooLargeError,
  TopicNotFoundError,
} from './event-bus.errors';
import { createEventBus } from './event-bus.factory';
import { retryDelayMs } from './handler-retry.policy';
import { kafkaErrorType, toEventBusError } from './kafka/kafka-errors.mapper';
import { KafkaEventBus } from './kafka/kafka-event-bus.adapter';
import { kafkaConsumerGroupId } from './kafka/kafka-subscription.consumer';

describe('createEventBus', () => {
  it('opens the embedded log for kind "embedded"', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'accord-factory-'));
    try {
      const bus = await createEventBus({ kind: 'embedded', dataDir });
      expect(bus).toBeInstanceOf(EmbeddedEventBus);
      expect(await bus.isHealthy()).toBe(true);
      await bus.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown kind', async () => {
    await expect(createEventBus({ kind: 'rabbit' } as unknown as EventBusConfig)).rejects.toThrow(
      new InvalidEventBusConfigError(`event bus kind must be 'kafka' or 'embedded', got "rabbit"`),
    );
    await expect(createEventBus(undefined as unknown as EventBusConfig)).rejects.toBeInstanceOf(
      InvalidEventBusConfigError,
    );
  });

  it('validates a Kafka config before connecting, listing every problem', async () => {
    const attempt = KafkaEventBus.connect({
      brokers: ['no-port', 'ok:9092'],
      clientId: '',
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 20_000,
      replicationFactor: 0,
    });
    await expect(attempt).rejects.toBeInstanceOf(InvalidEventBusConfigError);
    await expect(attempt).rejects.toThrow(/brokers.*clientId.*replicationFactor.*heartbeatIntervalMs/);
    await expect(createEventBus({ kind: 'kafka', brokers: [], clientId: 'x' })).rejects.toThrow(
      /brokers must be a non-empty list/,
    );
  });
});

describe('kafka error mapping', () => {
  it('unwraps retry wrappers to the protocol error type', () => {
    const protocol = { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'gone' };
    const wrapped = { name: 'KafkaJSNumberOfRetriesExceeded', message: 'retries', originalError: protocol };
    expect(kafkaErrorType(wrapped)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(kafkaErrorType({ name: 'KafkaJSAggregateError', errors: [{ type: 'TOPIC_ALREADY_EXISTS' }] })).toBe(
      'TOPIC_ALREADY_EXISTS',
    );
    expect(kafkaErrorType(new Error('plain'))).toBeUndefined();
  });

  it('maps to the typed bus errors, keeping the cause', () => {
    expect(toEventBusError({ type: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'x' }, 'read', 't')).toEqual(
      new TopicNotFoundError('t'),
    );
    const tooLarge = toEventBusError({ type: 'MESSAGE_TOO_LARGE', message: 'x' }, 'publish', 't', {
      bytes: 10,
      maxBatchBytes: 5,
    });
    expect(tooLarge).toBeInstanceOf(MessageTooLargeError);
    const cause = new Error('Connection timeout');
    const unavailable = toEventBusError(cause, 'publish', 't');
    expect(unavailable).toBeInstanceOf(EventBusUnavailableError);
    expect(unavailable.message).toBe('kafka publish on "t" failed: Connection timeout');
    expect(unavailable.cause).toBe(cause);
    const already = new TopicNotFoundError('t');
    expect(toEventBusError(already, 'read', 't')).toBe(already);
  });

  it('names one Kafka consumer group per bus group and topic, unambiguously', () => {
    expect(kafkaConsumerGroupId('ledger-a', 'accord.ch1.tx')).toBe('ledger-a:accord.ch1.tx');
    expect(kafkaConsumerGroupId('a.b', 'c')).not.toBe(kafkaConsumerGroupId('a', 'b.c'));
  });
});

describe('handler retry backoff', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((attempt) => retryDelayMs(attempt, 100, 5000))).toEqual([
      100, 200, 400, 800, 5000, 5000,
    ]);
  });
});
