import {
  BlockBuilder,
  InMemoryNonceRegistry,
  encodeCutMarker,
  type ChannelConfig,
  type OpenBlockInfo,
} from '@accord/ledger-core';
import type { EventBus } from '@accord/event-bus';
import { inSpanOf, type Clock } from '@accord/service-kit';
import type { Logger } from 'pino';
import { LedgerDivergenceError } from '../ledger.errors';
import { attestTopic, blocksTopic, txRecordHeaders, txTopic } from '@accord/events';
import type { AlertRepository } from '../persistence/alert.repository';
import type { BlockRepository } from '../persistence/block.repository';
import type { ChannelRepository, ChannelState } from '../persistence/channel.repository';
import { PreverifiedSignatures } from '../verification/preverified-signatures.cache';
import type { SignatureVerifierPool } from '../verification/signature-verifier.pool';
import { BlockAssembler, type PendingBlock } from './block.assembler';
import type { BlockCommitter } from './block-committer.service';
import { ChunkedSignatureVerifier } from './chunked-signature.verifier';
import type { CommitNotifier } from './commit.notifier';
import type { CommitPublisher, CommittedBlock } from './commit-publisher.service';
import { CutMarkerTimer } from './cut-marker.timer';
import { GroupCommitQueue } from './group-commit.queue';
import { TxTopicReader } from './tx-topic.reader';
import type { LedgerPipelineMetrics } from './ledger-pipeline.metrics';

export type RunnerState = 'starting' | 'running' | 'retrying' | 'diverged' | 'stopped';

export interface ChannelRunnerStatus {
  readonly channel: string;
  readonly state: RunnerState;
  /** The last committed block, null before the first. */
  readonly head: { readonly height: number; readonly hash: string } | null;
  /** Tx-topic offset after the last committed block (where a restart resumes). */
  readonly committedOffset: number;
  /** Next tx-topic offset to read. */
  readonly readOffset: number;
  readonly openBlock: OpenBlockInfo | null;
  /** Closed blocks waiting for their database commit. */
  readonly pendingBlocks: number;
  /** The last read reached the end of the log. */
  readonly atEndOfLog: boolean;
  readonly lastError: string | null;
}

export interface ChannelRunnerDeps {
  readonly bus: EventBus;
  readonly channels: ChannelRepository;
  readonly blocks: BlockRepository;
  readonly alerts: AlertRepository;
  readonly committer: BlockCommitter;
  readonly publisher: CommitPublisher;
  readonly pool: SignatureVerifierPool;
  readonly notifier: CommitNotifier;
  readonly metrics?: LedgerPipelineMetrics;
  readonly log: Logger;
  /** Local clock: only decides when to ask for cuts and measures latency, never block content. */
  readonly clock: Clock;
}

export interface ChannelRunnerOptions {
  /** At most this many blocks per database transaction. */
  readonly groupCommit: number;
  /** Records per bus read (default 5000: a Kafka fetch returns whole record batches of up to the bus's max batch bytes, so small reads decode the same data again and again). */
  readonly readBatch?: number;
  /**
   * Longest wait of a read at the end of the log for the next record (a
   * long poll on the bus, default 500 ms); shorter when the open block's cut
   * falls due sooner. A record is read as soon as it is appended, whatever
   * this is: it only bounds how long an idle runner sleeps between reads.
   */
  readonly readWaitMs?: number;
  /**
   * After a read that brought records and reached the end of the log, pause
   * this long (never past the open block's cut) before reading again, so
   * the next read gathers what arrived meanwhile instead of one fetch per
   * append (default 10 ms; 0 reads again at once). Costs at most this much
   * latency; a full read (catching up, saturation) never pauses.
   */
  readonly gatherMs?: number;
  /** Closed, uncommitted blocks before reading pauses (default 4 x groupCommit). */
  readonly maxPendingBlocks?: number;
  /** Backoff after a failure, doubling up to the max (default 100 ms .. 1 s: a broker or database that came back is noticed within about a second). */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
}

/** Raised inside run() to leave it when stop() was called. */
class Stopped extends Error {}

/**
 * Follows one channel (docs/ledger-service.md "Pipeline"): reads the tx
 * topic in batches from the offset after the last committed block, parses
 * each record once, verifies the batch's signatures on the worker pool,
 * feeds the records to ledger-core's BlockBuilder and group-commits the
 * closed blocks (blocks + txs + snapshot in one transaction) while it goes
 * on reading; after each commit it publishes block.committed events and
 * this department's attestations. Any failure restarts it from the
 * database (the truth); a rebuilt block that differs from a stored one
 * stops it (`diverged`) with an alert. Garbage on the topic never throws:
 * it lands in blocks with its validity code.
 */
export class ChannelRunner {
  private state: RunnerState = 'starting';
  private lastError: string | null = null;
  private stopping = false;
  private loop: Promise<void> | undefined;
  /** Called by stop(): end the runner's sleeps and its waiting read at once. */
  private readonly onStop = new Set<() => void>();
  private committed: ChannelState['snapshot'] | null = null;
  private readOffset = 0;
  private builder: BlockBuilder | null = null;
  private pendingCount = 0;
  private atEndOfLog = false;
  private readonly readBatch: number;
  private readonly readWaitMs: number;
  private readonly gatherMs: number;
  private readonly maxPendingBlocks: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;

  constructor(
    readonly channel: string,
    private readonly deps: ChannelRunnerDeps,
    private readonly options: ChannelRunnerOptions,
  ) {
    this.readBatch = options.readBatch ?? 5000;
    this.readWaitMs = options.readWaitMs ?? 500;
    this.gatherMs = options.gatherMs ?? 10;
    this.maxPendingBlocks = options.maxPendingBlocks ?? options.groupCommit * 4;
    this.retryInitialMs = options.retryInitialMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 1000;
  }

  /** Starts following in the background (idempotent). */
  start(): void {
    this.loop ??= this.supervise();
  }

  /** Stops reading, lets the in-flight commit finish and returns once the runner is idle. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.onStop]) wake();
    await this.loop;
    this.state = 'stopped';
  }

  /** The configuration of the last committed block, held in memory (null before genesis); undefined until the runner has loaded the channel. */
  committedConfig(): ChannelState['snapshot']['config'] | undefined {
    return this.committed === null ? undefined : this.committed.config;
  }

  status(): ChannelRunnerStatus {
    const snapshot = this.committed;
    return {
      channel: this.channel,
      state: this.state,
      head:
        snapshot === null || snapshot.nextHeight === 0
          ? null
          : { height: snapshot.nextHeight - 1, hash: snapshot.prevHash },
      committedOffset: snapshot?.nextOffset ?? 0,
      readOffset: this.readOffset,
      openBlock: this.builder?.openBlock() ?? null,
      pendingBlocks: this.pendingCount,
      atEndOfLog: this.atEndOfLog,
      lastError: this.lastError,
    };
  }

  private async supervise(): Promise<void> {
    let backoff = this.retryInitialMs;
    while (!this.stopping) {
      try {
        await this.run();
      } catch (error) {
        if (this.stopping || error instanceof Stopped) break;
        this.lastError = error instanceof Error ? error.message : String(error);
        if (error instanceof LedgerDivergenceError) {
          await this.diverged(error);
          return;
        }
        this.state = 'retrying';
        this.deps.metrics?.runnerErrors.add(1, { channel: this.channel });
        this.deps.log.warn(
          { err: error, channel: this.channel, retryInMs: backoff },
          'channel runner failed; restarting from the database',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.retryMaxMs);
        continue;
      }
      backoff = this.retryInitialMs;
    }
    this.state = 'stopped';
  }

  private async diverged(error: LedgerDivergenceError): Promise<void> {
    this.state = 'diverged';
    this.deps.metrics?.divergences.add(1, { channel: this.channel });
    this.deps.log.error(
      {
        err: error,
        channel: this.channel,
        height: error.height,
        storedHash: error.storedHash,
        rebuiltHash: error.rebuiltHash,
      },
      'LEDGER DIVERGENCE: a block rebuilt from the log differs from the stored one; this channel is stopped until an operator intervenes',
    );
    try {
      await this.deps.alerts.raise([
        {
          id: `rebuild:${this.channel}:${error.height}`,
          channel: this.channel,
          height: error.height,
          kind: 'block',
          reason: 'rebuild_mismatch',
          member: this.deps.publisher.department,
          field: 'blockHash',
          expected: error.storedHash,
          observed: [error.rebuiltHash],
          details: { message: error.message },
        },
      ]);
    } catch (alertError) {
      this.deps.log.error({ err: alertError, channel: this.channel }, 'could not store the divergence alert');
    }
  }

  /** One life of the runner: resume from the database, then follow until stopped or a failure. */
  private async run(): Promise<void> {
    this.state = 'starting';
    this.builder = null;
    const state = await this.resume();
    const signatures = new PreverifiedSignatures(this.deps.pool.verifyOne);
    const builder = await this.newBuilder(state, signatures);
    const verifier = new ChunkedSignatureVerifier(this.deps.pool, signatures);
    const assembler = new BlockAssembler(state.snapshot.config, this.deps.clock);
    const queue = new GroupCommitQueue<PendingBlock>(
      (group) => this.commitGroup(group),
      { groupSize: this.options.groupCommit, maxPending: this.maxPendingBlocks },
      (count) => (this.pendingCount = count),
    );
    this.readOffset = state.snapshot.nextOffset;
    const reader = new TxTopicReader(this.deps.bus, txTopic(this.channel), this.readBatch, this.readOffset, (p) => {
      this.readOffset = p.readOffset;
      this.atEndOfLog = p.atEndOfLog;
    });
    const timer = new CutMarkerTimer();
    this.state = 'running';
    this.lastError = null;
    try {
      while (!this.stopping) {
        queue.throwIfFailed();
        if (await queue.waitWhileFull()) continue;
        const prepared = await this.unlessStopped(reader.next(this.readWait(timer, builder)));
        if (prepared.length > 0) {
          // Closed blocks go to the queue as they close; they are committed from the kick on.
          const counts = await verifier.feedVerified(
            prepared,
            (record) => builder.signingKey(record),
            (record) => {
              const closed = assembler.feed(builder, record, reader.takeTrace(record.offset));
              if (closed !== undefined) queue.push(closed);
            },
          );
          this.countSignatureChecks(counts);
          queue.kick();
        }
        this.requestCutIfDue(timer, builder);
        if (prepared.length > 0 && this.atEndOfLog)
          await this.sleep(Math.min(this.gatherMs, this.readWait(timer, builder)));
      }
    } finally {
      // Never leave a commit running behind a restart or stop.
      await queue.drain();
    }
    if (queue.failure !== undefined && !this.stopping) throw queue.failure;
  }

  /** Makes sure the topics exist, loads the channel from the database and republishes what may not have gone out. */
  private async resume(): Promise<ChannelState> {
    const { bus, channels } = this.deps;
    await bus.ensureTopic(txTopic(this.channel));
    await bus.ensureTopic(attestTopic(this.channel));
    await bus.ensureTopic(blocksTopic(this.deps.publisher.department));
    const state = await channels.get(this.channel);
    this.committed = state.snapshot;
    this.deps.metrics?.setHead(this.channel, state.snapshot.nextHeight - 1);
    await this.republish(state);
    return state;
  }

  /** A block builder resuming after the last committed block, with the nonces its blocks burned. */
  private async newBuilder(state: ChannelState, signatures: PreverifiedSignatures): Promise<BlockBuilder> {
    const nonces = new InMemoryNonceRegistry();
    for (const { from, nonce } of await this.deps.blocks.burnedNonces(this.channel, state.snapshot.nextHeight))
      nonces.add(from, nonce);
    const builder = new BlockBuilder(state.snapshot, { verify: signatures.verify, nonces });
    this.builder = builder;
    return builder;
  }

  private countSignatureChecks(counts: { hits: number; misses: number }): void {
    if (counts.hits > 0) this.deps.metrics?.signatureChecks.add(counts.hits, { channel: this.channel, where: 'pool' });
    if (counts.misses > 0)
      this.deps.metrics?.signatureChecks.add(counts.misses, { channel: this.channel, where: 'inline' });
  }

  /**
   * Commits, announces and publishes a group of blocks inside one span: the
   * child of the submitting request's span when the group carries txs of
   * one traced request, linked to each otherwise, so the block.committed
   * events (and what consumers do with them) continue those traces.
   */
  private commitGroup(group: readonly PendingBlock[]): Promise<void> {
    return inSpanOf(
      'ledger.blocks.commit',
      group.flatMap((p) => p.traces),
      {
        'accord.channel': this.channel,
        'accord.height.first': group[0].item.closed.block.header.height,
        'accord.height.last': group[group.length - 1].item.closed.block.header.height,
      },
      () => this.commitAndPublish(group),
    );
  }

  private async commitAndPublish(group: readonly PendingBlock[]): Promise<void> {
    const { committer, notifier, metrics, channels } = this.deps;
    const started = this.deps.clock.now();
    const outcome = await committer.commit(
      this.channel,
      group.map((p) => p.item),
    );
    const done = this.deps.clock.now();
    const last = group[group.length - 1].item.closed;
    this.committed = last.snapshot;
    metrics?.commitTransaction.record((done - started) / 1000, { channel: this.channel });
    metrics?.setHead(this.channel, last.block.header.height);
    for (const { closed } of outcome.stored) {
      metrics?.blocksCommitted.add(1, { channel: this.channel });
      const codes = new Map<string, number>();
      for (const entry of closed.block.txs) codes.set(entry.code, (codes.get(entry.code) ?? 0) + 1);
      for (const [code, n] of codes) metrics?.txsCommitted.add(n, { channel: this.channel, code });
    }
    for (const p of group) metrics?.commitLatency.record((done - p.closedAt) / 1000, { channel: this.channel });
    notifier.notify(
      group.map(({ item: { closed } }) => ({
        channel: this.channel,
        height: closed.block.header.height,
        hash: closed.block.hash,
        txIds: closed.txIds,
        sigs: closed.block.txs.map((entry) => ('envelope' in entry ? entry.envelope.sig : null)),
      })),
    );
    await this.publishUntilDone(
      group.map(({ item }) => ({
        block: item.closed.block,
        txIds: item.closed.txIds,
        configChanged: item.configChanged,
        config: item.closed.config,
        records: item.records.map((r) => r.value),
      })),
    );
    await channels.markPublished(this.channel, last.block.header.height);
  }

  /** Publishes events and attestations, retrying until it works or the runner stops (a restart republishes). */
  private async publishUntilDone(blocks: readonly CommittedBlock[]): Promise<void> {
    let backoff = this.retryInitialMs;
    for (;;) {
      try {
        await this.deps.publisher.publish(this.channel, blocks);
        return;
      } catch (error) {
        if (this.stopping) throw new Stopped();
        this.deps.log.warn(
          { err: error, channel: this.channel, retryInMs: backoff },
          'publishing block.committed events / attestations failed; retrying',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.retryMaxMs);
      }
    }
  }

  /** Re-announces committed blocks whose events or attestations may not have gone out before a restart. */
  private async republish(state: ChannelState): Promise<void> {
    const head = state.snapshot.nextHeight - 1;
    let from = state.publishedHeight + 1;
    if (from > head) return;
    const versions = await this.deps.blocks.configVersions(this.channel);
    const configAt = (height: number): ChannelConfig | null => {
      let config: ChannelConfig | null = null;
      for (const v of versions) if (v.height <= height) config = v.config;
      return config;
    };
    this.deps.log.info(
      { channel: this.channel, from, to: head },
      'republishing block.committed events and attestations',
    );
    while (from <= head) {
      if (this.stopping) throw new Stopped();
      const to = Math.min(head, from + 63);
      const stored = await this.deps.blocks.getBlocks(this.channel, from, to);
      await this.publishUntilDone(
        stored.map((s) => ({
          block: s.block,
          txIds: s.txIds,
          configChanged: s.configChanged,
          config: configAt(s.header.height),
        })),
      );
      await this.deps.channels.markPublished(this.channel, to);
      from = to + 1;
    }
  }

  /** How long the next read may wait for a record: readWaitMs, but no later than the open block's cut falls due. */
  private readWait(timer: CutMarkerTimer, builder: BlockBuilder): number {
    const untilCut = timer.msUntilDue(this.deps.clock.now(), builder.limits().batchTimeoutMs);
    return Math.max(0, Math.min(this.readWaitMs, Math.ceil(untilCut)));
  }

  /** Asks for a cut of the open block once it has been idle past its batch timeout. */
  private requestCutIfDue(timer: CutMarkerTimer, builder: BlockBuilder): void {
    const now = this.deps.clock.now();
    timer.observe(builder.openBlock(), now);
    const cut = timer.due(now, builder.limits().batchTimeoutMs, this.atEndOfLog);
    if (cut !== undefined) this.requestCut(timer, cut);
  }

  private requestCut(timer: CutMarkerTimer, height: number): void {
    timer.requestedFor(height);
    const value = encodeCutMarker({ channel: this.channel, height, from: this.deps.publisher.department });
    this.deps.bus.publish(txTopic(this.channel), [{ value, headers: txRecordHeaders('cut') }]).then(
      () => this.deps.metrics?.cutMarkers.add(1, { channel: this.channel }),
      (error: unknown) => {
        timer.failed(height);
        this.deps.log.warn({ err: error, channel: this.channel, height }, 'publishing a cut marker failed; will retry');
      },
    );
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.onStop.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.onStop.add(done);
    });
  }

  /**
   * `work`'s result, or Stopped as soon as stop() is called: a read waiting
   * for the next record must not hold up a stop (it is abandoned; the bus
   * ends it within its wait, or at once when it closes).
   */
  private unlessStopped<T>(work: Promise<T>): Promise<T> {
    if (this.stopping) {
      work.catch(() => undefined);
      return Promise.reject(new Stopped());
    }
    return new Promise<T>((resolve, reject) => {
      const stopped = (): void => {
        this.onStop.delete(stopped);
        reject(new Stopped());
      };
      this.onStop.add(stopped);
      work.then(
        (value) => {
          this.onStop.delete(stopped);
          resolve(value);
        },
        (error: unknown) => {
          this.onStop.delete(stopped);
          reject(error);
        },
      );
    });
  }
}
