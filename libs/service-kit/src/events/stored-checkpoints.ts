import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import type { EventCheckpoints } from './event-subscription';
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
