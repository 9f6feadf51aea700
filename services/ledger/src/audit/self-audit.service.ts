import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, ServiceLogger } from '@accord/service-kit';
import type { LedgerConfig } from '../ledger.config';
import { ChannelRepository } from '../persistence/channel.repository';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { ChainAuditService } from './chain-audit.service';
import { SelfAuditQueue, type SelfAuditJob } from './self-audit.queue';

/** Incremental audits start at most this often; the blocks committed in between are audited together. */
export const INCREMENTAL_AUDIT_PACE_MS = 1000;

/**
 * The ledger audits its own stored rows in the background, so tampering is
 * found without anyone calling POST .../audit (docs/ledger-service.md
 * "Self-audit"): after blocks commit, the new blocks (anchored on the stored
 * block before them); at start and then `fullAuditIntervalMs` after each full
 * audit ended, every channel from genesis. It runs ChainAuditService, so a
 * bad height raises the same `audit` alert as the endpoint. One audit runs at
 * a time; shutdown stops it between pages.
 */
@Injectable()
export class SelfAuditService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly queue = new SelfAuditQueue();
  private readonly stopping = new AbortController();
  private readonly log: ServiceLogger;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private paceTimer: NodeJS.Timeout | undefined;
  private lastIncrementalAt = Number.NEGATIVE_INFINITY;

  constructor(
    @InjectConfig() private readonly config: LedgerConfig,
    private readonly audits: ChainAuditService,
    private readonly channels: ChannelRepository,
    private readonly notifier: CommitNotifier,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('self-audit');
  }

  onApplicationBootstrap(): void {
    if (this.config.selfAudit === 'off') return;
    if (this.config.selfAudit === 'all') {
      this.unsubscribe = this.notifier.subscribe((blocks) => {
        for (const block of blocks) this.queue.committed(block.channel, block.height);
        this.kickPaced();
      });
    }
    this.queue.requestFull();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort(new Error('the ledger is shutting down'));
    this.unsubscribe?.();
    clearTimeout(this.timer);
    clearTimeout(this.paceTimer);
    await this.running;
  }

  /**
   * kick() for new blocks, at most once per INCREMENTAL_AUDIT_PACE_MS: the
   * blocks committed in between are audited together (one set of queries
   * for many blocks instead of one per block at high block rates), so a
   * changed row of a new block is still found within about a second.
   */
  private kickPaced(): void {
    if (this.paceTimer !== undefined || this.stopping.signal.aborted) return;
    const wait = this.lastIncrementalAt + INCREMENTAL_AUDIT_PACE_MS - performance.now();
    if (wait <= 0) {
      this.kick();
      return;
    }
    this.paceTimer = setTimeout(() => {
      this.paceTimer = undefined;
      this.kick();
    }, wait);
    this.paceTimer.unref();
  }

  /** Starts working off the queue unless already at it (then the running loop picks new work up). */
  private kick(): void {
    if (this.running !== undefined || this.stopping.signal.aborted) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.hasWork) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (let job = this.queue.next(); job !== undefined; job = this.queue.next()) {
      if (this.stopping.signal.aborted) return;
      if (job.kind === 'full') await this.fullAudit();
      else await this.incrementalAudit(job);
    }
  }

  private async fullAudit(): Promise<void> {
    try {
      for (const state of await this.channels.list()) {
        const head = state.snapshot.nextHeight - 1;
        if (head < 0) continue;
        const report = await this.run(state.channel, { toHeight: head }, 'full');
        if (report === 'stopped') return;
        this.queue.covered(state.channel, head);
      }
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.log.pino.warn({ err: error }, 'full self-audit could not list the channels; retried at the next schedule');
    }
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.queue.requestFull();
      this.kick();
    }, this.config.fullAuditIntervalMs);
    // A pending schedule alone must not keep the process alive.
    this.timer.unref();
  }

  /**
   * The new blocks' rows against their hashes, links, roots and the other
   * members' attestations, without the Ed25519 checks: the pipeline verified
   * every signature when it built these blocks, and any byte changed in a
   * stored tx since changes its leaf and so the tx root. Checking them again
   * would double the ledger's largest cost per tx; the full audits do.
   */
  private async incrementalAudit(job: Extract<SelfAuditJob, { kind: 'incremental' }>): Promise<void> {
    this.lastIncrementalAt = performance.now();
    await this.run(job.channel, { fromHeight: job.fromHeight, toHeight: job.toHeight }, 'incremental');
  }

  /** One audit; a failure to run it (not a bad verdict: that is alerted) is logged and left to the next full audit. */
  private async run(
    channel: string,
    range: { readonly fromHeight?: number; readonly toHeight: number },
    trigger: 'incremental' | 'full',
  ): Promise<'done' | 'stopped'> {
    try {
      await this.audits.audit(channel, range, {
        trigger,
        signal: this.stopping.signal,
        checkSignatures: trigger === 'full',
      });
      return 'done';
    } catch (error) {
      if (this.stopping.signal.aborted) return 'stopped';
      this.log.pino.warn(
        { err: error, channel, ...range, trigger },
        `${trigger} self-audit of ${channel} could not run; the next full audit covers it`,
      );
      return 'done';
    }
  }
}
