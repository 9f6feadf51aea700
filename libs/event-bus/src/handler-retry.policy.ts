import type { EventBusLogger } from './event-bus.logger';
import { describeError } from './event-bus.logger';
import type { LogMessage } from './event-bus.port';

/**
 * Redelivery after a handler failure: the same batch again after a capped
 * exponential delay. No jitter: a partition has exactly one consumer per group,
 * so there is no herd to spread out.
 */
export function retryDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface HandlerRetryContext {
  readonly topic: string;
  readonly groupId: string;
  readonly handler: (batch: readonly LogMessage[]) => Promise<void>;
  readonly onError?: (error: unknown, batch: readonly LogMessage[]) => void;
  readonly logger: EventBusLogger;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

/**
 * Runs the handler on `batch` until it resolves (true), or until `stop`
 * aborts while it is failing (false: nothing may be committed).
 * `keepAlive` runs while waiting between attempts (Kafka heartbeats).
 */
export async function handleWithRetry(
  ctx: HandlerRetryContext,
  batch: readonly LogMessage[],
  stop: AbortSignal,
  keepAlive?: () => Promise<void>,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.handler(batch);
      return true;
    } catch (error) {
      const delayMs = retryDelayMs(attempt, ctx.retryInitialMs, ctx.retryMaxMs);
      ctx.logger.warn('event handler failed; the batch will be redelivered', {
        topic: ctx.topic,
        groupId: ctx.groupId,
        firstOffset: batch[0]?.offset,
        lastOffset: batch[batch.length - 1]?.offset,
        attempt: attempt + 1,
        retryInMs: delayMs,
        ...describeError(error),
      });
      try {
        ctx.onError?.(error, batch);
      } catch (callbackError) {
        ctx.logger.error('onError callback threw', {
          topic: ctx.topic,
          groupId: ctx.groupId,
          ...describeError(callbackError),
        });
      }
      if (stop.aborted) return false;
      const until = performance.now() + delayMs;
      while (!stop.aborted && performance.now() < until) {
        await sleepUnlessAborted(Math.min(until - performance.now(), 1000), stop);
        if (keepAlive && !stop.aborted) await keepAlive();
      }
      if (stop.aborted) return false;
    }
  }
}
