import { Controller, Injectable, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import request from 'supertest';
import { z } from 'zod';
import { createEventBus, silentEventBusLogger, type EventBus, type LogMessage } from '@accord/event-bus';
import { deadLetterTopic, parkedEventSchema } from '@accord/events';
import { commonEnvShape, toCommonConfig } from '../config/common.config';
import type { ServiceDefinition } from '../bootstrap/service-definition';
import { DependencyUnavailableError } from '../errors/dependency-unavailable.classifier';
import { startServiceForTest, type ServiceUnderTest } from '../harness/service-test.harness';
import { EventBusModule } from '../infra/event-bus.module';
import { shutdownTelemetry } from '../telemetry/telemetry';
import { EventBusClient, EVENT_PATTERN_HEADER } from './event-bus.client';
import { EventBusContext } from './event-bus.context';
import type { EventBatch, EventCheckpoints } from './event-subscription';
import { EventSubscriptionRegistry } from './event-subscription.registry';

const noteSchema = z.object({ v: z.literal(1), note: z.string() });
type Note = z.infer<typeof noteSchema>;

/**
 * The consumer's own "database", shared across restarts of the tiny service:
 * effects and checkpoint change together (one "transaction"), as a consumer
 * with exactly-once effects does it.
 */
const world = {
  topics: ['notes.a'] as string[],
  applied: [] as { topic: string; note: string; offset: number }[],
  checkpoints: new Map<string, number>(),
  /** Notes whose handler throws, and how often (Infinity = always). */
  failures: new Map<string, { left: number; error: () => Error }>(),
  contexts: [] as { topic: string; consumer: string }[],
  /** Resolved by the test to let a held batch finish. */
  hold: undefined as Promise<void> | undefined,
  /** The readers' long-poll wait at the end of a topic. */
  idleMs: 10,
};

@Injectable()
class NotesSubscription implements EventCheckpoints {
  constructor(subscriptions: EventSubscriptionRegistry) {
    subscriptions.register<Note>({
      pattern: 'note.added',
      consumer: 'notes',
      topics: async () => world.topics,
      parse: (message: LogMessage) => noteSchema.parse(JSON.parse(Buffer.from(message.value).toString('utf8'))),
      checkpoints: this,
      maxBatch: 3,
      timings: { idleMs: world.idleMs, retryInitialMs: 10, retryMaxMs: 20, maxAttempts: 3, discoverMs: 50 },
    });
  }

  async next(topic: string): Promise<number> {
    return world.checkpoints.get(topic) ?? 0;
  }

  async skipTo(topic: string, next: number): Promise<void> {
    world.checkpoints.set(topic, next);
  }
}

@Controller()
class NotesHandler {
  @EventPattern('note.added')
  async apply(@Payload() batch: EventBatch<Note>, @Ctx() ctx: EventBusContext): Promise<void> {
    world.contexts.push({ topic: ctx.getTopic(), consumer: ctx.getConsumer() });
    await world.hold;
    for (const { event } of batch.events) {
      const failure = world.failures.get(event.note);
      if (failure && failure.left > 0) {
        failure.left -= 1;
        throw failure.error();
      }
    }
    // One "transaction": the effects and the checkpoint.
    for (const { event, offset } of batch.events) world.applied.push({ topic: batch.topic, note: event.note, offset });
    world.checkpoints.set(batch.topic, batch.nextOffset);
  }
}

@Module({ imports: [EventBusModule.forRoot()], controllers: [NotesHandler], providers: [NotesSubscription] })
class NotesModule {}

const notesService: ServiceDefinition = {
  name: 'notes',
  title: 'Event transport test service',
  version: '0.0.1',
  configSchema: z.object(commonEnvShape({ defaultPort: 0 })).transform((env) => toCommonConfig('notes', env)),
  rootModule: NotesModule,
};

const note = (text: string): { value: Uint8Array } => ({ value: Buffer.from(JSON.stringify({ v: 1, note: text })) });

const parkedEvent = (message: LogMessage) => parkedEventSchema.parse(JSON.parse(Buffer.from(message.value).toString()));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('EventBusTransport (@EventPattern handlers on the embedded log)', () => {
  let busDir: string;
  let bus: EventBus;
  let sut: ServiceUnderTest | undefined;

  const start = async () => {
    sut = await startServiceForTest(notesService, { env: { ACCORD_BUS: `embedded:${busDir}` }, shared: { bus } });
    return sut;
  };
  const notesOn = (topic: string) => world.applied.filter((a) => a.topic === topic).map((a) => a.note);

  beforeEach(async () => {
    busDir = await mkdtemp(join(tmpdir(), 'event-transport-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: busDir, logger: silentEventBusLogger });
    world.topics = ['notes.a'];
    world.applied = [];
    world.checkpoints = new Map();
    world.failures = new Map();
    world.contexts = [];
    world.hold = undefined;
    world.idleMs = 10;
  });

  afterEach(async () => {
    await sut?.close();
    sut = undefined;
    await bus.close();
    await rm(busDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('delivers each topic in log order, in batches, and resumes after a restart from the stored checkpoint', async () => {
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', ['1', '2', '3', '4', '5'].map(note));
    await start();
    await until('five notes', () => notesOn('notes.a').length === 5);
    expect(notesOn('notes.a')).toEqual(['1', '2', '3', '4', '5']);
    expect(world.contexts[0]).toEqual({ topic: 'notes.a', consumer: 'notes' });
    await sut?.close();
    sut = undefined;

    await bus.publish('notes.a', ['6', '7'].map(note));
    await start();
    await until('seven notes', () => notesOn('notes.a').length === 7);
    expect(notesOn('notes.a')).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(world.applied.map((a) => a.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('delivers a message appended while the reader waits at the end of the topic at once, and stops without waiting out the wait', async () => {
    world.idleMs = 60_000;
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', [note('first')]);
    await start();
    await until('the first note', () => notesOn('notes.a').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the reader now waits on its long-poll read
    await bus.publish('notes.a', [note('second')]);
    await until('the second note, long before the wait ends', () => notesOn('notes.a').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = performance.now();
    await sut?.close();
    sut = undefined;
    expect(performance.now() - stopping).toBeLessThan(30_000);
    expect(notesOn('notes.a')).toEqual(['first', 'second']);
  });

  it('parks an event that fails its schema on the dead-letter topic, with its origin and reason, and goes on', async () => {
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', [note('ok-1'), { value: Buffer.from('{"v":2,"note":"future"}') }, note('ok-2')]);
    const { url } = await start();
    await until('the valid notes', () => notesOn('notes.a').length === 2);
    expect(notesOn('notes.a')).toEqual(['ok-1', 'ok-2']);
    const parked = (await bus.read(deadLetterTopic('test-dept', 'notes'), 0, 10)).map(parkedEvent);
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({
      topic: 'notes.a',
      offset: 1,
      consumer: 'notes',
      reason: { code: 'event_invalid' },
    });
    expect(Buffer.from(parked[0].value, 'hex').toString()).toBe('{"v":2,"note":"future"}');
    expect(world.checkpoints.get('notes.a')).toBe(3);
    const metrics = await request(url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/accord_events_parked_total\{[^}]*code="event_invalid"[^}]*consumer="notes"[^}]*\} 1/);
  });

  it('retries a failing batch and applies it once when the handler recovers', async () => {
    world.failures.set('flaky', { left: 2, error: () => new Error('transient') });
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', [note('before'), note('flaky'), note('after')]);
    await start();
    await until('three notes', () => notesOn('notes.a').length === 3);
    expect(notesOn('notes.a')).toEqual(['before', 'flaky', 'after']);
    expect(await bus.endOffset(deadLetterTopic('test-dept', 'notes')).catch(() => 0)).toBe(0);
  });

  it('parks a batch whose handler keeps failing, with the error, reports it in readiness, and goes on', async () => {
    world.failures.set('poison', { left: Infinity, error: () => new Error('cannot apply poison') });
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', [note('poison')]);
    await bus.publish('notes.a', [note('next')]);
    const { url } = await start();
    await until('the next note', () => notesOn('notes.a').includes('next'));
    expect(notesOn('notes.a')).toEqual(['next']);
    const parked = (await bus.read(deadLetterTopic('test-dept', 'notes'), 0, 10)).map(parkedEvent);
    expect(parked.map((p) => p.reason)).toEqual([{ code: 'handler_failed', message: 'cannot apply poison' }]);
    const ready = await request(url).get('/health/ready').expect(200);
    expect(ready.body.info.events).toEqual({
      status: 'up',
      consumers: [{ consumer: 'notes', topic: 'notes.a', state: 'live', lag: 0 }],
      parked: [{ consumer: 'notes', topic: 'notes.a', parked: 1 }],
    });
  });

  it('measures the consumer lag: a gauge at /metrics and the readiness details, down until it is 0', async () => {
    const lagOf = async (url: string): Promise<number | undefined> => {
      const metrics = await request(url).get('/metrics').expect(200);
      const series = /^accord_events_consumer_lag\{([^}]*)\} (\d+)$/m.exec(metrics.text);
      if (series === null) return undefined;
      expect(series[1]).toContain('consumer="notes"');
      expect(series[1]).toContain('topic="notes.a"');
      expect(series[1]).toContain('accord_service="notes"');
      return Number(series[2]);
    };
    let release: () => void = () => undefined;
    world.hold = new Promise((resolve) => (release = resolve));
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', ['1', '2', '3', '4', '5'].map(note));
    const { url } = await start();
    await until('the first batch in flight', () => world.contexts.length === 1);
    // Records appended while the handler holds its batch: measured at the reader's next step.
    await bus.publish('notes.a', ['6', '7'].map(note));

    expect(await lagOf(url)).toBe(5);
    const behind = await request(url).get('/health/ready').expect(503);
    expect(behind.body.error.events).toEqual({
      status: 'down',
      message: 'notes on notes.a: catching-up',
      consumers: [{ consumer: 'notes', topic: 'notes.a', state: 'catching-up', lag: 5 }],
    });

    release();
    await until('seven notes', () => notesOn('notes.a').length === 7);
    await until('no lag', async () => (await lagOf(url)) === 0);
    const ready = await request(url).get('/health/ready').expect(200);
    expect(ready.body.info.events).toEqual({
      status: 'up',
      consumers: [{ consumer: 'notes', topic: 'notes.a', state: 'live', lag: 0 }],
    });
  });

  it('retries without limit and reports not ready while a dependency is unavailable, never parking', async () => {
    world.failures.set('db-down', {
      left: 8,
      error: () => new DependencyUnavailableError('database', 'connection lost'),
    });
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', [note('db-down')]);
    const { url } = await start();
    const down = await until('not ready while retrying', async () => {
      const res = await request(url).get('/health/ready');
      return res.status === 503 && /retrying/.test(res.body.error?.events?.message) ? res : undefined;
    });
    expect(down.body.error.events.message).toMatch(/^notes on notes\.a: retrying \(.*connection lost/);
    expect(down.body.error.events.consumers).toEqual([
      { consumer: 'notes', topic: 'notes.a', state: 'retrying', lag: 1 },
    ]);
    await until('the note applied', () => notesOn('notes.a').length === 1);
    await until('ready', async () => (await request(url).get('/health/ready')).status === 200);
    expect(await bus.endOffset(deadLetterTopic('test-dept', 'notes')).catch(() => 0)).toBe(0);
  });

  it('pauses a consumer after its batch in flight and resumes it from its checkpoint', async () => {
    const { service } = await start();
    const subscriptions = service.app.get(EventSubscriptionRegistry);
    await bus.ensureTopic('notes.a');
    await bus.publish('notes.a', [note('1')]);
    await until('the first note', () => notesOn('notes.a').length === 1);
    await subscriptions.pause('notes');
    await bus.publish('notes.a', [note('2')]);
    await new Promise((r) => setTimeout(r, 200));
    expect(notesOn('notes.a')).toEqual(['1']);
    subscriptions.resume('notes');
    await until('the second note', () => notesOn('notes.a').length === 2);
    expect(notesOn('notes.a')).toEqual(['1', '2']);
  });

  it('follows a topic that appears later, and stops on close only after the batch in flight', async () => {
    await start();
    await bus.ensureTopic('notes.b');
    await bus.publish('notes.b', [note('b-1')]);
    world.topics = ['notes.a', 'notes.b'];
    await until('the new topic', () => notesOn('notes.b').length === 1);

    let release: () => void = () => undefined;
    world.hold = new Promise((resolve) => (release = resolve));
    await bus.publish('notes.b', [note('b-2')]);
    await until('the batch in flight', () => world.contexts.length === 2);
    const closing = sut?.close();
    sut = undefined;
    await new Promise((r) => setTimeout(r, 50));
    expect(notesOn('notes.b')).toEqual(['b-1']);
    release();
    await closing;
    expect(notesOn('notes.b')).toEqual(['b-1', 'b-2']);
  });

  it('applies what an EventBusClient emits, tagged with its pattern, and refuses request/response', async () => {
    await bus.ensureTopic('notes.a');
    await start();
    const client = new EventBusClient(bus);
    await lastValueFrom(client.emit('note.added', { topic: 'notes.a', messages: [note('emitted')] }));
    await until('the emitted note', () => notesOn('notes.a').includes('emitted'));
    const [stored] = await bus.read('notes.a', 0, 1);
    expect(stored.headers?.[EVENT_PATTERN_HEADER]).toBe('note.added');
    await expect(lastValueFrom(client.send('note.added', {}))).rejects.toThrow(/not supported on the event log/);
  });
});
