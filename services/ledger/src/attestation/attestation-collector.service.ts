import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { verifyAttestation, type Attestation } from '@accord/protocol';
import type { LogMessage } from '@accord/event-bus';
import { withTransaction } from '@accord/persistence';
import {
  EventRejectedError,
  EventSubscriptionRegistry,
  ServiceLogger,
  ServiceMetrics,
  type EventBatch,
  type EventCheckpoints,
} from '@accord/service-kit';
import type { Counter } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { attestTopic, decodeAttestationEvent } from '@accord/events';
import { AttestationRepository } from '../persistence/attestation.repository';
import { ChannelRepository } from '../persistence/channel.repository';
import { LedgerReadRepository } from '../persistence/ledger-read.repository';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { ConfigHistoryService } from '../query/config-history.service';
import { FinalityService } from './finality.service';

/** The `@EventPattern` of attestations (docs/event-bus.md "Event transport"). */
export const ATTESTATIONS = 'attestations';
/** The consumer's name: its dead-letter topic is accord.dlq.<department>.ledger-attestations. */
export const ATTESTATIONS_CONSUMER = 'ledger-attestations';

/** The newest non-final attested heights re-evaluated when a channel is first read, in case the last run stopped between storing and evaluating. */
const STARTUP_SWEEP = 1000;

/**
 * The consumer of every followed channel's attestation topic, run by the
 * event transport (AttestationEventsController): checks each attestation
 * against the key its member had at that height, stores each distinct one
 * together with the topic's checkpoint in one transaction, then
 * re-evaluates finality of the heights it touched. Attestations of blocks
 * not committed here yet are re-evaluated when this ledger commits the
 * block (CommitNotifier). A record that is not an attestation of the
 * topic's channel fails the parse and is parked by the transport, counted.
 */
@Injectable()
export class AttestationCollectorService implements EventCheckpoints, OnModuleDestroy {
  private readonly log: ServiceLogger;
  private readonly received: Counter;
  private readonly dropped: Counter;
  private readonly channelByTopic = new Map<string, string>();
  /** Heights attested before their block was committed here, by channel. */
  private readonly deferred = new Map<string, Set<number>>();
  private readonly swept = new Set<string>();
  /** One finality evaluation at a time per channel. */
  private readonly evaluations = new Map<string, Promise<unknown>>();
  private readonly stopListening: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: ChannelRepository,
    private readonly attestations: AttestationRepository,
    private readonly reads: LedgerReadRepository,
    private readonly finality: FinalityService,
    private readonly configs: ConfigHistoryService,
    notifier: CommitNotifier,
    subscriptions: EventSubscriptionRegistry,
    metrics: ServiceMetrics,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('attestations');
    this.received = metrics.counter('accord_ledger_attestations_received', {
      description: 'Attestations read from accord.<channel>.attest, by channel and kind',
    });
    this.dropped = metrics.counter('accord_ledger_attestations_dropped', {
      description:
        'Attestations of committed heights not stored: not by an active member, bad signature, or before genesis',
    });
    subscriptions.register<Attestation>({
      pattern: ATTESTATIONS,
      consumer: ATTESTATIONS_CONSUMER,
      topics: () => this.topics(),
      parse: (message) => this.parse(message),
      checkpoints: this,
    });
    this.stopListening = notifier.subscribe((blocks) => {
      for (const channel of new Set(blocks.map((b) => b.channel))) this.evaluateDeferred(channel);
    });
  }

  onModuleDestroy(): void {
    this.stopListening();
  }

  /** The attestation topics of the followed channels; a channel read for the first time gets its startup sweep. */
  private async topics(): Promise<string[]> {
    const followed = await this.channels.list({ followingOnly: true });
    for (const { channel } of followed) {
      this.channelByTopic.set(attestTopic(channel), channel);
      if (this.swept.has(channel)) continue;
      this.defer(channel, await this.serially(channel, () => this.startupSweep(channel)));
      this.swept.add(channel);
    }
    return followed.map((c) => attestTopic(c.channel));
  }

  /** The attestation a record holds; throws a coded EventRejectedError for anything else (the transport parks it). */
  private parse(message: LogMessage): Attestation {
    const channel = this.channelOf(message.topic);
    const decoded = decodeAttestationEvent(message.value);
    if (!decoded.ok) throw new EventRejectedError(decoded.failure.code, decoded.failure.message);
    if (decoded.event.body.channel !== channel)
      throw new EventRejectedError(
        'attestation_wrong_channel',
        `an attestation of channel ${decoded.event.body.channel} on the topic of ${channel}`,
      );
    return decoded.event;
  }

  async next(topic: string): Promise<number> {
    return this.attestations.cursor(this.channelOf(topic));
  }

  async skipTo(topic: string, next: number): Promise<void> {
    const channel = this.channelOf(topic);
    await withTransaction(this.dataSource, (manager) => this.attestations.advanceCursor(manager, channel, next));
  }

  /** Stores a batch with its checkpoint, then evaluates the heights it touched. */
  async collect(batch: EventBatch<Attestation>): Promise<void> {
    const channel = this.channelOf(batch.topic);
    const items = batch.events.map(({ event, offset }) => {
      this.received.add(1, { channel, kind: event.body.kind });
      return { attestation: event, offset };
    });
    const kept = await this.screen(channel, items);
    await withTransaction(this.dataSource, async (manager) => {
      await this.attestations.insertMany(kept, manager);
      await this.attestations.advanceCursor(manager, channel, batch.nextOffset);
    });
    const heights = kept.map((i) => i.attestation.body.height);
    this.defer(channel, await this.serially(channel, () => this.evaluate(channel, heights)));
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

  /** Evaluates heights; returns those whose block is not committed here yet. */
  private async evaluate(channel: string, heights: readonly number[]): Promise<number[]> {
    if (heights.length === 0) return [];
    const done = new Set((await this.finality.evaluate(channel, heights)).map((r) => r.height));
    return [...new Set(heights)].filter((h) => !done.has(h));
  }

  /** After a commit: evaluates the deferred heights whose block is committed by now. */
  private evaluateDeferred(channel: string): void {
    const waiting = this.deferred.get(channel);
    if (waiting === undefined || waiting.size === 0) return;
    this.serially(channel, async () => {
      const head = ((await this.channels.find(channel))?.snapshot.nextHeight ?? 0) - 1;
      const ready = [...waiting].filter((h) => h <= head);
      if (ready.length === 0) return;
      // A committed height that still cannot be evaluated (no configuration: before genesis) never will be.
      await this.finality.evaluate(channel, ready);
      for (const h of ready) waiting.delete(h);
    }).catch((error: unknown) =>
      this.log.pino.warn(
        { err: error, channel },
        'evaluating deferred finality failed; retrying after the next commit',
      ),
    );
  }

  /** The newest non-final heights that have attestations. */
  private async startupSweep(channel: string): Promise<number[]> {
    return this.evaluate(channel, await this.reads.nonFinalAttestedHeights(channel, STARTUP_SWEEP));
  }

  private defer(channel: string, heights: readonly number[]): void {
    if (heights.length === 0) return;
    const waiting = this.deferred.get(channel) ?? new Set<number>();
    for (const h of heights) waiting.add(h);
    this.deferred.set(channel, waiting);
  }

  private serially<T>(channel: string, work: () => Promise<T>): Promise<T> {
    const previous = this.evaluations.get(channel) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.evaluations.set(channel, next);
    return next;
  }

  private channelOf(topic: string): string {
    const channel = this.channelByTopic.get(topic);
    if (channel === undefined) throw new Error(`${topic} is not the attestation topic of a followed channel`);
    return channel;
  }
}
