import type { LogMessage } from '@accord/event-bus';
import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import {
  applyBlockRecords,
  initialAppliedChannel,
  initialRulesState,
  type AppliedChannel,
  type BlockApplierEvent,
  type BlockRecordCommand,
  type RulesState,
} from '@accord/rules';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { blocksTopic } from '@accord/events';
import type { Clock, DeadLetterPublisher } from '@accord/service-kit';
import { BlockEventInvalidError, ConcurrentWriterError, CorruptStateError } from '../contracts.errors';
import type { LedgerClient } from '@accord/service-kit';
import type { AppliedBlockRows, ReceiptRepository } from '../persistence/receipt.repository';
import type {
  ChannelHalt,
  ChannelHead,
  RulesStateRepository,
  UnkeptRequest,
} from '../persistence/rules-state.repository';
import { fetchBlockExtras, type BlockExtras } from './block-extras.fetcher';
import { parseBlockRecord, toBlockRecordCommand, type ParsedRecord } from './block-record.mapper';
import type { ContractsPipelineMetrics } from './contracts-pipeline.metrics';
import { appliedBlockChanges, type RequestDecision } from './receipt-rows.mapper';
import { pointsFlowOf } from './points-flow';

export const BLOCKS_CONSUMER = 'contracts';

/** A channel's head and its rule state, as committed to the database. */
export interface ChannelRuntime {
  readonly head: ChannelHead;
  readonly state: RulesState;
}

export interface RulesApplierDeps {
  readonly dataSource: DataSource;
  readonly states: RulesStateRepository;
  readonly receipts: ReceiptRepository;
  /** This department's ledger API, or null when not configured. */
  readonly ledger: LedgerClient | null;
  readonly department: string;
  /** Where records of the blocks topic that do not parse or verify are parked (deadLetterTopic(department, 'contracts')). */
  readonly deadLetters: DeadLetterPublisher;
  readonly log: Logger;
  readonly metrics?: ContractsPipelineMetrics;
  /** Wall clock for halt records (operators read it; the rules never do). */
  readonly clock: Clock;
}

export interface BatchOutcome {
  readonly nextOffset: number;
  /** Channels whose height moved or that halted in this batch. */
  readonly touched: readonly string[];
}

/** A channel's outcome of one batch and the rows it writes; becomes its runtime only after the transaction commits. */
interface Work {
  readonly head: ChannelHead;
  readonly state: RulesState;
  readonly before: RulesState;
  readonly isNew: boolean;
  haltedNow: boolean;
  readonly applied: AppliedBlockRows[];
  readonly unkept: UnkeptRequest[];
  readonly decisions: Map<string, RequestDecision>;
}

/**
 * The verdict of an audit of a channel's stored rule state
 * (`RulesApplier.auditStored`, `POST /v1/channels/:channel/audit`).
 */
export type StateAudit =
  | {
      readonly ok: true;
      readonly channel: string;
      readonly height: number;
      /** The digest the stored rows hash to: the one this department applied and attests. */
      readonly digest: string | null;
    }
  | {
      readonly ok: false;
      readonly channel: string;
      /** The applied height whose stored state failed (or the halt's height for a channel already halted). */
      readonly height: number;
      /** `contracts_state_corrupt`, or the code of an earlier halt. */
      readonly code: string;
      readonly reason: string;
      /** Whether this audit halted the channel (false: it was halted already). */
      readonly haltedNow: boolean;
    };

/**
 * Applies block.committed events to the rule state of each channel
 * (docs/contracts.md "Applying blocks"). What each record does — apply,
 * skip a redelivered height, halt a channel on a gap, a divergence, a
 * broken link, a block or configuration it cannot obtain, or an event that
 * does not verify (also parked on the dead-letter topic before the
 * checkpoint moves past it) — is the pure block applier's decision (libs/rules
 * `decideBlockRecord`); this service reads the batch, fetches what events
 * lack from the ledger API, calls the decider, and writes the outcome. One
 * database transaction per batch holds the new state rows, receipts and
 * digests of every block in it and the blocks-topic checkpoint; the
 * in-memory state moves only after that transaction commits.
 */
export class RulesApplier {
  private runtimes = new Map<string, ChannelRuntime>();
  private next = 0;
  /** Batches, (re)loads and audits run one at a time: an audit must not read half of a batch's rows. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checkpoints = new ConsumerCheckpointRepository();
  readonly topic: string;

  constructor(private readonly deps: RulesApplierDeps) {
    this.topic = blocksTopic(deps.department);
  }

  /** Offset of the next record of the blocks topic to apply. */
  get nextOffset(): number {
    return this.next;
  }

  channel(channel: string): ChannelRuntime | undefined {
    return this.runtimes.get(channel);
  }

  channels(): ChannelRuntime[] {
    return [...this.runtimes.values()].sort((a, b) => (a.head.channel < b.head.channel ? -1 : 1));
  }

  /** Reads every channel's state and the checkpoint from the database (at start, and after a failed batch). */
  load(): Promise<void> {
    return this.exclusive(() => this.loadNow());
  }

  /**
   * Re-reads a channel's stored rule state and checks it against the head
   * this service applied and decides with: the stored height and digest must
   * be the applied ones, and the stored rows must validate and hash to that
   * digest. The database can be altered under a running service (a grant's
   * expiry, a balance): decisions use the applied state in memory, but the
   * rows are what list queries and the next start read, so a failed audit
   * halts the channel exactly as a corrupt state found at start does
   * (docs/contracts.md "Auditing the stored state"). Undefined for a channel
   * this service does not apply.
   */
  auditStored(channel: string): Promise<StateAudit | undefined> {
    return this.exclusive(() => this.auditStoredNow(channel));
  }

  private async auditStoredNow(channel: string): Promise<StateAudit | undefined> {
    const runtime = this.runtimes.get(channel);
    if (runtime === undefined) return undefined;
    const { head } = runtime;
    if (head.halted !== null) {
      const { height, code, message } = head.halted;
      return { ok: false, channel, height, code, reason: message, haltedNow: false };
    }
    const { states, dataSource } = this.deps;
    let halt: ChannelHalt | undefined;
    await withTransaction(dataSource, async (m) => {
      try {
        const stored = (await states.listChannels(m)).find((h) => h.channel === channel);
        if (stored === undefined || stored.height !== head.height || stored.digest !== head.digest) {
          throw new CorruptStateError(
            `the stored head of ${channel} is height ${String(stored?.height)} with digest ${String(stored?.digest)}, ` +
              `but this service applied height ${head.height} with digest ${String(head.digest)}`,
            { channel, height: head.height },
          );
        }
        await states.loadState(m, stored);
      } catch (error) {
        if (!(error instanceof CorruptStateError)) throw error;
        halt = this.haltRecord(head.height + 1, error.code, error.message);
        await states.saveHalt(m, channel, halt);
      }
    });
    if (halt === undefined) return { ok: true, channel, height: head.height, digest: head.digest };
    this.runtimes.set(channel, { ...runtime, head: { ...head, halted: halt } });
    this.deps.log.error(
      { channel, height: head.height, code: halt.code },
      `channel ${channel} halted by an audit of its stored state: ${halt.message}`,
    );
    this.deps.metrics?.halts.add(1, { channel, code: halt.code });
    this.deps.metrics?.setHead(channel, head.height, true);
    return { ok: false, channel, height: head.height, code: halt.code, reason: halt.message, haltedNow: true };
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadNow(): Promise<void> {
    const { states, dataSource } = this.deps;
    const runtimes = new Map<string, ChannelRuntime>();
    let next = 0;
    await withTransaction(dataSource, async (m) => {
      for (const head of await states.listChannels(m)) {
        try {
          runtimes.set(head.channel, { head, state: await states.loadState(m, head) });
        } catch (error) {
          if (!(error instanceof CorruptStateError)) throw error;
          const halt = this.haltRecord(head.height + 1, error.code, error.message);
          if (head.halted === null) await states.saveHalt(m, head.channel, halt);
          this.deps.log.error(
            { channel: head.channel, err: error },
            `channel ${head.channel} halted: ${error.message}`,
          );
          runtimes.set(head.channel, { head: { ...head, halted: head.halted ?? halt }, state: initialRulesState() });
        }
      }
      next = (await this.checkpoints.get(m, BLOCKS_CONSUMER, this.topic)) ?? 0;
    });
    this.runtimes = runtimes;
    this.next = next;
    for (const { head } of runtimes.values())
      this.deps.metrics?.setHead(head.channel, head.height, head.halted !== null);
  }

  /** Records the publication of a channel's attestations and decisions up to `height` (the row is written by the publisher). */
  markPublished(channel: string, height: number): void {
    const runtime = this.runtimes.get(channel);
    if (runtime !== undefined && height > runtime.head.publishedHeight) {
      this.runtimes.set(channel, { ...runtime, head: { ...runtime.head, publishedHeight: height } });
    }
  }

  /**
   * Moves the checkpoint past records the event transport parked without
   * applying them (a batch that kept failing): the next block then shows a
   * height gap and halts its channel, visibly, instead of vanishing.
   */
  async skipTo(nextOffset: number): Promise<void> {
    if (nextOffset <= this.next) return;
    await withTransaction(this.deps.dataSource, async (m) => {
      await this.checkpoints.advance(m, BLOCKS_CONSUMER, this.topic, nextOffset);
    });
    this.next = nextOffset;
  }

  /** Applies a batch of consecutive records of the blocks topic, starting at nextOffset, in one transaction. */
  applyBatch(messages: readonly LogMessage[]): Promise<BatchOutcome> {
    return this.exclusive(() => this.applyBatchNow(messages));
  }

  private async applyBatchNow(messages: readonly LogMessage[]): Promise<BatchOutcome> {
    if (messages.length === 0) return { nextOffset: this.next, touched: [] };
    const started = performance.now();
    const fresh = messages.filter((m) => m.offset >= this.next);
    const records = fresh.map(parseBlockRecord);
    const last = messages[messages.length - 1].offset;
    if (records.length === 0) return { nextOffset: this.next, touched: [] };
    await this.deps.deadLetters.park(
      records.flatMap(({ event }, i) =>
        event instanceof BlockEventInvalidError ? [{ message: fresh[i], reason: event }] : [],
      ),
    );
    const extras = await fetchBlockExtras(records, (c) => this.runtimes.get(c)?.head, this.deps.ledger);
    const at = this.now();
    let work: Work[] = [];
    await withTransaction(this.deps.dataSource, async (m) => {
      const stored = (await this.checkpoints.get(m, BLOCKS_CONSUMER, this.topic)) ?? 0;
      if (stored !== this.next) {
        throw new ConcurrentWriterError(
          `the checkpoint of ${this.topic} is ${stored}, this reader expected ${this.next}: another writer applied blocks`,
        );
      }
      const commands = await this.commands(m, records, extras, at);
      const named = namedChannels(commands);
      const decided = applyBlockRecords(this.appliedChannels(named), commands);
      this.report(decided.events, records);
      work = named.map((channel) =>
        this.workOf(channel, decided.channels.get(channel) ?? initialAppliedChannel(channel), decided.events),
      );
      for (const w of work) await this.persist(m, w);
      await this.checkpoints.advance(m, BLOCKS_CONSUMER, this.topic, last + 1);
    });
    const touched: string[] = [];
    for (const w of work) {
      this.runtimes.set(w.head.channel, { head: w.head, state: w.state });
      if (w.applied.length === 0 && !w.haltedNow) continue;
      touched.push(w.head.channel);
      this.count(w);
    }
    this.next = last + 1;
    this.deps.metrics?.batchSeconds.record((performance.now() - started) / 1000);
    return { nextOffset: this.next, touched };
  }

  /** The decider's view of the named channels that have a runtime (the others start empty). */
  private appliedChannels(named: readonly string[]): Map<string, AppliedChannel> {
    const channels = new Map<string, AppliedChannel>();
    for (const channel of named) {
      const runtime = this.runtimes.get(channel);
      if (runtime !== undefined) channels.set(channel, { ...runtime, applied: new Map() });
    }
    return channels;
  }

  /**
   * The block applier's commands for the batch. A redelivered height below
   * a channel's head comes with the hash stored for it (the head's own
   * hash, and those applied in this batch, the decider knows).
   */
  private async commands(
    m: EntityManager,
    records: readonly ParsedRecord[],
    extras: ReadonlyMap<number, BlockExtras>,
    at: string,
  ): Promise<BlockRecordCommand[]> {
    const commands: BlockRecordCommand[] = [];
    for (const record of records) {
      const command = toBlockRecordCommand(record, extras.get(record.offset), this.topic, at);
      const head = command.type === 'block.received' ? this.runtimes.get(command.channel)?.head : undefined;
      if (command.type === 'block.received' && head !== undefined && head.halted === null) {
        const { height } = command.header;
        if (height < head.height) {
          commands.push({ ...command, storedHash: await this.deps.receipts.blockHashAt(m, command.channel, height) });
          continue;
        }
      }
      commands.push(command);
    }
    return commands;
  }

  /** Logs and counts what the decider skipped or halted on. */
  private report(events: readonly BlockApplierEvent[], records: readonly ParsedRecord[]): void {
    const { log, metrics } = this.deps;
    for (const event of events) {
      if (event.type === 'record.skipped') {
        metrics?.invalidEvents.add(1);
        log.error(
          { offset: event.offset, topic: this.topic, err: records.find((r) => r.offset === event.offset)?.event },
          `parked a record of ${this.topic} that names no channel: ${event.message}`,
        );
      } else if (event.type === 'block.duplicate') {
        metrics?.duplicates.add(1, { channel: event.channel });
      } else if (event.type === 'channel.halted') {
        const { height, code, message } = event.halt;
        log.error(
          { channel: event.channel, height, code },
          `channel ${event.channel} halted at block ${height}: ${message}`,
        );
      }
    }
  }

  /** A channel's rows to write for the batch, from its state after the batch and the decider's events. */
  private workOf(channel: string, after: AppliedChannel, events: readonly BlockApplierEvent[]): Work {
    const runtime = this.runtimes.get(channel);
    const w: Work = {
      head: after.head,
      state: after.state,
      before: runtime?.state ?? initialRulesState(),
      isNew: runtime === undefined,
      haltedNow: false,
      applied: [],
      unkept: [],
      decisions: new Map(),
    };
    for (const event of events) {
      if (event.type === 'channel.halted' && event.channel === channel) w.haltedNow = true;
      if (event.type !== 'block.applied' || event.channel !== channel) continue;
      const changes = appliedBlockChanges(event, this.deps.department);
      w.applied.push(changes.rows);
      w.unkept.push(...changes.unkept);
      for (const [subject, decision] of changes.decisions) w.decisions.set(subject, decision);
    }
    return w;
  }

  /** Metrics of a channel that moved or halted in a committed batch. */
  private count(w: Work): void {
    const { metrics } = this.deps;
    const { channel } = w.head;
    metrics?.setHead(channel, w.head.height, w.head.halted !== null);
    metrics?.blocksApplied.add(w.applied.length, { channel });
    for (const block of w.applied)
      for (const r of block.receipts) {
        metrics?.receipts.add(1, { channel, kind: r.receipt.kind, code: r.receipt.code });
        for (const [flow, amount] of pointsFlowOf(r.receipt, w.state)) metrics?.points.add(amount, { channel, flow });
      }
    if (w.haltedNow && w.head.halted !== null) metrics?.halts.add(1, { channel, code: w.head.halted.code });
  }

  private async persist(m: EntityManager, w: Work): Promise<void> {
    const { states, receipts } = this.deps;
    const { channel } = w.head;
    if (w.applied.length > 0) {
      await receipts.insertBlocks(m, w.applied);
      await states.saveRecords(m, channel, w.before, w.state, w.decisions);
      await states.insertUnkeptRequests(m, w.unkept);
    }
    if (w.applied.length > 0 || w.haltedNow || w.isNew) await states.saveChannel(m, w.head, w.state);
  }

  private haltRecord(height: number, code: string, message: string): ChannelHalt {
    return { height, code, message, at: this.now() };
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

/** The channels the records name, in order of first mention (the order their rows are written in). */
function namedChannels(commands: readonly BlockRecordCommand[]): string[] {
  const named = new Set<string>();
  for (const command of commands) if (command.channel !== null) named.add(command.channel);
  return [...named];
}
