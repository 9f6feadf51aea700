import { ConfigResourceTypes, Kafka, Partitioners, logLevel, type Admin } from 'kafkajs';
import {
  ConfigProblems,
  resolveCommonConfig,
  type KafkaEventBusConfig,
  type ResolvedCommonConfig,
} from '../event-bus.config';
import {
  EventBusClosedError,
  OffsetOutOfRangeError,
  TopicMisconfiguredError,
  TopicNotFoundError,
} from '../event-bus.errors';
import { describeError, stderrEventBusLogger, type EventBusLogger } from '../event-bus.logger';
import type {
  EventBus,
  LogMessage,
  OutgoingMessage,
  PublishResult,
  ReadOptions,
  StartPosition,
  SubscribeOptions,
  Subscription,
} from '../event-bus.port';
import {
  assertCount,
  assertOffset,
  assertTopicName,
  readWaitMs,
  validateMessages,
  validateSubscribeOptions,
} from '../event-bus.validation';
import { toEventBusError } from './kafka-errors.mapper';
import { kafkaLogCreator } from './kafka-logger.mapper';
import { kafkaSecurityOptions, kafkaSecurityProblems } from './kafka-security.mapper';
import { commitOffsetOfIdleGroup, createInternalCluster, type InternalCluster } from './kafka-internal.cluster';
import { KafkaLogReader } from './kafka-log.reader';
import { KafkaLongPollConnections } from './kafka-long-poll.connections';
import { fixKafkajsIdleRequestLoop } from './kafka-request-queue.patch';
import { KafkaSubscription, kafkaConsumerGroupId } from './kafka-subscription.consumer';
import { IdempotentProducer, KafkaTopicPublisher } from './kafka-topic.publisher';

/** Upper bound of one `read` call. */
export const MAX_READ_COUNT = 100_000;
/** Kafka's record batch header plus slack above our own per-record estimate. */
const BATCH_HEADER_SLACK_BYTES = 64 * 1024;
const HEALTH_TIMEOUT_MS = 5000;
/**
 * kafkajs' retries of a request (connect, metadata, produce, fetch): from
 * 300 ms, doubling, but never more than a second apart, so a client notices
 * a broker that came back within about a second (kafkajs' default cap of
 * 30 s let the first tx after a broker restart wait up to that long, as the
 * request was asleep in its backoff). 30 retries keep about 30 s of
 * patience before a request fails with EventBusUnavailableError.
 */
export const KAFKA_RETRY = { initialRetryTime: 300, maxRetryTime: 1000, retries: 30 } as const;

interface ResolvedKafkaConfig extends ResolvedCommonConfig {
  readonly replicationFactor: number | undefined;
  readonly minInsyncReplicas: number | undefined;
  readonly retentionMs: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxWaitTimeMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * The Kafka adapter (cluster mode). Every topic has ONE partition (total
 * order), message.timestamp.type=LogAppendTime (time from the log) and
 * unlimited retention. The producer is idempotent with one request in flight
 * and acks=all, so retries neither reorder nor duplicate and a publish
 * resolves once the in-sync replicas have the batch.
 */
/** How long ensureTopic waits for a topic created concurrently to show in the metadata. */
const TOPIC_METADATA_WAIT_MS = 10_000;

export class KafkaEventBus implements EventBus {
  private readonly verifiedTopics = new Map<string, Promise<void>>();
  private readonly publishers = new Map<string, KafkaTopicPublisher>();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly reader: KafkaLogReader;
  private readonly longPolls: KafkaLongPollConnections;
  /** Rejects with EventBusClosedError once close() is called, ending reads that wait. */
  private readonly closedSignal: Promise<never>;
  private signalClosed: (error: EventBusClosedError) => void = () => undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: IdempotentProducer,
    private readonly cluster: InternalCluster,
    private readonly config: ResolvedKafkaConfig,
    private readonly logger: EventBusLogger,
  ) {
    this.reader = new KafkaLogReader(cluster, config.maxBatchBytes + BATCH_HEADER_SLACK_BYTES);
    this.longPolls = new KafkaLongPollConnections(
      () => createInternalCluster(kafka),
      config.maxBatchBytes + BATCH_HEADER_SLACK_BYTES,
      logger,
    );
    this.closedSignal = new Promise<never>((_, reject) => (this.signalClosed = reject));
    this.closedSignal.catch(() => undefined);
  }

  /** Connects the admin client, the producer and the reader; fails with EventBusUnavailableError if the brokers cannot be reached. */
  static async connect(config: KafkaEventBusConfig): Promise<KafkaEventBus> {
    const resolved = resolveKafkaConfig(config);
    fixKafkajsIdleRequestLoop();
    const logger = config.logger ?? stderrEventBusLogger;
    const kafka = new Kafka({
      clientId: config.clientId,
      brokers: [...config.brokers],
      connectionTimeout: config.connectionTimeoutMs ?? 3000,
      requestTimeout: resolved.requestTimeoutMs,
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(logger),
      retry: { ...KAFKA_RETRY },
      ...kafkaSecurityOptions(config),
    });
    const admin = kafka.admin();
    const producer = new IdempotentProducer(() =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Every message names partition 0; this only silences the v2 partitioner warning.
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
    const cluster = createInternalCluster(kafka);
    try {
      await Promise.all([admin.connect(), producer.connect(), cluster.connect()]);
    } catch (error) {
      await Promise.allSettled([admin.disconnect(), producer.disconnect(), cluster.disconnect()]);
      throw toEventBusError(error, 'connect', undefined);
    }
    return new KafkaEventBus(kafka, admin, producer, cluster, resolved, logger);
  }

  async ensureTopic(topic: string): Promise<void> {
    this.assertOpen();
    assertTopicName(topic);
    const known = this.verifiedTopics.get(topic);
    if (known) {
      try {
        return await known;
      } catch {
        // Not there (yet): create it below.
      }
    }
    const configEntries = [
      { name: 'message.timestamp.type', value: 'LogAppendTime' },
      { name: 'retention.ms', value: String(this.config.retentionMs) },
      { name: 'max.message.bytes', value: String(this.config.maxBatchBytes + BATCH_HEADER_SLACK_BYTES) },
      { name: 'cleanup.policy', value: 'delete' },
    ];
    if (this.config.minInsyncReplicas !== undefined) {
      configEntries.push({ name: 'min.insync.replicas', value: String(this.config.minInsyncReplicas) });
    }
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        timeout: this.config.requestTimeoutMs,
        topics: [{ topic, numPartitions: 1, replicationFactor: this.config.replicationFactor ?? -1, configEntries }],
      });
    } catch (error) {
      throw toEventBusError(error, 'ensureTopic', topic);
    }
    await this.requireCreatedTopic(topic);
  }

  /**
   * A concurrent createTopics of the same topic answers "exists" while the
   * first one is still waiting for its leader, so the topic may not be in the
   * metadata yet: look again for a short while before calling it missing.
   */
  private async requireCreatedTopic(topic: string): Promise<void> {
    const deadline = performance.now() + TOPIC_METADATA_WAIT_MS;
    for (;;) {
      try {
        return await this.requireTopic(topic);
      } catch (error) {
        if (!(error instanceof TopicNotFoundError) || performance.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishResult> {
    this.assertOpen();
    assertTopicName(topic);
    const bytes = validateMessages(topic, messages, this.config.maxBatchBytes);
    await this.requireTopic(topic);
    if (messages.length === 0) return { topic, baseOffset: await this.endOffset(topic), count: 0 };
    let publisher = this.publishers.get(topic);
    if (!publisher) {
      publisher = new KafkaTopicPublisher(
        topic,
        this.producer,
        this.config.maxBatchBytes,
        this.config.requestTimeoutMs,
      );
      this.publishers.set(topic, publisher);
    }
    return publisher.publish(messages, bytes);
  }

  async read(topic: string, fromOffset: number, max: number, options?: ReadOptions): Promise<LogMessage[]> {
    this.assertOpen();
    assertTopicName(topic);
    assertOffset('fromOffset', fromOffset);
    assertCount('max', max, MAX_READ_COUNT);
    const waitMs = readWaitMs(options);
    await this.requireTopic(topic);
    try {
      if (waitMs === 0) return await this.reader.read(topic, fromOffset, max);
      const waiting = this.longPolls.withConnection(topic, (reader) => reader.read(topic, fromOffset, max, waitMs));
      // Closing the bus ends the wait at once; the abandoned fetch ends at its maxWaitTime.
      waiting.catch(() => undefined);
      return await Promise.race([waiting, this.closedSignal]);
    } catch (error) {
      if (error instanceof EventBusClosedError) throw error;
      throw toEventBusError(error, 'read', topic);
    }
  }

  async endOffset(topic: string): Promise<number> {
    this.assertOpen();
    assertTopicName(topic);
    await this.requireTopic(topic);
    return (await this.watermarks(topic)).high;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const valid = validateSubscribeOptions(options);
    await this.requireTopic(valid.topic);
    await this.initialiseGroupOffset(valid.topic, valid.groupId, valid.fromIfNoCommit);
    this.assertOpen();
    const subscription = await KafkaSubscription.start(
      this.kafka,
      {
        topic: valid.topic,
        groupId: valid.groupId,
        handler: options.handler,
        onError: options.onError,
        logger: this.logger,
        retryInitialMs: this.config.retryInitialMs,
        retryMaxMs: this.config.retryMaxMs,
      },
      {
        maxBatchSize: valid.maxBatchSize,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        heartbeatIntervalMs: this.config.heartbeatIntervalMs,
        maxWaitTimeMs: this.config.maxWaitTimeMs,
        maxBytesPerPartition: this.config.maxBatchBytes + BATCH_HEADER_SLACK_BYTES,
      },
      (stopped) => this.subscriptions.delete(stopped),
    );
    this.subscriptions.add(subscription);
    if (this.closed) await subscription.stop();
    return subscription;
  }

  /** False when closed, when the brokers do not answer, or when a subscription's consumer crashed for good. */
  async isHealthy(): Promise<boolean> {
    if (this.closed) return false;
    if ([...this.subscriptions].some((s) => s.failed)) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('health check timed out')), HEALTH_TIMEOUT_MS);
      });
      const cluster = await Promise.race([this.admin.describeCluster(), timeout]);
      return cluster.brokers.length > 0;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.signalClosed(new EventBusClosedError());
      await Promise.all([...this.subscriptions].map((s) => s.stop()));
      await Promise.all([...this.publishers.values()].map((p) => p.idle()));
      const results = await Promise.allSettled([
        this.producer.disconnect(),
        this.admin.disconnect(),
        this.cluster.disconnect(),
        this.longPolls.close(),
      ]);
      for (const result of results) {
        if (result.status === 'rejected')
          this.logger.warn('kafka client did not disconnect cleanly', describeError(result.reason));
      }
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventBusClosedError();
  }

  /** Checks once per topic that it exists and can give the bus's guarantees. */
  private requireTopic(topic: string): Promise<void> {
    let verified = this.verifiedTopics.get(topic);
    if (!verified) {
      verified = this.verifyTopic(topic);
      this.verifiedTopics.set(topic, verified);
      verified.catch(() => this.verifiedTopics.delete(topic));
    }
    return verified;
  }

  private async verifyTopic(topic: string): Promise<void> {
    let partitions: number;
    let timestampType: string | undefined;
    let maxMessageBytes: number | undefined;
    try {
      const topics = await this.admin.listTopics();
      if (!topics.includes(topic)) throw new TopicNotFoundError(topic);
      const metadata = await this.admin.fetchTopicMetadata({ topics: [topic] });
      partitions = metadata.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
      const described = await this.admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configNames: ['message.timestamp.type', 'max.message.bytes'],
          },
        ],
      });
      const entries = described.resources[0]?.configEntries ?? [];
      timestampType = entries.find((e) => e.configName === 'message.timestamp.type')?.configValue;
      const maxBytes = entries.find((e) => e.configName === 'max.message.bytes')?.configValue;
      maxMessageBytes = maxBytes === undefined ? undefined : Number(maxBytes);
    } catch (error) {
      throw toEventBusError(error, 'describe topic', topic);
    }
    if (partitions !== 1) {
      throw new TopicMisconfiguredError(
        `topic "${topic}" has ${partitions} partitions; the bus needs exactly one for a total order`,
      );
    }
    if (timestampType !== 'LogAppendTime') {
      throw new TopicMisconfiguredError(
        `topic "${topic}" uses message.timestamp.type=${timestampType ?? 'unknown'}; the bus needs LogAppendTime so that ` +
          `time comes from the log (kafka-configs --alter --entity-type topics --entity-name ${topic} ` +
          '--add-config message.timestamp.type=LogAppendTime)',
      );
    }
    if (maxMessageBytes !== undefined && maxMessageBytes < this.config.maxBatchBytes + BATCH_HEADER_SLACK_BYTES) {
      this.logger.warn('topic max.message.bytes is below the bus maxBatchBytes; large publishes will be refused', {
        topic,
        maxMessageBytes,
        maxBatchBytes: this.config.maxBatchBytes,
      });
    }
  }

  private async watermarks(topic: string): Promise<{ low: number; high: number }> {
    try {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      const partition = offsets.find((o) => o.partition === 0);
      if (!partition) throw new TopicMisconfiguredError(`topic "${topic}" has no partition 0`);
      return { low: Number(partition.low), high: Number(partition.high) };
    } catch (error) {
      throw toEventBusError(error, 'endOffset', topic);
    }
  }

  /**
   * A group without a committed offset gets its start position committed now
   * (not when the consumer first fetches, which happens later), so 'latest'
   * means the end of the log when subscribe was called.
   */
  private async initialiseGroupOffset(topic: string, busGroupId: string, from: StartPosition): Promise<void> {
    const groupId = kafkaConsumerGroupId(busGroupId, topic);
    let committed: string | undefined;
    try {
      const groups = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      committed = groups.find((g) => g.topic === topic)?.partitions.find((p) => p.partition === 0)?.offset;
    } catch (error) {
      throw toEventBusError(error, 'fetch group offsets', topic);
    }
    if (committed !== undefined && Number(committed) >= 0) return;
    const { low, high } = await this.watermarks(topic);
    const start = from === 'earliest' ? low : from === 'latest' ? high : from.offset;
    if (start > high) throw new OffsetOutOfRangeError(topic, start, high);
    if (start < low) throw new OffsetOutOfRangeError(topic, start, high);
    let committedNow: boolean;
    try {
      committedNow = await commitOffsetOfIdleGroup(this.cluster, groupId, topic, start);
    } catch (error) {
      throw toEventBusError(error, 'initialise group offset', topic);
    }
    // Not committed: a live member of the group already has a position, which wins.
    if (!committedNow) this.logger.debug('group has live members; not initialising its offset', { topic, groupId });
  }
}

function resolveKafkaConfig(config: KafkaEventBusConfig): ResolvedKafkaConfig {
  const problems = new ConfigProblems('kafka event bus');
  const brokers: unknown = config?.brokers;
  problems.check(
    Array.isArray(brokers) &&
      brokers.length > 0 &&
      brokers.every((b) => typeof b === 'string' && /^[^\s:]+:\d{1,5}$/.test(b)),
    `brokers must be a non-empty list of host:port, got ${JSON.stringify(brokers)}`,
  );
  problems.check(
    typeof config?.clientId === 'string' && config.clientId.length > 0,
    'clientId must be a non-empty string',
  );
  problems.integer('replicationFactor', config?.replicationFactor, 1, 32767);
  problems.integer('minInsyncReplicas', config?.minInsyncReplicas, 1, 32767);
  problems.integer('retentionMs', config?.retentionMs, -1, Number.MAX_SAFE_INTEGER);
  problems.integer('sessionTimeoutMs', config?.sessionTimeoutMs, 1000, 3_600_000);
  problems.integer('heartbeatIntervalMs', config?.heartbeatIntervalMs, 100, 600_000);
  problems.integer('maxWaitTimeMs', config?.maxWaitTimeMs, 0, 60_000);
  problems.integer('connectionTimeoutMs', config?.connectionTimeoutMs, 100, 600_000);
  problems.integer('requestTimeoutMs', config?.requestTimeoutMs, 1000, 600_000);
  for (const problem of kafkaSecurityProblems(config ?? {})) problems.check(false, problem);
  const common = resolveCommonConfig(config ?? {}, problems);
  const sessionTimeoutMs = config?.sessionTimeoutMs ?? 30_000;
  const heartbeatIntervalMs = config?.heartbeatIntervalMs ?? Math.min(3000, Math.floor(sessionTimeoutMs / 3));
  problems.check(heartbeatIntervalMs < sessionTimeoutMs, 'heartbeatIntervalMs must be below sessionTimeoutMs');
  problems.throwIfAny();
  return {
    ...common,
    replicationFactor: config.replicationFactor,
    minInsyncReplicas: config.minInsyncReplicas,
    retentionMs: config.retentionMs ?? -1,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxWaitTimeMs: config.maxWaitTimeMs ?? 500,
    requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
  };
}
