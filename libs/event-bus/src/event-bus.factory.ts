import { EmbeddedEventBus } from './embedded/embedded-event-bus.adapter';
import type { EventBusConfig } from './event-bus.config';
import { InvalidEventBusConfigError } from './event-bus.errors';
import type { EventBus } from './event-bus.port';
import { KafkaEventBus } from './kafka/kafka-event-bus.adapter';

/** Opens the adapter a config names: Kafka (cluster mode) or the embedded log (one machine). */
export async function createEventBus(config: EventBusConfig): Promise<EventBus> {
  const kind: unknown = (config as { kind?: unknown } | undefined)?.kind;
  switch (kind) {
    case 'kafka':
      return KafkaEventBus.connect(config as Extract<EventBusConfig, { kind: 'kafka' }>);
    case 'embedded':
      return EmbeddedEventBus.open(config as Extract<EventBusConfig, { kind: 'embedded' }>);
    default:
      throw new InvalidEventBusConfigError(`event bus kind must be 'kafka' or 'embedded', got ${JSON.stringify(kind)}`);
  }
}
