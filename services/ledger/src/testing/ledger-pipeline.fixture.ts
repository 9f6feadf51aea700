import { closeDatabase, openDatabase, type DatabaseConfig } from '@accord/persistence';
import type { EventBus } from '@accord/event-bus';
import type { TestMember } from '@accord/protocol/testing';
import { ServiceLogger, systemClock } from '@accord/service-kit';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../persistence/alert.repository';
import { AttestationRepository } from '../persistence/attestation.repository';
import { BlockRepository } from '../persistence/block.repository';
import { ChannelRepository } from '../persistence/channel.repository';
import { ledgerMigrations } from '../persistence/migrations/ledger.migrations';
import { BlockCommitter } from '../pipeline/block-committer.service';
import { ChannelRunner, type ChannelRunnerOptions } from '../pipeline/channel.runner';
import { CommitNotifier } from '../pipeline/commit.notifier';
import { CommitPublisher } from '../pipeline/commit-publisher.service';
import { SignatureVerifierPool } from '../verification/signature-verifier.pool';

export interface PipelineFixtureOptions {
  /** The department whose ledger this is (its keys sign attestations). */
  readonly department: TestMember;
  readonly bus: EventBus;
  readonly database: DatabaseConfig;
  readonly workers?: number;
  readonly runner?: Partial<ChannelRunnerOptions>;
}

/**
 * One department's write path without Nest: repositories over a real
 * database (PGlite or PostgreSQL, migrations applied), the real committer,
 * publisher and signature pool, and ChannelRunners on a given bus.
 */
export class PipelineFixture {
  readonly runners: ChannelRunner[] = [];
  /** Warn and error log lines of the runners. */
  readonly logLines: string[] = [];
  readonly channels: ChannelRepository;
  readonly blocks: BlockRepository;
  readonly alerts: AlertRepository;
  readonly attestations: AttestationRepository;
  readonly committer: BlockCommitter;
  readonly publisher: CommitPublisher;
  readonly notifier = new CommitNotifier();
  readonly pool: SignatureVerifierPool;
  private readonly log: pino.Logger;

  private constructor(
    readonly dataSource: DataSource,
    private readonly options: PipelineFixtureOptions,
  ) {
    this.log = pino({ level: 'warn' }, { write: (line: string) => void this.logLines.push(line) });
    this.channels = new ChannelRepository(dataSource);
    this.blocks = new BlockRepository(dataSource);
    this.alerts = new AlertRepository(dataSource);
    this.attestations = new AttestationRepository(dataSource);
    this.committer = new BlockCommitter(dataSource, this.channels, this.blocks);
    const { department } = options;
    this.publisher = new CommitPublisher(
      options.bus,
      {
        department: department.id,
        ed25519: department.keys.ed25519.publicKey,
        x25519: department.keys.x25519.publicKey,
        signer: department.signer,
      },
      new ServiceLogger(this.log),
    );
    this.pool = new SignatureVerifierPool({ workers: options.workers ?? 2, minChecksPerWorker: 4 });
  }

  static async open(options: PipelineFixtureOptions): Promise<PipelineFixture> {
    const dataSource = await openDatabase(options.database, { migrations: ledgerMigrations });
    return new PipelineFixture(dataSource, options);
  }

  /** Follows the channel and starts a runner for it. */
  async follow(channel: string, options: Partial<ChannelRunnerOptions> = {}): Promise<ChannelRunner> {
    await this.channels.follow(channel, 'api');
    const runner = new ChannelRunner(
      channel,
      {
        bus: this.options.bus,
        channels: this.channels,
        blocks: this.blocks,
        alerts: this.alerts,
        committer: this.committer,
        publisher: this.publisher,
        pool: this.pool,
        notifier: this.notifier,
        log: this.log,
        clock: systemClock,
      },
      { groupCommit: 4, retryInitialMs: 20, retryMaxMs: 200, ...this.options.runner, ...options },
    );
    this.runners.push(runner);
    runner.start();
    return runner;
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.pool.close();
    await closeDatabase(this.dataSource);
  }
}
