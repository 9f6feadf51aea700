import { createHash } from 'node:crypto';
import {
  EventBusClosedError,
  InvalidEventBusArgumentError,
  MessageTooLargeError,
  OffsetOutOfRangeError,
  TopicNotFoundError,
} from '../event-bus.errors';
import type { EventBus, LogMessage, OutgoingMessage, SubscribeOptions, Subscription } from '../event-bus.port';
import { waitFor } from './wait-for';

/**
 * The shared contract of the EventBus port, run against every adapter (as
 * trillian's storage/testonly suite runs against every storage backend).
 */
export interface EventBusContractHarness {
  /**
   * Opens a bus over the suite's backing store (the same log for every call).
   * The bus must use `maxBatchBytes` 4 MiB and a fast handler retry
   * (initial <= 50 ms, max <= 500 ms).
   */
  openBus(): Promise<EventBus>;
  /** A topic or group name unique to this run. */
  uniqueName(prefix: string): string;
  /** Bound for asynchronous delivery (Kafka group joins take a while). */
  readonly deliveryTimeoutMs: number;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const msg = (value: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  value: utf8(value),
  ...extra,
});
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Collector {
  readonly subscription: Subscription;
  readonly batches: LogMessage[][];
  readonly messages: () => LogMessage[];
  readonly offsets: () => number[];
  readonly waitForCount: (count: number) => Promise<void>;
}

export function describeEventBusContract(adapterName: string, makeHarness: () => EventBusContractHarness): void {
  describe(`EventBus contract: ${adapterName}`, () => {
    let harness: EventBusContractHarness;
    let bus: EventBus;

    beforeAll(() => {
      harness = makeHarness();
    });

    beforeEach(async () => {
      bus = await harness.openBus();
    });

    afterEach(async () => {
      await bus.close();
    });

    async function newTopic(prefix = 't'): Promise<string> {
      const topic = harness.uniqueName(prefix);
      await bus.ensureTopic(topic);
      return topic;
    }

    async function publishNumbered(topic: string, from: number, count: number, target = bus): Promise<void> {
      const messages = Array.from({ length: count }, (_, i) => msg(`m-${from + i}`));
      const result = await target.publish(topic, messages);
      expect(result.count).toBe(count);
    }

    async function collect(
      options: Omit<SubscribeOptions, 'handler'> & { handler?: SubscribeOptions['handler'] },
      target = bus,
    ): Promise<Collector> {
      const batches: LogMessage[][] = [];
      const subscription = await target.subscribe({
        ...options,
        handler: async (batch) => {
          if (options.handler) await options.handler(batch);
          batches.push([...batch]);
        },
      });
      const messages = (): LogMessage[] => batches.flat();
      return {
        subscription,
        batches,
        messages,
        offsets: () => messages().map((m) => m.offset),
        waitForCount: async (count) => {
          await waitFor(
            `${count} messages (have ${messages().length})`,
            () => messages().length >= count,
            harness.deliveryTimeoutMs,
          );
        },
      };
    }

    const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

    describe('topics', () => {
      it('ensureTopic is idempotent, also concurrently, and a new topic is empty', async () => {
        const topic = harness.uniqueName('t');
        await Promise.all([bus.ensureTopic(topic), bus.ensureTopic(topic)]);
        await bus.ensureTopic(topic);
        expect(await bus.endOffset(topic)).toBe(0);
        expect(await bus.read(topic, 0, 10)).toEqual([]);
      });

      it('rejects unknown topics with TopicNotFoundError (topics are never auto-created)', async () => {
        const missing = harness.uniqueName('missing');
        await expect(bus.publish(missing, [msg('x')])).rejects.toBeInstanceOf(TopicNotFoundError);
        await expect(bus.read(missing, 0, 1)).rejects.toBeInstanceOf(TopicNotFoundError);
        await expect(bus.endOffset(missing)).rejects.toBeInstanceOf(TopicNotFoundError);
        await expect(
          bus.subscribe({ topic: missing, groupId: harness.uniqueName('g'), handler: async () => undefined }),
        ).rejects.toBeInstanceOf(TopicNotFoundError);
      });

      it('rejects malformed arguments with InvalidEventBusArgumentError', async () => {
        const topic = await newTopic();
        const invalid = expect.objectContaining({ code: 'event_bus_invalid_argument' });
        await expect(bus.ensureTopic('bad topic!')).rejects.toBeInstanceOf(InvalidEventBusArgumentError);
        await expect(bus.ensureTopic('')).rejects.toEqual(invalid);
        await expect(bus.ensureTopic('..')).rejects.toEqual(invalid);
        await expect(bus.read(topic, -1, 1)).rejects.toEqual(invalid);
        await expect(bus.read(topic, 1.5, 1)).rejects.toEqual(invalid);
        await expect(bus.read(topic, 0, 0)).rejects.toEqual(invalid);
        await expect(bus.read(topic, 0, 1, { waitMs: -1 })).rejects.toEqual(invalid);
        await expect(bus.read(topic, 0, 1, { waitMs: 0.5 })).rejects.toEqual(invalid);
        await expect(bus.read(topic, 0, 1, { waitMs: 60_001 })).rejects.toEqual(invalid);
        await expect(bus.publish(topic, [{ value: 'text' as unknown as Uint8Array }])).rejects.toEqual(invalid);
        await expect(
          bus.publish(topic, [{ value: utf8('x'), headers: { h: 1 as unknown as string } }]),
        ).rejects.toEqual(invalid);
        await expect(bus.subscribe({ topic, groupId: 'no spaces', handler: async () => undefined })).rejects.toEqual(
          invalid,
        );
        await expect(
          bus.subscribe({ topic, groupId: 'g', maxBatchSize: 0, handler: async () => undefined }),
        ).rejects.toEqual(invalid);
        await expect(
          bus.subscribe({ topic, groupId: 'g', fromIfNoCommit: { offset: -2 }, handler: async () => undefined }),
        ).rejects.toEqual(invalid);
        expect(await bus.endOffset(topic)).toBe(0);
      });

      it('handles many topics independently', async () => {
        const topics = await Promise.all(Array.from({ length: 12 }, () => newTopic('many')));
        await Promise.all(topics.map((topic, i) => publishNumbered(topic, 0, 10 + i)));
        const group = harness.uniqueName('g');
        const collectors = await Promise.all(topics.map((topic) => collect({ topic, groupId: group })));
        await Promise.all(collectors.map((c, i) => c.waitForCount(10 + i)));
        for (let i = 0; i < topics.length; i++) {
          expect(await bus.endOffset(topics[i])).toBe(10 + i);
          expect(collectors[i].offsets()).toEqual(range(0, 10 + i));
          expect(collectors[i].messages().every((m) => m.topic === topics[i])).toBe(true);
        }
        await Promise.all(collectors.map((c) => c.subscription.stop()));
      });
    });

    describe('publish and read', () => {
      it('assigns dense offsets and reads back value, key, headers and one log time per publish', async () => {
        const topic = await newTopic();
        const before = Date.now();
        const binary = new Uint8Array([0, 255, 1, 0, 128, 10, 13]);
        const first = await bus.publish(topic, [
          msg('a', { key: 'k-1', headers: { 'content-type': 'application/json', 'x-ünï': 'ß∂ƒ' } }),
          { value: binary },
          msg('', { key: '', headers: {} }),
        ]);
        const second = await bus.publish(topic, [msg('d', { key: 'k-2' }), msg('e')]);
        const after = Date.now();
        expect(first).toEqual({ topic, baseOffset: 0, count: 3 });
        expect(second).toEqual({ topic, baseOffset: 3, count: 2 });
        expect(await bus.endOffset(topic)).toBe(5);

        const read = await bus.read(topic, 0, 100);
        expect(read.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4]);
        expect(read.every((m) => m.topic === topic)).toBe(true);
        expect(text(read[0].value)).toBe('a');
        expect(read[0].key).toBe('k-1');
        expect(read[0].headers).toEqual({ 'content-type': 'application/json', 'x-ünï': 'ß∂ƒ' });
        expect(Array.from(read[1].value)).toEqual(Array.from(binary));
        expect(read[1].key).toBeUndefined();
        expect(read[1].headers).toEqual({});
        expect(read[2].value.byteLength).toBe(0);
        expect(read[2].key).toBe('');
        expect(read[3].key).toBe('k-2');
        // Time comes from the log: one timestamp per append, close to now, never decreasing.
        expect(new Set(read.slice(0, 3).map((m) => m.timestamp)).size).toBe(1);
        expect(read[3].timestamp).toBe(read[4].timestamp);
        expect(read[3].timestamp).toBeGreaterThanOrEqual(read[0].timestamp);
        expect(read[0].timestamp).toBeGreaterThanOrEqual(before - 60_000);
        expect(read[4].timestamp).toBeLessThanOrEqual(after + 60_000);
        expect(Number.isSafeInteger(read[0].timestamp)).toBe(true);
      });

      it('keeps every publish contiguous and ordered when many run concurrently', async () => {
        const topic = await newTopic();
        const callers = 20;
        const perCaller = 15;
        const results = await Promise.all(
          Array.from({ length: callers }, (_, c) =>
            bus.publish(
              topic,
              Array.from({ length: perCaller }, (_, i) => msg(`${c}:${i}`)),
            ),
          ),
        );
        const all = await bus.read(topic, 0, callers * perCaller + 10);
        expect(all.map((m) => m.offset)).toEqual(range(0, callers * perCaller));
        results.forEach((result, c) => {
          expect(result.count).toBe(perCaller);
          const slice = all.slice(result.baseOffset, result.baseOffset + perCaller).map((m) => text(m.value));
          expect(slice).toEqual(Array.from({ length: perCaller }, (_, i) => `${c}:${i}`));
        });
      });

      it('publishes nothing for an empty batch', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 2);
        const result = await bus.publish(topic, []);
        expect(result).toEqual({ topic, baseOffset: 2, count: 0 });
        expect(await bus.endOffset(topic)).toBe(2);
      });

      it('reads from any offset, honours max, and returns nothing at or beyond the end', async () => {
        const topic = await newTopic();
        for (let i = 0; i < 5; i++) await publishNumbered(topic, i * 10, 10);
        expect((await bus.read(topic, 10, 5)).map((m) => text(m.value))).toEqual([
          'm-10',
          'm-11',
          'm-12',
          'm-13',
          'm-14',
        ]);
        expect((await bus.read(topic, 45, 100)).map((m) => m.offset)).toEqual([45, 46, 47, 48, 49]);
        expect((await bus.read(topic, 0, 50)).map((m) => m.offset)).toEqual(range(0, 50));
        expect(await bus.read(topic, 50, 10)).toEqual([]);
        expect(await bus.read(topic, 1000, 1)).toEqual([]);
      });

      it('resolves publish only once the messages are durable: a fresh bus reads them', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 7);
        await bus.close();
        bus = await harness.openBus();
        expect(await bus.endOffset(topic)).toBe(7);
        expect((await bus.read(topic, 0, 10)).map((m) => text(m.value))).toEqual(range(0, 7).map((i) => `m-${i}`));
      });

      it('carries large messages intact and refuses a publish above maxBatchBytes', async () => {
        const topic = await newTopic();
        const big = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 31 + 7) % 251);
        const parts = [1, 2, 3].map((seed) => new Uint8Array(1024 * 1024).map((_, i) => (i * seed) % 253));
        await bus.publish(topic, [{ value: big, key: 'big' }]);
        await bus.publish(
          topic,
          parts.map((value) => ({ value })),
        );
        const read = await bus.read(topic, 0, 10);
        expect(read.map((m) => m.value.byteLength)).toEqual([big.byteLength, ...parts.map((p) => p.byteLength)]);
        expect(sha256(read[0].value)).toBe(sha256(big));
        parts.forEach((part, i) => expect(sha256(read[i + 1].value)).toBe(sha256(part)));

        const group = harness.uniqueName('g');
        const collector = await collect({ topic, groupId: group, maxBatchSize: 2 });
        await collector.waitForCount(4);
        expect(sha256(collector.messages()[0].value)).toBe(sha256(big));
        expect(sha256(collector.messages()[3].value)).toBe(sha256(parts[2]));
        await collector.subscription.stop();

        const tooBig = new Uint8Array(5 * 1024 * 1024);
        await expect(bus.publish(topic, [{ value: tooBig }])).rejects.toBeInstanceOf(MessageTooLargeError);
        const manySmall = Array.from({ length: 5 }, () => ({ value: new Uint8Array(1024 * 1024) }));
        await expect(bus.publish(topic, manySmall)).rejects.toBeInstanceOf(MessageTooLargeError);
        expect(await bus.endOffset(topic)).toBe(4);
      });
    });

    describe('reads that wait (long poll)', () => {
      /** Long enough that a read ending well before it was woken, not timed out. */
      const LONG_WAIT_MS = 30_000;

      /** Whether `promise` has settled by now. */
      async function settled(promise: Promise<unknown>): Promise<boolean> {
        const pending = Symbol('pending');
        const first = await Promise.race([
          promise.then(
            () => undefined,
            () => undefined,
          ),
          Promise.resolve(pending),
        ]);
        return first !== pending;
      }

      it('returns what is there at once, and waits only at the end of the log', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 3);
        const started = performance.now();
        expect((await bus.read(topic, 0, 10, { waitMs: LONG_WAIT_MS })).map((m) => m.offset)).toEqual([0, 1, 2]);
        expect((await bus.read(topic, 1, 1, { waitMs: LONG_WAIT_MS })).map((m) => m.offset)).toEqual([1]);
        expect(await bus.read(topic, 1000, 1, { waitMs: LONG_WAIT_MS })).toEqual([]);
        expect(performance.now() - started).toBeLessThan(LONG_WAIT_MS / 2);
      });

      it('returns as soon as a message is appended during the wait', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 2);
        const started = performance.now();
        const waiting = bus.read(topic, 2, 10, { waitMs: LONG_WAIT_MS });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await settled(waiting)).toBe(false);
        await publishNumbered(topic, 2, 3);
        const read = await waiting;
        expect(performance.now() - started).toBeLessThan(LONG_WAIT_MS / 2);
        expect(read.length).toBeGreaterThanOrEqual(1);
        expect(read.map((m) => text(m.value))).toEqual(['m-2', 'm-3', 'm-4'].slice(0, read.length));
      });

      it('wakes every read waiting on the topic', async () => {
        const topic = await newTopic();
        const waits = [0, 1, 2].map(() => bus.read(topic, 0, 10, { waitMs: LONG_WAIT_MS }));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await publishNumbered(topic, 0, 1);
        for (const read of await Promise.all(waits)) expect(read.map((m) => text(m.value))).toEqual(['m-0']);
      });

      it('returns [] after waitMs when nothing arrives', async () => {
        const topic = await newTopic();
        const started = performance.now();
        expect(await bus.read(topic, 0, 10, { waitMs: 400 })).toEqual([]);
        const elapsed = performance.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(300);
        expect(elapsed).toBeLessThan(LONG_WAIT_MS / 2);
      });

      it('does not hold up reads and publishes of other topics', async () => {
        const [quiet, busy] = await Promise.all([newTopic('quiet'), newTopic('busy')]);
        const waiting = bus.read(quiet, 0, 10, { waitMs: LONG_WAIT_MS });
        await new Promise((resolve) => setTimeout(resolve, 200));
        await publishNumbered(busy, 0, 2);
        expect((await bus.read(busy, 0, 10)).map((m) => m.offset)).toEqual([0, 1]);
        expect((await bus.read(busy, 2, 10, { waitMs: 200 })).map((m) => m.offset)).toEqual([]);
        expect(await bus.endOffset(busy)).toBe(2);
        expect(await settled(waiting)).toBe(false);
        await publishNumbered(quiet, 0, 1);
        expect((await waiting).map((m) => m.offset)).toEqual([0]);
      });

      it('ends at once with EventBusClosedError when the bus closes during the wait', async () => {
        const topic = await newTopic();
        const started = performance.now();
        const waiting = bus.read(topic, 0, 10, { waitMs: LONG_WAIT_MS });
        waiting.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await bus.close();
        await expect(waiting).rejects.toBeInstanceOf(EventBusClosedError);
        expect(performance.now() - started).toBeLessThan(LONG_WAIT_MS / 2);
      });
    });

    describe('subscriptions', () => {
      it("delivers from 'earliest' in order, in batches of at most maxBatchSize, then follows new appends", async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 25);
        const collector = await collect({
          topic,
          groupId: harness.uniqueName('g'),
          fromIfNoCommit: 'earliest',
          maxBatchSize: 10,
        });
        await collector.waitForCount(25);
        await publishNumbered(topic, 25, 5);
        await collector.waitForCount(30);
        expect(collector.offsets()).toEqual(range(0, 30));
        expect(collector.batches.every((b) => b.length >= 1 && b.length <= 10)).toBe(true);
        expect(collector.messages().map((m) => text(m.value))).toEqual(range(0, 30).map((i) => `m-${i}`));
        await collector.subscription.stop();
      });

      it("starts at the end of the log with 'latest'", async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 5);
        const collector = await collect({ topic, groupId: harness.uniqueName('g'), fromIfNoCommit: 'latest' });
        await publishNumbered(topic, 5, 3);
        await collector.waitForCount(3);
        expect(collector.offsets()).toEqual([5, 6, 7]);
        await collector.subscription.stop();
      });

      it('starts at a given offset when the group has no commit', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 10);
        const collector = await collect({ topic, groupId: harness.uniqueName('g'), fromIfNoCommit: { offset: 7 } });
        await collector.waitForCount(3);
        expect(collector.offsets()).toEqual([7, 8, 9]);
        await collector.subscription.stop();
        await expect(
          bus.subscribe({
            topic,
            groupId: harness.uniqueName('g'),
            fromIfNoCommit: { offset: 11 },
            handler: async () => undefined,
          }),
        ).rejects.toBeInstanceOf(OffsetOutOfRangeError);
      });

      it('commits after the handler and resumes the group from its committed offset', async () => {
        const topic = await newTopic();
        const group = harness.uniqueName('g');
        await publishNumbered(topic, 0, 10);
        const first = await collect({ topic, groupId: group });
        await first.waitForCount(10);
        await first.subscription.stop();
        await publishNumbered(topic, 10, 5);
        // The committed offset wins over fromIfNoCommit.
        const second = await collect({ topic, groupId: group, fromIfNoCommit: 'earliest' });
        await second.waitForCount(5);
        expect(second.offsets()).toEqual(range(10, 15));
        await second.subscription.stop();
      });

      it('keeps committed offsets across closing and reopening the bus', async () => {
        const topic = await newTopic();
        const group = harness.uniqueName('g');
        await publishNumbered(topic, 0, 10);
        const first = await collect({ topic, groupId: group });
        await first.waitForCount(10);
        await bus.close();
        bus = await harness.openBus();
        await publishNumbered(topic, 10, 2);
        const second = await collect({ topic, groupId: group });
        await second.waitForCount(2);
        expect(second.offsets()).toEqual([10, 11]);
        await second.subscription.stop();
      });

      it('keeps two groups independent', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 20);
        const a = await collect({ topic, groupId: harness.uniqueName('ga'), maxBatchSize: 5 });
        const b = await collect({ topic, groupId: harness.uniqueName('gb'), maxBatchSize: 7 });
        await a.waitForCount(20);
        await a.subscription.stop();
        await publishNumbered(topic, 20, 5);
        await b.waitForCount(25);
        expect(a.offsets()).toEqual(range(0, 20));
        expect(b.offsets()).toEqual(range(0, 25));
        await b.subscription.stop();
      });

      it('redelivers a batch whose handler failed (at-least-once) and reports the error', async () => {
        const topic = await newTopic();
        await publishNumbered(topic, 0, 10);
        const attempts: number[][] = [];
        const errors: unknown[] = [];
        let failuresLeft = 2;
        const collector = await collect({
          topic,
          groupId: harness.uniqueName('g'),
          maxBatchSize: 5,
          onError: (error) => errors.push(error),
          handler: async (batch) => {
            attempts.push(batch.map((m) => m.offset));
            if (batch.some((m) => m.offset === 3) && failuresLeft > 0) {
              failuresLeft--;
              throw new Error('handler failed on purpose');
            }
          },
        });
        await collector.waitForCount(10);
        expect(collector.offsets()).toEqual(range(0, 10));
        expect(errors).toHaveLength(2);
        expect((errors[0] as Error).message).toBe('handler failed on purpose');
        const withThree = attempts.filter((offsets) => offsets.includes(3));
        expect(withThree.length).toBe(3);
        expect(new Set(withThree.map((offsets) => offsets[0])).size).toBe(1);
        await collector.subscription.stop();
      });

      it('stop() waits for the in-flight handler and commits its batch', async () => {
        const topic = await newTopic();
        const group = harness.uniqueName('g');
        await publishNumbered(topic, 0, 8);
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let entered = false;
        const first = await collect({
          topic,
          groupId: group,
          maxBatchSize: 4,
          handler: async () => {
            entered = true;
            await gate;
          },
        });
        await waitFor('the handler to start', () => entered, harness.deliveryTimeoutMs);
        let stopped = false;
        const stopping = first.subscription.stop().then(() => (stopped = true));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(stopped).toBe(false);
        release();
        await stopping;
        expect(first.batches).toHaveLength(1);
        const handled = first.offsets();
        expect(handled[0]).toBe(0);

        const second = await collect({ topic, groupId: group });
        await second.waitForCount(8 - handled.length);
        expect(second.offsets()).toEqual(range(handled.length, 8));
        await second.subscription.stop();
      });

      it('stop() ends a subscription whose handler keeps failing, without committing', async () => {
        const topic = await newTopic();
        const group = harness.uniqueName('g');
        await publishNumbered(topic, 0, 3);
        let calls = 0;
        const failing = await bus.subscribe({
          topic,
          groupId: group,
          onError: () => undefined,
          handler: async () => {
            calls++;
            throw new Error('always fails');
          },
        });
        await waitFor('two failed attempts', () => calls >= 2, harness.deliveryTimeoutMs);
        const started = Date.now();
        await failing.stop();
        expect(Date.now() - started).toBeLessThan(10_000);

        const retry = await collect({ topic, groupId: group });
        await retry.waitForCount(3);
        expect(retry.offsets()).toEqual([0, 1, 2]);
        await retry.subscription.stop();
      });

      it('stop() is idempotent and stops delivery', async () => {
        const topic = await newTopic();
        const collector = await collect({ topic, groupId: harness.uniqueName('g') });
        await publishNumbered(topic, 0, 2);
        await collector.waitForCount(2);
        await Promise.all([collector.subscription.stop(), collector.subscription.stop()]);
        await collector.subscription.stop();
        await publishNumbered(topic, 2, 2);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(collector.offsets()).toEqual([0, 1]);
      });
    });

    describe('lifecycle', () => {
      it('reports health and refuses use after close', async () => {
        const topic = await newTopic();
        expect(await bus.isHealthy()).toBe(true);
        const collector = await collect({ topic, groupId: harness.uniqueName('g') });
        await bus.close();
        await bus.close();
        expect(await bus.isHealthy()).toBe(false);
        await expect(bus.publish(topic, [msg('x')])).rejects.toBeInstanceOf(EventBusClosedError);
        await expect(bus.read(topic, 0, 1)).rejects.toBeInstanceOf(EventBusClosedError);
        await expect(bus.ensureTopic(topic)).rejects.toBeInstanceOf(EventBusClosedError);
        await collector.subscription.stop();
        bus = await harness.openBus();
        expect(await bus.endOffset(topic)).toBe(0);
      });
    });
  });
}
