import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import type { LogMessage } from '@accord/event-bus';
import type { DecodeResult } from '@accord/events';
import { EventRejectedError, type EventCheckpoints, type EventSubscription } from './event-subscription';
import type { DataSource } from 'typeorm';

/**
 * A projection consumer's place on its topics, in consumer_checkpoint: read
 * in a transaction (the row lock serialises replicas), and moved past
 * parked records. The projection's batches advance it in their own
 * transaction, with their effects.
 */
export class StoredCheckpoints implements EventCheckpoints {
  private readonly checkpoints = new ConsumerCheckpointRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly consumer: string,
  ) {}

  next(topic: string): Promise<number> {
    return withTransaction(
      this.dataSource,
      async (manager) => (await this.checkpoints.get(manager, this.consumer, topic)) ?? 0,
    );
  }

  async skipTo(topic: string, next: number): Promise<void> {
    await withTransaction(this.dataSource, (manager) => this.checkpoints.advance(manager, this.consumer, topic, next));
  }
}

/**
 * The subscription of a projection that reads one topic of this
 * department (its blocks, its contracts' decisions) with a decoder of the
 * event contract, and keeps its checkpoint in its own database: a record
 * that does not decode is parked with the decoder's code.
 */
export function projectionSubscription<E>(options: {
  readonly pattern: string;
  readonly consumer: string;
  readonly topic: string;
  readonly decode: (value: Uint8Array) => DecodeResult<E>;
  readonly dataSource: DataSource;
}): EventSubscription<E> {
  return {
    pattern: options.pattern,
    consumer: options.consumer,
    topics: async () => [options.topic],
    parse: (message: LogMessage) => {
      const decoded = options.decode(message.value);
      if (!decoded.ok) throw new EventRejectedError(decoded.failure.code, decoded.failure.message);
      return decoded.event;
    },
    checkpoints: new StoredCheckpoints(options.dataSource, options.consumer),
  };
}
