import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ConfigProblems,
  resolveCommonConfig,
  type EmbeddedEventBusConfig,
  type ResolvedCommonConfig,
} from '../event-bus.config';
import {
  EventBusClosedError,
  LogWriteFailedError,
  OffsetOutOfRangeError,
  TopicNotFoundError,
} from '../event-bus.errors';
import { stderrEventBusLogger, type EventBusLogger } from '../event-bus.logger';
import type {
  EventBus,
  LogMessage,
  OutgoingMessage,
  PublishResult,
  ReadOptions,
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
import { isErrnoException } from './durable-file.util';
import { DirectoryLock } from './directory.lock';
import { EmbeddedSubscription } from './embedded-subscription.consumer';
import { TopicLog, type TopicLogOptions } from './topic-log.store';
import { isUnwritableDiskError, unwritableReason } from './unwritable-reason';

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** The log's clock when the caller brings none (the bus sits below the service kit, so it cannot take its Clock provider). */
const systemClock = { now: (): number => Date.now() };
/** Upper bound of one `read` call, as for Kafka's single fetch. */
export const MAX_READ_COUNT = 100_000;

/**
 * The embedded durable log: the event bus without servers, for embedded
 * (single machine) mode. Layout under `dataDir`:
 *   LOCK                                   pid of the owning process
 *   topics/<topic>/<baseOffset>.log        append-only segments (length + CRC32 framed records)
 *   topics/<topic>/<baseOffset>.index      sparse offset index of sealed segments
 *   topics/<topic>/groups/<groupId>.offset committed group offsets
 * See docs/event-bus.md.
 */
export class EmbeddedEventBus implements EventBus {
  private readonly logs = new Map<string, Promise<TopicLog>>();
  private readonly groups = new Map<string, EmbeddedSubscription[]>();
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly topicsDir: string,
    private readonly lock: DirectoryLock,
    private readonly common: ResolvedCommonConfig,
    private readonly logOptions: TopicLogOptions,
    private readonly logger: EventBusLogger,
  ) {}

  /** Opens (creating if needed) the log directory and takes its single-process lock. */
  static async open(config: EmbeddedEventBusConfig): Promise<EmbeddedEventBus> {
    const problems = new ConfigProblems('embedded event bus');
    problems.check(
      typeof config?.dataDir === 'string' && config.dataDir.length > 0,
      'dataDir must be a non-empty path',
    );
    problems.integer('segmentBytes', config?.segmentBytes, 4096, 1024 * 1024 * 1024);
    problems.check(
      config?.clock === undefined || typeof config.clock?.now === 'function',
      'clock must have a now() method',
    );
    const common = resolveCommonConfig(config ?? {}, problems);
    problems.throwIfAny();

    const logger = config.logger ?? stderrEventBusLogger;
    const dataDir = resolve(config.dataDir);
    const topicsDir = join(dataDir, 'topics');
    await mkdir(topicsDir, { recursive: true });
    const lock = await DirectoryLock.acquire(dataDir, logger);
    try {
      // Leftovers of a topic creation interrupted by a crash (never visible as topics).
      for (const name of await readdir(topicsDir)) {
        if (name.startsWith('.creating-')) await rm(join(topicsDir, name), { recursive: true, force: true });
      }
    } catch (error) {
      await lock.release();
      throw error;
    }
    const logOptions: TopicLogOptions = {
      segmentBytes: config.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
      clock: config.clock ?? systemClock,
      logger,
    };
    return new EmbeddedEventBus(topicsDir, lock, common, logOptions, logger);
  }

  async ensureTopic(topic: string): Promise<void> {
    this.assertOpen();
    assertTopicName(topic);
    await this.getLog(topic, true);
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<PublishResult> {
    this.assertOpen();
    assertTopicName(topic);
    const bytes = validateMessages(topic, messages, this.common.maxBatchBytes);
    const log = await this.getLog(topic, false);
    return log.append(messages, bytes);
  }

  async read(topic: string, fromOffset: number, max: number, options?: ReadOptions): Promise<LogMessage[]> {
    this.assertOpen();
    assertTopicName(topic);
    assertOffset('fromOffset', fromOffset);
    assertCount('max', max, MAX_READ_COUNT);
    const waitMs = readWaitMs(options);
    const log = await this.getLog(topic, false);
    // Only a read at the end waits, as a Kafka fetch beyond the high watermark answers at once.
    if (waitMs > 0 && fromOffset === log.endOffset) {
      await log.waitForAppend(fromOffset, waitMs);
      this.assertOpen();
    }
    return log.read(fromOffset, max);
  }

  async endOffset(topic: string): Promise<number> {
    this.assertOpen();
    assertTopicName(topic);
    return (await this.getLog(topic, false)).endOffset;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const valid = validateSubscribeOptions(options);
    const log = await this.getLog(valid.topic, false);
    const committed = await log.offsets.load(valid.groupId);
    if (committed === undefined) {
      // Fix the start now, so 'latest' means "after subscribe resolved" even across a restart.
      const end = log.endOffset;
      const from = valid.fromIfNoCommit;
      const start = from === 'earliest' ? 0 : from === 'latest' ? end : from.offset;
      if (start > end) throw new OffsetOutOfRangeError(valid.topic, start, end);
      await log.offsets.commit(valid.groupId, start);
    }
    this.assertOpen();
    const key = `${valid.topic}\u0000${valid.groupId}`;
    const subscription = new EmbeddedSubscription(
      log,
      {
        topic: valid.topic,
        groupId: valid.groupId,
        handler: options.handler,
        onError: options.onError,
        logger: this.logger,
        retryInitialMs: this.common.retryInitialMs,
        retryMaxMs: this.common.retryMaxMs,
      },
      valid.maxBatchSize,
      (stopped) => this.release(key, stopped),
    );
    const members = this.groups.get(key) ?? [];
    members.push(subscription);
    this.groups.set(key, members);
    members[0].activate();
    return subscription;
  }

  async isHealthy(): Promise<boolean> {
    if (this.closed) return false;
    const logs = await Promise.allSettled(this.logs.values());
    return logs.every((r) => r.status === 'rejected' || r.value.healthy);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      // Wake long-poll reads first: they end with EventBusClosedError rather than wait out their waitMs.
      for (const opened of await Promise.allSettled(this.logs.values()))
        if (opened.status === 'fulfilled') opened.value.wakeWaiters();
      const members = [...this.groups.values()].flat();
      await Promise.all(members.map((s) => s.stop()));
      const logs = await Promise.allSettled(this.logs.values());
      await Promise.all(logs.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
      this.logs.clear();
      await this.lock.release();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventBusClosedError();
  }

  /** Removes a stopped subscription from its group and hands the group to the next one waiting. */
  private release(key: string, stopped: EmbeddedSubscription): void {
    const members = this.groups.get(key);
    if (!members) return;
    const index = members.indexOf(stopped);
    if (index >= 0) members.splice(index, 1);
    if (members.length === 0) this.groups.delete(key);
    else if (!this.closed) members[0].activate();
  }

  private getLog(topic: string, create: boolean): Promise<TopicLog> {
    const cached = this.logs.get(topic);
    if (cached) {
      if (!create) return cached;
      return cached.catch((error: unknown) => {
        if (error instanceof TopicNotFoundError) return this.getLog(topic, true);
        throw error;
      });
    }
    const opening = this.openLog(topic, create);
    this.logs.set(topic, opening);
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (this.logs.get(topic) === opening) this.logs.delete(topic);
    });
    return opening;
  }

  /** Opens or creates a topic's log; a disk that cannot take the writes this needs is a LogWriteFailedError. */
  private async openLog(topic: string, create: boolean): Promise<TopicLog> {
    try {
      return await this.openLogFiles(topic, create);
    } catch (error) {
      if (!isUnwritableDiskError(error)) throw error;
      throw new LogWriteFailedError(topic, unwritableReason(error), { cause: error });
    }
  }

  private async openLogFiles(topic: string, create: boolean): Promise<TopicLog> {
    const dir = join(this.topicsDir, topic);
    let exists: boolean;
    try {
      exists = (await stat(dir)).isDirectory();
    } catch (error) {
      if (!isErrnoException(error, 'ENOENT')) throw error;
      exists = false;
    }
    if (exists) return TopicLog.open(dir, topic, this.logOptions);
    if (!create) throw new TopicNotFoundError(topic);
    return TopicLog.create(this.topicsDir, topic, this.logOptions);
  }
}
