import type { INestApplication } from '@nestjs/common';
import type { EventBus } from '@accord/event-bus';
import type { ServiceKitInput } from '../bootstrap/service-kit.module';
import { classifyUnavailable, dependencyPorts } from '../errors/dependency-unavailable.classifier';
import { DeadLetterPublisher } from '../infra/dead-letter.publisher';
import { EVENT_BUS } from '../infra/event-bus.module';
import { NotReadyError } from '../health/readiness.registry';
import { EventBusTransport } from './event-bus.transport';
import type { ReaderStatus } from './topic.reader';

/**
 * Connects the event transport to a service app whose providers registered
 * event subscriptions, and starts it: `events` readiness is down while a
 * reader catches up with the log end it found at start or retries a failing
 * batch, and lists every reader with its state and lag either way; parked
 * messages are counted and named in it. `accord_events_consumer_lag` gives
 * the same lag to Prometheus.
 */
export async function startEventTransport(
  app: INestApplication,
  kit: ServiceKitInput,
): Promise<EventBusTransport | undefined> {
  if (kit.subscriptions.all().length === 0) return undefined;
  const bus = app.get<EventBus>(EVENT_BUS, { strict: false });
  const ports = dependencyPorts(kit.context.config);
  const parked = kit.metrics.counter('accord_events_parked', {
    description: 'Records a transport consumer parked on its dead-letter topic, by consumer, topic and reason code',
  });
  const log = kit.log.pino.child({ component: 'event-transport' });
  const transport = new EventBusTransport({
    bus,
    subscriptions: kit.subscriptions,
    deadLetters: (consumer) =>
      new DeadLetterPublisher({
        bus,
        department: kit.context.department,
        consumer,
        log,
        counter: { add: (count, attributes) => parked.add(count, { ...attributes, consumer }) },
      }),
    isUnavailable: (error) => classifyUnavailable(error, ports) !== undefined,
    log,
  });
  kit.metrics.gauge<{ consumer: string; topic: string }>(
    'accord_events_consumer_lag',
    {
      description:
        "Messages between a topic's log end and a transport consumer's next offset, as of the reader's last measurement",
    },
    () => lagSeries(transport.statuses()),
  );
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  kit.readiness.register('events', async () => eventsReadiness(transport.statuses()));
  await app.startAllMicroservices();
  return transport;
}

/** One reader in the `events` readiness details. */
export interface ConsumerReadiness {
  readonly consumer: string;
  readonly topic: string;
  readonly state: ReaderStatus['state'];
  /** Messages between the log end and the reader's next offset (null until the reader opened the topic). */
  readonly lag: number | null;
}

/**
 * Readiness of the readers: down while one catches up or retries. Either
 * way the details list every reader with its state and lag (`consumers`)
 * and the parked counts (`parked`, when any), so an operator's view needs
 * no metrics parsing.
 */
export function eventsReadiness(statuses: readonly ReaderStatus[]): Record<string, unknown> {
  const consumers: ConsumerReadiness[] = statuses.map((s) => ({
    consumer: s.consumer,
    topic: s.topic,
    state: s.state,
    lag: s.lag,
  }));
  const parked = statuses
    .filter((s) => s.parked > 0)
    .map((s) => ({ consumer: s.consumer, topic: s.topic, parked: s.parked }));
  const details = parked.length === 0 ? { consumers } : { consumers, parked };
  const behind = statuses.filter((s) => s.state !== 'live');
  if (behind.length > 0)
    throw new NotReadyError(
      behind
        .map((r) => `${r.consumer} on ${r.topic}: ${r.state}${r.lastError === undefined ? '' : ` (${r.lastError})`}`)
        .join('; '),
      details,
    );
  return details;
}

/** The lag gauge's series: one per reader that has measured it. */
function lagSeries(statuses: readonly ReaderStatus[]): [number, { consumer: string; topic: string }][] {
  return statuses.flatMap((s): [number, { consumer: string; topic: string }][] =>
    s.lag === null ? [] : [[s.lag, { consumer: s.consumer, topic: s.topic }]],
  );
}
