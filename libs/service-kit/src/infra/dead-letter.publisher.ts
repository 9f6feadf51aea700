import type { EventBus, LogMessage } from '@accord/event-bus';
import { deadLetterTopic, encodeParkedEvent, parkedEvent, parkedEventHeaders, type ParkReason } from '@accord/events';
import type { Attributes, Counter } from '@opentelemetry/api';

/** What the publisher logs through (a pino logger fits). */
export interface DeadLetterLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export interface DeadLetterOptions {
  readonly bus: EventBus;
  readonly department: string;
  /** Names the consumer in the dead-letter topic and in each parked event, e.g. `contracts`. */
  readonly consumer: string;
  readonly log: DeadLetterLog;
  /** Counts parked records by `topic` and reason `code` (e.g. `accord_contracts_events_parked`). */
  readonly counter?: Counter<Attributes>;
}

/**
 * Parks records a consumer cannot read (docs/events.md "Bad records"):
 * counts them, logs each with its topic and offset, and publishes an
 * `event.parked` event on deadLetterTopic(department, consumer) through the
 * event-bus port. Consumers call it BEFORE they move their checkpoint past
 * the record, so a record is parked at least once and never silently
 * skipped; a failed publish throws, and the consumer retries its batch.
 */
export class DeadLetterPublisher {
  readonly topic: string;
  private ensured = false;

  constructor(private readonly options: DeadLetterOptions) {
    this.topic = deadLetterTopic(options.department, options.consumer);
  }

  async park(records: readonly { readonly message: LogMessage; readonly reason: ParkReason }[]): Promise<void> {
    if (records.length === 0) return;
    const { bus, consumer, log, counter } = this.options;
    const events = records.map(({ message, reason }) => parkedEvent(consumer, message, reason));
    if (!this.ensured) {
      await bus.ensureTopic(this.topic);
      this.ensured = true;
    }
    await bus.publish(
      this.topic,
      events.map((event) => ({
        key: event.topic,
        value: encodeParkedEvent(event),
        headers: parkedEventHeaders(event),
      })),
    );
    for (const event of events) {
      counter?.add(1, { topic: event.topic, code: event.reason.code });
      log.error(
        { topic: event.topic, offset: event.offset, code: event.reason.code, deadLetterTopic: this.topic },
        `parked record ${event.offset} of ${event.topic} on ${this.topic}: ${event.reason.message}`,
      );
    }
  }
}
