import type { ChannelConfig } from '@accord/ledger-core';
import type { LogMessage } from '@accord/event-bus';
import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import type { DeadLetterPublisher } from '@accord/service-kit';
import { computeBlockHash, computeTxId, GENESIS_PREV_HASH, isEnvelopeEntry, type Block } from '@accord/protocol';
import { apply, initialRulesState, isRulesError, type ApplyResult, type RulesState } from '@accord/rules';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { blocksTopic } from '@accord/events';
import { BlockEventInvalidError, ConcurrentWriterError, CorruptStateError } from '../contracts.errors';
import type { LedgerClient } from '../ledger/ledger.client';
import type { AppliedBlockRows, ReceiptRepository, StoredReceipt } from '../persistence/receipt.repository';
import type {
  ChannelHalt,
  ChannelHead,
  RulesStateRepository,
  UnkeptRequest,
} from '../persistence/rules-state.repository';
import { checkTxs, parseBlockCommitted, type BlockCommitted } from './block-committed.parser';
import type { ContractsPipelineMetrics } from './contracts-pipeline.metrics';
import { receiptSubject, requestDecision, unkeptRequest, type RequestDecision } from './receipt-rows.mapper';

/** Name of this service's checkpoint on the blocks topic (consumer_checkpoint). */
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
  readonly now?: () => Date;
}

export interface BatchOutcome {
  readonly nextOffset: number;
  /** Channels whose height moved or that halted in this batch. */
  readonly touched: readonly string[];
}

/** What the reader had to get from the ledger API for one event (before the transaction: no network inside it). */
interface Extra {
  block?: Block;
  config?: ChannelConfig;
  problem?: { readonly code: string; readonly message: string };
}

interface ParsedRecord {
  readonly offset: number;
  readonly event: BlockCommitted | BlockEventInvalidError;
}

/** A channel's progress inside one batch; becomes its runtime only after the transaction commits. */
interface Work {
  head: ChannelHead;
  state: RulesState;
  readonly before: RulesState;
  readonly isNew: boolean;
  haltedNow: boolean;
  readonly applied: AppliedBlockRows[];
  readonly unkept: UnkeptRequest[];
  readonly decisions: Map<string, RequestDecision>;
}

/**
 * Applies block.committed events to the rule state of each channel
 * (docs/contracts.md "Applying blocks"): strictly in height order, skipping
 * heights already applied (at-least-once delivery, ledger restarts) and
 * halting a channel — never skipping a height — on a gap, a redelivered
 * height with another hash, a broken hash link, a block or configuration
 * it cannot obtain, or an event that does not verify. Such an event is
 * also parked on the dead-letter topic, before the checkpoint moves past
 * it; one that names no channel is only parked. One database
 * transaction per batch holds the new state rows, receipts and digests of
 * every block in it and the blocks-topic checkpoint; the in-memory state
 * moves only after that transaction commits.
 */
export class RulesApplier {
  private runtimes = new Map<string, ChannelRuntime>();
  private next = 0;
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
  async load(): Promise<void> {
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

  /** Applies a batch of consecutive records of the blocks topic, starting at nextOffset, in one transaction. */
  async applyBatch(messages: readonly LogMessage[]): Promise<BatchOutcome> {
    if (messages.length === 0) return { nextOffset: this.next, touched: [] };
    const started = performance.now();
    const fresh = messages.filter((m) => m.offset >= this.next);
    const records = fresh.map((m): ParsedRecord => ({ offset: m.offset, event: parseOrError(m.value) }));
    const last = messages[messages.length - 1].offset;
    if (records.length === 0) return { nextOffset: this.next, touched: [] };
    await this.deps.deadLetters.park(
      records.flatMap(({ event }, i) =>
        event instanceof BlockEventInvalidError ? [{ message: fresh[i], reason: event }] : [],
      ),
    );
    const extras = await this.prefetch(records);
    const work = new Map<string, Work>();
    await withTransaction(this.deps.dataSource, async (m) => {
      const stored = (await this.checkpoints.get(m, BLOCKS_CONSUMER, this.topic)) ?? 0;
      if (stored !== this.next) {
        throw new ConcurrentWriterError(
          `the checkpoint of ${this.topic} is ${stored}, this reader expected ${this.next}: another writer applied blocks`,
        );
      }
      for (const record of records) await this.applyRecord(m, record, extras.get(record.offset), work);
      for (const [channel, w] of work) await this.persist(m, channel, w);
      await this.checkpoints.advance(m, BLOCKS_CONSUMER, this.topic, last + 1);
    });
    const touched: string[] = [];
    for (const [channel, w] of work) {
      this.runtimes.set(channel, { head: w.head, state: w.state });
      if (w.applied.length === 0 && !w.haltedNow) continue;
      touched.push(channel);
      const { metrics } = this.deps;
      metrics?.setHead(channel, w.head.height, w.head.halted !== null);
      metrics?.blocksApplied.add(w.applied.length, { channel });
      for (const block of w.applied)
        for (const r of block.receipts)
          metrics?.receipts.add(1, { channel, kind: r.receipt.kind, code: r.receipt.code });
      if (w.haltedNow && w.head.halted !== null) metrics?.halts.add(1, { channel, code: w.head.halted.code });
    }
    this.next = last + 1;
    this.deps.metrics?.batchSeconds.record((performance.now() - started) / 1000);
    return { nextOffset: this.next, touched };
  }

  /**
   * Gets from the ledger API what the events of the batch that will be
   * applied lack: the txs of header-only events, and the configuration after
   * blocks that changed it when the event does not carry it.
   */
  private async prefetch(records: readonly ParsedRecord[]): Promise<Map<number, Extra>> {
    const extras = new Map<number, Extra>();
    const expected = new Map<string, { height: number; genesis: ChannelConfig['genesis'] | null; halted: boolean }>();
    for (const { offset, event } of records) {
      if (event instanceof BlockEventInvalidError) continue;
      const runtime = this.runtimes.get(event.channel);
      const sim = expected.get(event.channel) ?? {
        height: (runtime?.head.height ?? -1) + 1,
        genesis: runtime?.head.config?.genesis ?? null,
        halted: runtime?.head.halted != null,
      };
      expected.set(event.channel, sim);
      const header = event.kind === 'full' ? event.block.header : event.header;
      if (sim.halted || header.height !== sim.height) continue;
      sim.height += 1;
      const extra: Extra = {};
      extras.set(offset, extra);
      let block = event.kind === 'full' ? event.block : undefined;
      if (event.kind === 'header-only') {
        block = await this.fetchBlock(event, extra);
        if (block === undefined) continue;
      }
      if (event.config != null) sim.genesis = event.config.genesis;
      if (event.config !== undefined || !event.configChanged || block === undefined) continue;
      const genesis = sim.genesis ?? genesisOf(block);
      const ledger = this.deps.ledger;
      if (ledger === null) {
        extra.problem = {
          code: 'config_unavailable',
          message: `block ${event.channel}/${header.height} changed the channel configuration, its block.committed event does not carry it and ACCORD_LEDGER_URL is not set`,
        };
      } else if (genesis === null) {
        extra.problem = {
          code: 'config_unavailable',
          message: `block ${event.channel}/${header.height} changed the configuration, but no genesis tx of the channel is known`,
        };
      } else {
        extra.config = await ledger.configAfter(event.channel, header.height, genesis);
        sim.genesis = extra.config.genesis;
      }
    }
    return extras;
  }

  private async fetchBlock(
    event: Extract<BlockCommitted, { kind: 'header-only' }>,
    extra: Extra,
  ): Promise<Block | undefined> {
    const { channel, header, hash } = event;
    if (this.deps.ledger === null) {
      extra.problem = {
        code: 'block_unavailable',
        message: `block ${channel}/${header.height} came without its txs (too large for one event) and ACCORD_LEDGER_URL is not set`,
      };
      return undefined;
    }
    const block = await this.deps.ledger.block(channel, header.height);
    try {
      if (block.hash !== hash || computeBlockHash(block.header) !== hash)
        throw new Error(`the ledger answered block ${header.height} with hash ${block.hash}, the event has ${hash}`);
      checkTxs(block, (message) => {
        throw new Error(message);
      });
    } catch (error) {
      extra.problem = {
        code: 'block_divergence',
        message: `block ${channel}/${header.height}: ${(error as Error).message}`,
      };
      return undefined;
    }
    extra.block = block;
    return block;
  }

  private workFor(channel: string, work: Map<string, Work>): Work {
    let w = work.get(channel);
    if (w !== undefined) return w;
    const runtime = this.runtimes.get(channel);
    const head: ChannelHead = runtime?.head ?? {
      channel,
      height: -1,
      blockHash: null,
      time: 0,
      digest: null,
      config: null,
      publishedHeight: -1,
      halted: null,
    };
    const state = runtime?.state ?? initialRulesState();
    w = {
      head,
      state,
      before: state,
      isNew: runtime === undefined,
      haltedNow: false,
      applied: [],
      unkept: [],
      decisions: new Map(),
    };
    work.set(channel, w);
    return w;
  }

  private async applyRecord(
    m: EntityManager,
    record: ParsedRecord,
    extra: Extra | undefined,
    work: Map<string, Work>,
  ): Promise<void> {
    const { event } = record;
    if (event instanceof BlockEventInvalidError) {
      if (event.channel === null) {
        this.deps.metrics?.invalidEvents.add(1);
        this.deps.log.error(
          { offset: record.offset, topic: this.topic, err: event },
          `parked a record of ${this.topic} that names no channel: ${event.message}`,
        );
        return;
      }
      const w = this.workFor(event.channel, work);
      if (w.head.halted === null)
        this.halt(w, w.head.height + 1, event.code, `${event.message} (offset ${record.offset})`);
      return;
    }
    const { channel } = event;
    const w = this.workFor(channel, work);
    if (w.head.halted !== null) return;
    const header = event.kind === 'full' ? event.block.header : event.header;
    const hash = event.kind === 'full' ? event.block.hash : event.hash;
    const height = header.height;
    const expected = w.head.height + 1;
    if (height < expected) {
      const known =
        height === w.head.height
          ? w.head.blockHash
          : (w.applied.find((b) => b.digest.height === height)?.digest.blockHash ??
            (await this.deps.receipts.blockHashAt(m, channel, height)));
      if (known === hash) {
        this.deps.metrics?.duplicates.add(1, { channel });
        return;
      }
      this.halt(
        w,
        height,
        'block_divergence',
        `block ${height} was applied with hash ${String(known)}; a later event carries hash ${hash}`,
      );
      return;
    }
    if (height > expected) {
      this.halt(
        w,
        expected,
        'height_gap',
        `expected block ${expected} but the next event is block ${height}: a block.committed event is missing from ${this.topic}`,
      );
      return;
    }
    const prevHash = w.head.blockHash ?? GENESIS_PREV_HASH;
    if (header.prevHash !== prevHash) {
      this.halt(
        w,
        height,
        'chain_broken',
        `block ${height} links to ${header.prevHash}, but block ${height - 1} has hash ${prevHash}`,
      );
      return;
    }
    const block = event.kind === 'full' ? event.block : extra?.block;
    if (block === undefined) {
      this.halt(
        w,
        height,
        extra?.problem?.code ?? 'block_unavailable',
        extra?.problem?.message ?? `block ${height} came without its txs`,
      );
      return;
    }
    let config: ChannelConfig | null;
    if (event.config !== undefined) config = event.config;
    else if (!event.configChanged) config = w.head.config;
    else if (extra?.config !== undefined) config = extra.config;
    else {
      this.halt(
        w,
        height,
        extra?.problem?.code ?? 'config_unavailable',
        extra?.problem?.message ?? `the configuration after block ${height} is unknown`,
      );
      return;
    }
    let result: ApplyResult;
    try {
      result = apply(w.state, block, config);
    } catch (error) {
      if (!isRulesError(error)) throw error;
      this.halt(w, height, error.code, `the rule engine refused block ${height}: ${error.message}`);
      return;
    }
    this.record(w, channel, block, config, result);
  }

  private record(w: Work, channel: string, block: Block, config: ChannelConfig | null, result: ApplyResult): void {
    const { header, hash } = block;
    const receipts: StoredReceipt[] = result.receipts.map((receipt, seq) => ({
      channel,
      height: header.height,
      seq,
      txId: receipt.txId,
      subject: receiptSubject(receipt, block),
      receipt,
    }));
    for (const r of receipts) {
      const unkept = unkeptRequest(channel, r.receipt, block, result.state);
      if (unkept !== null) {
        w.unkept.push(unkept);
        continue;
      }
      const decision = requestDecision(r.receipt);
      if (decision !== undefined && r.subject !== null) w.decisions.set(r.subject, decision);
    }
    const attest = config?.members.some((m) => m.id === this.deps.department && m.status === 'active') ?? false;
    w.applied.push({
      digest: {
        channel,
        height: header.height,
        blockHash: hash,
        time: header.time,
        digest: result.digest,
        attest,
        txCount: header.txCount,
        receiptCount: receipts.length,
      },
      receipts,
    });
    w.state = result.state;
    w.head = { ...w.head, height: header.height, blockHash: hash, time: header.time, digest: result.digest, config };
  }

  private async persist(m: EntityManager, channel: string, w: Work): Promise<void> {
    const { states, receipts } = this.deps;
    if (w.applied.length > 0) {
      await receipts.insertBlocks(m, w.applied);
      await states.saveRecords(m, channel, w.before, w.state, w.decisions);
      await states.insertUnkeptRequests(m, w.unkept);
    }
    if (w.applied.length > 0 || w.haltedNow || w.isNew) await states.saveChannel(m, w.head, w.state);
  }

  private halt(w: Work, height: number, code: string, message: string): void {
    w.head = { ...w.head, halted: this.haltRecord(height, code, message) };
    w.haltedNow = true;
    this.deps.log.error(
      { channel: w.head.channel, height, code },
      `channel ${w.head.channel} halted at block ${height}: ${message}`,
    );
  }

  private haltRecord(height: number, code: string, message: string): ChannelHalt {
    return { height, code, message, at: (this.deps.now?.() ?? new Date()).toISOString() };
  }
}

function parseOrError(value: Uint8Array): BlockCommitted | BlockEventInvalidError {
  try {
    return parseBlockCommitted(value);
  } catch (error) {
    if (error instanceof BlockEventInvalidError) return error;
    throw error;
  }
}

/** The channel's genesis tx if this block holds it: the first valid channel.genesis (docs/ledger.md). */
function genesisOf(block: Block): ChannelConfig['genesis'] | null {
  for (let index = 0; index < block.txs.length; index++) {
    const entry = block.txs[index];
    if (isEnvelopeEntry(entry) && entry.code === 'valid' && entry.envelope.body.type === 'channel.genesis') {
      return { txId: computeTxId(entry.envelope.body), at: { height: block.header.height, index } };
    }
  }
  return null;
}
