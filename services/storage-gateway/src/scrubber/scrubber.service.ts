import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectClock, InjectConfig, ServiceLogger, type Clock } from '@accord/service-kit';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { ScrubberStoppingError, ScrubRunNotFoundError } from '../storage-gateway.errors';
import { ScrubRunner } from './scrub-run';
import { ScrubRepository, type ScrubFindingRecord, type ScrubRunRecord } from './scrub.repository';
import { ScrubberGauges } from './scrubber.metrics';
import { TokenBucket, type Pacing } from './token-bucket';

/** Nest token of the scrubber's pacing (elapsed time and sleeps); tests give a fake one. */
export const SCRUB_PACING = 'storage-gateway:scrub-pacing';

/** The longest delay a Node timer keeps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Findings listed with a run (the run's `findings` count says how many there are in all). */
export const MAX_LISTED_FINDINGS = 1000;

/** A run as the API shows it: `running`, `finished`, or `stopped` (a shutdown ended it before it finished). */
export interface ScrubRunState extends ScrubRunRecord {
  readonly status: 'running' | 'finished' | 'stopped';
}

export interface ScrubRunReport {
  readonly run: ScrubRunState;
  readonly findings: readonly ScrubFindingRecord[];
}

export interface ScrubberStatus {
  readonly schedule: { readonly intervalMs: number; readonly bytesPerSecond: number };
  readonly running: boolean;
  readonly lastRun: ScrubRunRecord | null;
  readonly findings: readonly ScrubFindingRecord[];
}

/** A run in progress: `recorded` once its row exists, `done` once it ended (finished or stopped). */
export interface ActiveScrub {
  readonly runId: string;
  readonly recorded: Promise<void>;
  readonly done: Promise<void>;
}

/**
 * The integrity scrubber (docs/storage-gateway-scrubber.md): runs a pass
 * over every available object `scrubIntervalMs` after start and after each
 * scheduled pass ended (never when the interval is 0), and on demand. One
 * run at a time: asking for a run while one is going answers that one.
 * Each run reads under its own token bucket of `scrubBytesPerSecond`
 * (burst: one second of budget). Shutdown stops a running pass before its
 * next read and waits for it.
 */
@Injectable()
export class ScrubberService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly stopping = new AbortController();
  private readonly log: ServiceLogger;
  private active: ActiveScrub | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectConfig() private readonly config: StorageGatewayConfig,
    private readonly runner: ScrubRunner,
    private readonly scrubs: ScrubRepository,
    private readonly gauges: ScrubberGauges,
    @Inject(SCRUB_PACING) private readonly pacing: Pacing,
    @InjectClock() private readonly clock: Clock,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('scrubber');
  }

  async onApplicationBootstrap(): Promise<void> {
    const last = await this.scrubs.lastFinishedRun();
    if (last?.finishedAt != null) this.gauges.completed({ findings: last.findings, finishedAt: last.finishedAt });
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort(new Error('the storage gateway is shutting down'));
    clearTimeout(this.timer);
    await this.active?.done.catch(() => undefined);
  }

  /** Starts a run now, or answers the one in progress; resolves once its row exists. */
  async start(): Promise<ActiveScrub> {
    if (this.stopping.signal.aborted) throw new ScrubberStoppingError();
    const run = this.active ?? this.begin();
    await run.recorded;
    return run;
  }

  async status(): Promise<ScrubberStatus> {
    const last = await this.scrubs.lastFinishedRun();
    return {
      schedule: { intervalMs: this.config.scrubIntervalMs, bytesPerSecond: this.config.scrubBytesPerSecond },
      running: this.active !== undefined,
      lastRun: last ?? null,
      findings: last === undefined ? [] : await this.scrubs.findingsOf(last.runId, MAX_LISTED_FINDINGS),
    };
  }

  /** A run and its findings; scrub_run_not_found for an id this gateway never started. */
  async report(runId: string): Promise<ScrubRunReport> {
    const run = await this.scrubs.findRun(runId);
    if (run === undefined) throw new ScrubRunNotFoundError(runId);
    const status = run.finishedAt !== null ? 'finished' : this.active?.runId === runId ? 'running' : 'stopped';
    return { run: { ...run, status }, findings: await this.scrubs.findingsOf(runId, MAX_LISTED_FINDINGS) };
  }

  private begin(): ActiveScrub {
    const runId = randomUUID();
    const recorded = this.scrubs.startRun(runId, this.clock.now());
    const done = recorded.then(() => this.execute(runId)).finally(() => (this.active = undefined));
    done.catch(() => undefined); // failures are logged in execute(); callers that wait see them too
    this.active = { runId, recorded, done };
    return this.active;
  }

  private async execute(runId: string): Promise<void> {
    const rate = this.config.scrubBytesPerSecond;
    const bucket = new TokenBucket(rate, rate, this.pacing);
    try {
      const outcome = await this.runner.run(runId, bucket, this.stopping.signal);
      if (outcome === 'stopped') {
        this.log.pino.info({ runId }, 'integrity scrub stopped by the shutdown; the next run starts over');
        return;
      }
      const finishedAt = this.clock.now();
      await this.scrubs.finishRun(runId, finishedAt);
      this.gauges.completed({ findings: outcome.findings, finishedAt });
      const line = { runId, ...outcome };
      if (outcome.findings > 0) this.log.pino.error(line, `integrity scrub finished with ${outcome.findings} findings`);
      else this.log.pino.info(line, 'integrity scrub finished: every object checked out');
    } catch (error) {
      if (!this.stopping.signal.aborted)
        this.log.pino.error({ err: error, runId }, 'integrity scrub failed; the next run starts over');
      throw error;
    }
  }

  /**
   * The next scheduled run, `remainingMs` from now (none when the interval
   * is 0 or the gateway stops). Node fires a timer of more than 2^31-1 ms at
   * once, so a longer wait is taken in several steps.
   */
  private schedule(remainingMs = this.config.scrubIntervalMs): void {
    if (this.config.scrubIntervalMs === 0 || this.stopping.signal.aborted) return;
    const wait = Math.min(remainingMs, MAX_TIMER_MS);
    this.timer = setTimeout(
      () => (remainingMs > wait ? this.schedule(remainingMs - wait) : void this.scheduledRun()),
      wait,
    );
    // A pending schedule alone must not keep the process alive.
    this.timer.unref();
  }

  private async scheduledRun(): Promise<void> {
    try {
      await (
        await this.start()
      ).done;
    } catch {
      // Logged by execute(), or the gateway is stopping.
    }
    this.schedule();
  }
}
