import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { EventBus, OutgoingMessage, PublishResult } from '@accord/event-bus';

/** What `client.emit(pattern, data)` publishes: messages for one topic, appended as one batch. */
export interface EmittedEvents {
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
}

/** Header naming the `@EventPattern` an emitted message is for. */
export const EVENT_PATTERN_HEADER = 'accord-event';

/**
 * The producer side of the event transport: `emit(pattern, {topic,
 * messages})` appends the messages to the topic through the event-bus port,
 * tagged with the pattern, resolving once they are durable. The log is not a
 * request/response channel, so `send()` fails.
 */
export class EventBusClient extends ClientProxy {
  constructor(private readonly bus: EventBus) {
    super();
  }

  async connect(): Promise<void> {
    // The bus is opened and closed by its module.
  }

  close(): void {
    // The bus is opened and closed by its module.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({
      err: new Error(`request/response is not supported on the event log (pattern ${String(packet.pattern)})`),
    });
    return () => undefined;
  }

  protected async dispatchEvent<T = PublishResult>(packet: ReadPacket<EmittedEvents>): Promise<T> {
    const pattern = typeof packet.pattern === 'string' ? packet.pattern : JSON.stringify(packet.pattern);
    const { topic, messages } = packet.data;
    const tagged = messages.map((m) => ({ ...m, headers: { ...m.headers, [EVENT_PATTERN_HEADER]: pattern } }));
    return (await this.bus.publish(topic, tagged)) as T;
  }
}
