import { fixKafkajsIdleRequestLoop } from './kafka-request-queue.patch';

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}

const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function newQueue(): RequestQueue {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (options: object) => RequestQueue;
  return new RequestQueueClass({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silentLogger,
  });
}

describe('fixKafkajsIdleRequestLoop', () => {
  it('stops an idle connection from re-arming a 1 ms timer after each check, and still schedules checks of queued requests', () => {
    // The bug as shipped: with nothing queued, a check arms the next one.
    const before = newQueue();
    before.checkPendingRequests();
    expect(before.throttleCheckTimeoutId).not.toBeNull();
    before.destroy();

    fixKafkajsIdleRequestLoop();
    fixKafkajsIdleRequestLoop(); // idempotent

    const idle = newQueue();
    idle.checkPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();

    // A request queued behind a broker's throttle still gets its check at the throttle's end.
    const throttled = newQueue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.pending.push({ correlationId: 1 });
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    throttled.destroy();
  });
});
