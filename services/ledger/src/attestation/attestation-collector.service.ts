import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { verifyAttestation, type Attestation } from '@accord/protocol';
import { TopicNotFoundError, type EventBus, type LogMessage } from '@accord/event-bus';
import { attestTopic, decodeAttestationEvent, type ParkReason } from '@accord/events';
import { withTransaction } from '@accord/persistence';
import { DeadLetterPublisher, InjectEventBus, ServiceLogger, ServiceMetrics } from '@accord/service-kit';
import type { Counter } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { AttestationRepository } from '../persistence/attestation.repository';
import { ChannelRepository } from '../persistence/channel.repository';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { ConfigHistoryService } from '../query/config-history.service';
import { FinalityService } from './finality.service';

/** Timings of the collector; tests shorten them. */
export interface CollectorTimings {
  /** How often the followed-channel list is re-read. */
  readonly discoverMs: number;
  /** Pause when the attest topic has nothing new. */
  readonly idleMs: number;
  /** Pause after a failed read or store. */
  readonly retryMs: number;
}

export const DEFAULT_COLLECTOR_TIMINGS: CollectorTimings = { discoverMs: 1000, idleMs: 100, retryMs: 1000 };
export const COLLECTOR_TIMINGS = 'accord:ledger:collector-timings';

const READ_BATCH = 500;
/** The collector's name as a consumer: its dead letters go to deadLetterTopic(department, 'ledger-attestations'). */
export const ATTESTATIONS_CONSUMER = 'ledger-attestations';
/** The newest non-final attested heights re-evaluated at start, in case the last run stopped between storing and evaluating. */
const STARTUP_SWEEP = 1000;

/**
 * Reads every followed channel's attestation topic from the offset stored in
 * the database (the truth; no consumer group), checks each attestation
 * against the key its member had at that height, stores each distinct one
 * together with the new offset in one transaction, then
 * re-evaluates finality of the heights it touched. Attestations of blocks
 * not committed here yet are re-evaluated once the block is. A record that
 * is not an attestation of the channel is counted, logged with its offset
 * and parked on the dead-letter topic before the cursor moves past it,
 * never fatal.
 */
@Injectable()
export class AttestationCollectorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly readers = new Map<string, ChannelReader>();
  private readonly timings: CollectorTimings;
  private readonly log: ServiceLogger;
  private readonly received: Counter;
  private readonly garbage: Counter;
  private readonly dropped: Counter;
  private readonly deadLetters: DeadLetterPublisher;
  private discovery: Promise<void> | undefined;
  private stopped = false;
  private wakeDiscovery: (() => void) | undefined;

  constructor(
    @InjectEventBus() private readonly bus: EventBus,
    private readonly dataSource: DataSource,
    private readonly channels: ChannelRepository,
    private readonly attestations: AttestationRepository,
    private readonly reads: LedgerReadRepository,
    private readonly finality: FinalityService,
    private readonly configs: ConfigHistoryService,
    metrics: ServiceMetrics,
    log: ServiceLogger,
    @Optional() @Inject(COLLECTOR_TIMINGS) timings?: CollectorTimings,
  ) {
    this.timings = timings ?? DEFAULT_COLLECTOR_TIMINGS;
    this.log = log.forContext('attestations');
    this.received = metrics.counter('accord_ledger_attestations_received', {
      description: 'Attestations read from accord.<channel>.attest, by channel and kind',
    });
    this.dropped = metrics.counter('accord_ledger_attestations_dropped', {
      description:
        'Attestations of committed heights not stored: not by an active member, bad signature, or before genesis',
    });
    this.garbage = metrics.counter('accord_ledger_attestations_garbage', {
      description: 'Records on accord.<channel>.attest that are not attestations of that channel',
    });
    this.deadLetters = new DeadLetterPublisher({
      bus,
      department: metrics.department,
      consumer: ATTESTATIONS_CONSUMER,
      log: this.log.pino,
      counter: metrics.counter('accord_ledger_events_parked', {
        description: 'Records the ledger could not read (by topic and reason code), parked on its dead-letter topic',
      }),
    });
  }

  onApplicationBootstrap(): void {
    this.discovery = this.discoverLoop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wakeDiscovery?.();
    await this.discovery;
    await Promise.all([...this.readers.values()].map((r) => r.stop()));
    this.readers.clear();
  }

  /** Starts collecting for a channel now instead of at the next discovery round (idempotent). */
  follow(channel: string): void {
    if (this.stopped || this.readers.has(channel)) return;
    const reader = new ChannelReader(channel, this, this.timings);
    this.readers.set(channel, reader);
    reader.start();
  }

  /** Channels being collected. */
  collecting(): string[] {
    return [...this.readers.keys()].sort();
  }

  private async discoverLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const followed = await this.channels.list({ followingOnly: true });
        const names = new Set(followed.map((c) => c.channel));
        for (const name of names) this.follow(name);
        for (const [name, reader] of this.readers) {
          if (names.has(name)) continue;
          this.readers.delete(name);
          await reader.stop();
        }
      } catch (error) {
        if (!this.stopped) this.log.pino.warn({ err: error }, 'cannot list followed channels; retrying');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.timings.discoverMs);
        this.wakeDiscovery = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * @internal One round for a channel: read a batch, store it with the
   * cursor, evaluate. Returns the next offset (the same one when idle) and
   * the heights that could not be evaluated because their block is not
   * committed here yet.
   */
  async collectOnce(channel: string, offset: number): Promise<{ next: number; deferred: number[] }> {
    const messages = await this.bus.read(attestTopic(channel), offset, READ_BATCH);
    if (messages.length === 0) return { next: offset, deferred: [] };
    const items: { attestation: Attestation; offset: number }[] = [];
    const garbage: { message: LogMessage; reason: ParkReason }[] = [];
    for (const message of messages) {
      const decoded = decodeAttestationEvent(message.value);
      if (!decoded.ok || decoded.event.body.channel !== channel) {
        this.garbage.add(1, { channel });
        garbage.push({
          message,
          reason: decoded.ok
            ? { code: 'attestation_wrong_channel', message: `an attestation of channel ${decoded.event.body.channel}` }
            : decoded.failure,
        });
        continue;
      }
      const attestation = decoded.event;
      this.received.add(1, { channel, kind: attestation.body.kind });
      items.push({ attestation, offset: message.offset });
    }
    await this.deadLetters.park(garbage);
    const kept = await this.screen(channel, items);
    const next = messages[messages.length - 1].offset + 1;
    await withTransaction(this.dataSource, async (manager) => {
      await this.attestations.insertMany(kept, manager);
      await this.attestations.advanceCursor(manager, channel, next);
    });
    return {
      next,
      deferred: await this.evaluate(
        channel,
        kept.map((i) => i.attestation.body.height),
      ),
    };
  }

  /**
   * Drops attestations of committed heights that are not by a member active
   * at that height with its key in force there (nobody else can make a
   * block final, and storing forgeries would only let anyone fill the
   * table). Attestations of heights not committed here yet are kept: the
   * configuration that judges them is not known yet; finality screens them
   * again when it evaluates the height.
   */
  private async screen(
    channel: string,
    items: readonly { attestation: Attestation; offset: number }[],
  ): Promise<{ attestation: Attestation; offset: number }[]> {
    if (items.length === 0) return [];
    const head = ((await this.channels.find(channel))?.snapshot.nextHeight ?? 0) - 1;
    const kept: { attestation: Attestation; offset: number }[] = [];
    for (const item of items) {
      const { body } = item.attestation;
      if (body.height > head) {
        kept.push(item);
        continue;
      }
      const config = await this.configs.configAt(channel, body.height);
      const member = config?.members.find((m) => m.id === body.from && m.status === 'active');
      const reason =
        config === null
          ? 'before_genesis'
          : member === undefined
            ? 'not_a_member'
            : !verifyAttestation(item.attestation, member.ed25519)
              ? 'bad_signature'
              : undefined;
      if (reason === undefined) {
        kept.push(item);
      } else {
        this.dropped.add(1, { channel, reason });
        this.log.pino.warn(
          { channel, height: body.height, from: body.from, kind: body.kind, reason },
          'attestation dropped',
        );
      }
    }
    return kept;
  }

  /** @internal Evaluates heights; returns those whose block is not committed here yet. */
  async evaluate(channel: string, heights: readonly number[]): Promise<number[]> {
    if (heights.length === 0) return [];
    const done = new Set((await this.finality.evaluate(channel, heights)).map((r) => r.height));
    return [...new Set(heights)].filter((h) => !done.has(h));
  }

  /** @internal Evaluates the deferred heights whose block is committed by now; returns the rest. */
  async evaluateDeferred(channel: string, deferred: ReadonlySet<number>): Promise<Set<number>> {
    const head = ((await this.channels.find(channel))?.snapshot.nextHeight ?? 0) - 1;
    const ready = [...deferred].filter((h) => h <= head);
    // A committed height that still cannot be evaluated (no configuration: before genesis) never will be.
    if (ready.length > 0) await this.finality.evaluate(channel, ready);
    return new Set([...deferred].filter((h) => h > head));
  }

  /** @internal At start: the newest non-final heights that have attestations. */
  async startupSweep(channel: string): Promise<number[]> {
    return this.evaluate(channel, await this.reads.nonFinalAttestedHeights(channel, STARTUP_SWEEP));
  }

  /** @internal */
  cursor(channel: string): Promise<number> {
    return this.attestations.cursor(channel);
  }

  /** @internal */
  warn(error: unknown, channel: string, what: string): void {
    if (this.stopped) return;
    // The channel's runner creates the topic when it starts following; until then there is nothing to read.
    if (error instanceof TopicNotFoundError)
      this.log.pino.debug({ channel }, 'attestation topic does not exist yet; retrying');
    else this.log.pino.warn({ err: error, channel }, `${what}; retrying`);
  }
}

/** The read loop of one channel. */
class ChannelReader {
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly channel: string,
    private readonly collector: AttestationCollectorService,
    private readonly timings: CollectorTimings,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    let offset: number | undefined;
    let swept = false;
    // Heights attested before their block was committed here: re-evaluated while idle until it is.
    let deferred = new Set<number>();
    while (!this.stopped) {
      let pause = 0;
      try {
        offset ??= await this.collector.cursor(this.channel);
        if (!swept) {
          for (const h of await this.collector.startupSweep(this.channel)) deferred.add(h);
          swept = true;
        }
        const { next, deferred: later } = await this.collector.collectOnce(this.channel, offset);
        for (const h of later) deferred.add(h);
        if (next === offset) {
          if (deferred.size > 0) deferred = await this.collector.evaluateDeferred(this.channel, deferred);
          pause = this.timings.idleMs;
        }
        offset = next;
      } catch (error) {
        this.collector.warn(error, this.channel, 'attestation collection failed');
        offset = undefined;
        pause = this.timings.retryMs;
      }
      if (pause > 0 && !this.stopped) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
