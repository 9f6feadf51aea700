/**
 * A fix for a bug of kafkajs 2.2.4 that costs CPU on every idle connection
 * (tulios/kafkajs#1556, #1704; fixes proposed in #1667 and #1768, never
 * released). After every response `RequestQueue.checkPendingRequests` calls
 * `scheduleCheckPendingRequests`, which arms a timer even when nothing is
 * queued; unthrottled, its delay is negative (1 ms), so each connection that
 * answered once runs a 1 ms timer loop for as long as it lives: about 1,000
 * wake-ups a second per socket, the bulk of an idle ledger's CPU on Kafka.
 *
 * With nothing queued there is nothing to check: `push` schedules a check
 * itself when it queues a request, so skipping the timer then loses nothing;
 * with requests queued the original logic runs unchanged. kafkajs is pinned
 * to exactly 2.2.4 (see kafka-internal.cluster.ts); the patch refuses any
 * other version rather than guess at its internals.
 */
interface KafkaRequestQueue {
  pending: unknown[];
  scheduleCheckPendingRequests(this: KafkaRequestQueue): void;
}

const PATCHED = Symbol.for('accord:kafkajs-idle-request-loop-fixed');

/** Applies the fix once per process (idempotent); throws if kafkajs is not the version it was written for. */
export function fixKafkajsIdleRequestLoop(): void {
  // Deep requires of kafkajs internals: the package has no "exports" map and is pinned to 2.2.4.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('kafkajs/package.json') as { version: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: KafkaRequestQueue };
  const prototype = RequestQueue.prototype as KafkaRequestQueue & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const original = prototype.scheduleCheckPendingRequests;
  if (version !== '2.2.4' || typeof original !== 'function') {
    throw new Error(`kafkajs internals changed (version ${version}); @accord/event-bus needs kafkajs 2.2.4`);
  }
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: KafkaRequestQueue): void {
    if (this.pending.length === 0) return;
    original.call(this);
  };
  prototype[PATCHED] = true;
}
