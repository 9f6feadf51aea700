import { describeError, type EventBusLogger } from '../event-bus.logger';
import type { InternalCluster } from './kafka-internal.cluster';
import { KafkaLogReader } from './kafka-log.reader';

/** A kafkajs Cluster of its own (own sockets) with the reader that fetches on it. */
interface LongPollConnection {
  readonly cluster: InternalCluster;
  readonly reader: KafkaLogReader;
}

/**
 * Connections for reads that wait (`ReadOptions.waitMs`). A broker answers
 * the requests of one connection in order, so a fetch held for maxWaitTime
 * on the connection the other reads use would hold them all up. Each
 * waiting read therefore takes a connection of its own, kept per topic and
 * reused by the next wait on that topic (a ledger follows its topics with
 * one wait at a time each, so this is one connection per followed topic).
 */
export class KafkaLongPollConnections {
  private readonly idle = new Map<string, LongPollConnection[]>();
  private readonly busy = new Set<LongPollConnection>();
  private closed = false;

  constructor(
    private readonly createCluster: () => InternalCluster,
    private readonly partitionMaxBytes: number,
    private readonly logger: EventBusLogger,
  ) {}

  /** Runs `read` with a connection of its own for `topic`; the connection goes back to the pool unless the read failed. */
  async withConnection<T>(topic: string, read: (reader: KafkaLogReader) => Promise<T>): Promise<T> {
    const connection = await this.acquire(topic);
    let healthy = false;
    try {
      const result = await read(connection.reader);
      healthy = true;
      return result;
    } finally {
      this.busy.delete(connection);
      if (healthy && !this.closed) this.idle.set(topic, [...(this.idle.get(topic) ?? []), connection]);
      else this.disconnect(connection);
    }
  }

  /**
   * Disconnects every connection. kafkajs lets a connection's requests in
   * flight finish before it closes its socket, so a fetch still waiting ends
   * at its maxWaitTime; close does not wait for that (the bus rejects the
   * waiting read at once).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.busy) this.disconnect(connection);
    this.busy.clear();
    const idle = [...this.idle.values()].flat();
    this.idle.clear();
    await Promise.allSettled(idle.map((connection) => connection.cluster.disconnect()));
  }

  private async acquire(topic: string): Promise<LongPollConnection> {
    const pooled = this.idle.get(topic)?.pop();
    if (pooled !== undefined) {
      this.busy.add(pooled);
      return pooled;
    }
    const cluster = this.createCluster();
    const connection = { cluster, reader: new KafkaLogReader(cluster, this.partitionMaxBytes) };
    this.busy.add(connection);
    try {
      await cluster.connect();
    } catch (error) {
      this.busy.delete(connection);
      this.disconnect(connection);
      throw error;
    }
    return connection;
  }

  private disconnect(connection: LongPollConnection): void {
    connection.cluster
      .disconnect()
      .catch((error: unknown) =>
        this.logger.warn('kafka long-poll connection did not disconnect cleanly', describeError(error)),
      );
  }
}
