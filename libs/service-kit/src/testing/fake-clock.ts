import type { Clock } from '../clock/clock.port';

/** A Clock that tests drive: it stands still unless set, advanced, or given a step that every read moves it on by. */
export class FakeClock implements Clock {
  private current: number;
  private readonly stepMs: number;

  constructor(startMs = 0, options: { readonly stepMs?: number } = {}) {
    this.current = startMs;
    this.stepMs = options.stepMs ?? 0;
  }

  now(): number {
    const now = this.current;
    this.current += this.stepMs;
    return now;
  }

  set(ms: number): void {
    this.current = ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
