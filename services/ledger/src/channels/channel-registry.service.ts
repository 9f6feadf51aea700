import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventBus } from '@accord/event-bus';
import {
  InjectClock,
  InjectConfig,
  InjectEventBus,
  ReadinessRegistry,
  ServiceLogger,
  type Clock,
} from '@accord/service-kit';
import type { LedgerConfig } from '../ledger.config';
import { txTopic } from '@accord/events';
import { AlertRepository } from '../persistence/alert.repository';
import { BlockRepository } from '../persistence/block.repository';
import { ChannelRepository, type ChannelState, type FollowSource } from '../persistence/channel.repository';
import { BlockCommitter } from '../pipeline/block-committer.service';
import { ChannelRunner, type ChannelRunnerStatus } from '../pipeline/channel.runner';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { CommitPublisher } from '../pipeline/commit-publisher.service';
import { LedgerPipelineMetrics } from '../pipeline/ledger-pipeline.metrics';
import { SignatureVerifierPool } from '../verification/signature-verifier.pool';
import { RunnerProgressTracker } from './runner-progress.tracker';

/** A followed channel as GET /v1/channels shows it. */
export interface ChannelView {
  readonly channel: string;
  readonly following: boolean;
  readonly followSource: FollowSource;
  readonly followedAt: string;
  /** From the committed configuration; null before the genesis block. */
  readonly kind: string | null;
  readonly owner: string | null;
  readonly activeMembers: number;
  /** The last committed block; null before the first. */
  readonly head: { readonly height: number; readonly hash: string } | null;
  /** Tx-topic offset after the last committed block. */
  readonly nextOffset: number;
  /** The channel's runner in this process; null when none runs (e.g. during shutdown). */
  readonly runner: Omit<ChannelRunnerStatus, 'channel' | 'head' | 'committedOffset'> | null;
}

/**
 * The channels this department's ledger follows and their runners: those of
 * ACCORD_LEDGER_CHANNELS plus every channel followed before (remembered in
 * the database), started at application bootstrap and stopped (in-flight
 * commits finished) on shutdown. Registers the `channels` readiness check:
 * down while any channel's runner has diverged.
 */
@Injectable()
export class ChannelRegistry implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners = new Map<string, ChannelRunner>();
  private readonly progress = new RunnerProgressTracker();
  private closing = false;

  constructor(
    @InjectConfig() private readonly config: LedgerConfig,
    @InjectEventBus() private readonly bus: EventBus,
    private readonly channels: ChannelRepository,
    private readonly blocks: BlockRepository,
    private readonly alerts: AlertRepository,
    private readonly committer: BlockCommitter,
    private readonly publisher: CommitPublisher,
    private readonly pool: SignatureVerifierPool,
    private readonly notifier: CommitNotifier,
    private readonly metrics: LedgerPipelineMetrics,
    private readonly log: ServiceLogger,
    private readonly readiness: ReadinessRegistry,
    @InjectClock() private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.observeRunners(() => [...this.runners.values()].map((r) => r.status()));
    this.readiness.register('channels', async () => {
      const statuses = [...this.runners.values()].map((r) => r.status());
      const diverged = statuses.filter((s) => s.state === 'diverged').map((s) => s.channel);
      if (diverged.length > 0) throw new Error(`diverged: ${diverged.join(', ')}`);
      const now = this.clock.now();
      const stalled: string[] = [];
      for (const status of statuses) {
        // The log end is unknown while the bus is down; a retrying runner is reported all the same.
        const logEnd = await this.bus.endOffset(txTopic(status.channel)).catch(() => undefined);
        const reason = this.progress.stallReason(status, logEnd, now);
        if (reason !== undefined) stalled.push(`${status.channel}: ${reason}`);
      }
      if (stalled.length > 0) throw new Error(`not advancing: ${stalled.join('; ')}`);
      return Object.fromEntries(statuses.map((s) => [s.channel, s.state]));
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const channel of this.config.channels) await this.channels.follow(channel, 'config');
    for (const state of await this.channels.list({ followingOnly: true })) this.startRunner(state.channel);
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
  }

  /** Follows a channel (remembered across restarts) and starts its runner; idempotent. */
  async follow(channel: string, source: FollowSource): Promise<ChannelView> {
    const state = await this.channels.follow(channel, source);
    this.startRunner(channel);
    return this.view(state);
  }

  async list(): Promise<ChannelView[]> {
    return (await this.channels.list()).map((state) => this.view(state));
  }

  /** The runner's live status, or undefined when the channel has no runner here. */
  status(channel: string): ChannelRunnerStatus | undefined {
    return this.runners.get(channel)?.status();
  }

  /**
   * The committed configuration of a channel followed here, from its
   * runner's memory (no database read: the submission API asks on every
   * request); undefined when no runner has loaded the channel yet (at start,
   * or a channel not followed), and the caller asks the database.
   */
  committedConfig(channel: string): ChannelState['snapshot']['config'] | undefined {
    return this.runners.get(channel)?.committedConfig();
  }

  private startRunner(channel: string): void {
    if (this.closing || this.runners.has(channel)) return;
    const runner = new ChannelRunner(
      channel,
      {
        bus: this.bus,
        channels: this.channels,
        blocks: this.blocks,
        alerts: this.alerts,
        committer: this.committer,
        publisher: this.publisher,
        pool: this.pool,
        notifier: this.notifier,
        metrics: this.metrics,
        log: this.log.pino.child({ component: 'channel-runner', channel }),
        clock: this.clock,
      },
      { groupCommit: this.config.blockGroupCommit },
    );
    this.runners.set(channel, runner);
    runner.start();
    this.log.pino.info({ channel }, 'following channel');
  }

  private view(state: ChannelState): ChannelView {
    const status = this.runners.get(state.channel)?.status();
    const { snapshot } = state;
    const config = snapshot.config;
    return {
      channel: state.channel,
      following: state.following,
      followSource: state.followSource,
      followedAt: state.followedAt.toISOString(),
      kind: config?.kind ?? null,
      owner: config?.owner ?? null,
      activeMembers: config?.members.filter((m) => m.status === 'active').length ?? 0,
      head: snapshot.nextHeight === 0 ? null : { height: snapshot.nextHeight - 1, hash: snapshot.prevHash },
      nextOffset: snapshot.nextOffset,
      runner:
        status === undefined
          ? null
          : {
              state: status.state,
              readOffset: status.readOffset,
              openBlock: status.openBlock,
              pendingBlocks: status.pendingBlocks,
              atEndOfLog: status.atEndOfLog,
              lastError: status.lastError,
            },
    };
  }
}
