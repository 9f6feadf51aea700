import type { ServiceLogger } from '@accord/service-kit';
import type { Observable, Subscription } from 'rxjs';

/**
 * A piece of background work that runs at start, on every trigger (a
 * projection's change) and every `intervalMs`, one run at a time: a
 * trigger during a run asks for one more run after it, so nothing
 * announced is missed and runs never overlap. A failed run is logged and
 * left to the next trigger or interval (the work reads the database, so a
 * later run finds whatever this one did not do).
 */
export class BackgroundJob {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly log: ServiceLogger,
  ) {}

  start(triggers: Observable<unknown>): void {
    this.subscription = triggers.subscribe(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    // A pending schedule alone must not keep the process alive.
    this.timer.unref();
    this.kick();
  }

  /** Runs the work now, or once more after the run under way. */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again) this.kick();
    });
  }

  /** Runs the work (after the run under way) and resolves when no run is under way. */
  async runNow(): Promise<void> {
    this.kick();
    while (this.running !== undefined) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.unsubscribe();
    clearInterval(this.timer);
    await this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      if (this.stopped) return;
      this.log.pino.warn({ err: error, job: this.name }, `${this.name} failed; retried at the next change or interval`);
    }
  }
}
