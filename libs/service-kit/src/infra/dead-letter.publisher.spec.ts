import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventBus, silentEventBusLogger, type EventBus, type LogMessage } from '@accord/event-bus';
import { parkedEventSchema } from '@accord/events';
import type { Attributes, Counter } from '@opentelemetry/api';
import { DeadLetterPublisher } from './dead-letter.publisher';

const record = (offset: number, value: string): LogMessage => ({
  topic: 'accord.dept.dept-a.blocks',
  offset,
  timestamp: 1_700_000_000_000 + offset,
  key: 'roads',
  value: Buffer.from(value),
  headers: { type: 'block.committed' },
});

describe('DeadLetterPublisher (embedded event bus)', () => {
  let dir: string;
  let bus: EventBus;
  const counted: [number, Attributes | undefined][] = [];
  const counter = { add: (n: number, attributes?: Attributes) => void counted.push([n, attributes]) } as Counter;
  const logged: [Record<string, unknown>, string][] = [];
  const log = { error: (fields: Record<string, unknown>, message: string) => void logged.push([fields, message]) };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-dead-letters-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: join(dir, 'bus'), logger: silentEventBusLogger });
  });

  afterAll(async () => {
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes one event.parked per record on the consumer dead-letter topic, counts and logs each with its offset', async () => {
    const publisher = new DeadLetterPublisher({ bus, department: 'dept-a', consumer: 'contracts', log, counter });
    expect(publisher.topic).toBe('accord.dlq.dept-a.contracts');
    await publisher.park([]);
    await publisher.park([
      { message: record(3, 'not json'), reason: { code: 'event_not_json', message: 'not JSON' } },
      { message: record(9, '{}'), reason: { code: 'event_invalid', message: 'no type' } },
    ]);
    const parked = await bus.read(publisher.topic, 0, 10);
    expect(parked.map((m) => [m.key, m.headers])).toEqual([
      [
        'accord.dept.dept-a.blocks',
        { type: 'event.parked', topic: 'accord.dept.dept-a.blocks', offset: '3', code: 'event_not_json' },
      ],
      [
        'accord.dept.dept-a.blocks',
        { type: 'event.parked', topic: 'accord.dept.dept-a.blocks', offset: '9', code: 'event_invalid' },
      ],
    ]);
    const events = parked.map((m) => parkedEventSchema.parse(JSON.parse(Buffer.from(m.value).toString('utf8'))));
    expect(events.map((e) => [e.consumer, e.offset, e.key, e.timestamp, e.reason])).toEqual([
      ['contracts', 3, 'roads', 1_700_000_000_003, { code: 'event_not_json', message: 'not JSON' }],
      ['contracts', 9, 'roads', 1_700_000_000_009, { code: 'event_invalid', message: 'no type' }],
    ]);
    expect(counted).toEqual([
      [1, { topic: 'accord.dept.dept-a.blocks', code: 'event_not_json' }],
      [1, { topic: 'accord.dept.dept-a.blocks', code: 'event_invalid' }],
    ]);
    expect(logged.map(([fields]) => fields.offset)).toEqual([3, 9]);
    expect(logged[0][1]).toBe('parked record 3 of accord.dept.dept-a.blocks on accord.dlq.dept-a.contracts: not JSON');
  });

  it('throws when the bus refuses the dead letter, counting nothing, so the consumer retries its batch', async () => {
    const closedDir = await mkdtemp(join(tmpdir(), 'accord-dead-letters-closed-'));
    const closed = await createEventBus({ kind: 'embedded', dataDir: closedDir, logger: silentEventBusLogger });
    await closed.close();
    counted.length = 0;
    const publisher = new DeadLetterPublisher({
      bus: closed,
      department: 'dept-a',
      consumer: 'contracts',
      log,
      counter,
    });
    await expect(
      publisher.park([{ message: record(1, 'x'), reason: { code: 'event_not_json', message: 'not JSON' } }]),
    ).rejects.toThrow();
    expect(counted).toEqual([]);
    await rm(closedDir, { recursive: true, force: true });
  });
});
