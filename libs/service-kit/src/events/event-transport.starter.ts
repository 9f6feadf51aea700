import type { INestApplication } from '@nestjs/common';
import type { EventBus } from '@accord/event-bus';
import type { ServiceKitInput } from '../bootstrap/service-kit.module';
import { classifyUnavailable, dependencyPorts } from '../errors/dependency-unavailable.classifier';
import { DeadLetterPublisher } from '../infra/dead-letter.publisher';
import { EVENT_BUS } from '../infra/event-bus.module';
import { EventBusTransport } from './event-bus.transport';
import type { ReaderStatus } from './topic.reader';

/**
 * Connects the event transport to a service app whose providers registered
 * event subscriptions, and starts it: `events` readiness is down while a
 * reader catches up with the log end it found at start or retries a failing
 * batch; parked messages are counted and named in it.
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
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  kit.readiness.register('events', async () => eventsReadiness(transport.statuses()));
  await app.startAllMicroservices();
  return transport;
}

/** Readiness of the readers: down while one catches up or retries; parked counts are reported either way. */
export function eventsReadiness(statuses: readonly ReaderStatus[]): boolean | Record<string, unknown> {
  const behind = statuses.filter((s) => s.state !== 'live');
  const parked = statuses
    .filter((s) => s.parked > 0)
    .map((s) => ({ consumer: s.consumer, topic: s.topic, parked: s.parked }));
  if (behind.length > 0)
    throw new Error(
      behind
        .map((r) => `${r.consumer} on ${r.topic}: ${r.state}${r.lastError === undefined ? '' : ` (${r.lastError})`}`)
        .join('; '),
    );
  return parked.length === 0 ? true : { parked };
}
