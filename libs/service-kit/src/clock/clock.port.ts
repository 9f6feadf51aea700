import { Inject } from '@nestjs/common';

/**
 * Wall-clock time for service components (docs/services.md "Clock"). Pure
 * libs never hold one: time reaches them as a parameter (block time, log
 * time). Elapsed time (latency, timeouts) uses `performance.now()`.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The service's Clock, provided globally by the service kit (the system clock unless bootstrap options say otherwise). */
export const CLOCK = 'accord:clock';
/** `constructor(@InjectClock() private readonly clock: Clock)` */
export const InjectClock = (): ParameterDecorator => Inject(CLOCK);

/** The operating system's clock. */
export const systemClock: Clock = { now: () => Date.now() };
