import type { LogMessage } from '../event-bus.port';
import { kafkaErrorType } from './kafka-errors.mapper';
import { READ_COMMITTED, type InternalCluster } from './kafka-internal.cluster';
import { toLogMessage } from './kafka-message.mapper';

const FETCH_MAX_BYTES = 16 * 1024 * 1024;
const RETRIABLE_METADATA_ERRORS = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'REPLICA_NOT_AVAILABLE',
]);

/** Group-less reads of partition 0 with plain Fetch requests to the partition leader. */
export class KafkaLogReader {
  constructor(
    private readonly cluster: InternalCluster,
    private readonly partitionMaxBytes: number,
  ) {}

  /**
   * Up to `max` messages from `fromOffset` on partition 0; empty at or
   * beyond the high watermark. With `waitMs`, the first fetch waits up to
   * that long for a message at `fromOffset` (the broker answers as soon as
   * one is there): call it only on a connection no other read shares.
   */
  async read(topic: string, fromOffset: number, max: number, waitMs = 0): Promise<LogMessage[]> {
    await this.cluster.addTargetTopic(topic);
    const out: LogMessage[] = [];
    let offset = fromOffset;
    let staleMetadataRetries = 0;
    while (out.length < max) {
      let partition;
      try {
        partition = await this.fetchOnce(topic, offset, out.length === 0 ? waitMs : 0);
      } catch (error) {
        const type = kafkaErrorType(error);
        if (type === 'OFFSET_OUT_OF_RANGE') break;
        if (type !== undefined && RETRIABLE_METADATA_ERRORS.has(type) && staleMetadataRetries++ < 3) {
          await this.cluster.refreshMetadata();
          continue;
        }
        throw error;
      }
      let last = -1;
      for (const message of partition.messages) {
        const messageOffset = Number(message.offset);
        // A fetch returns whole record batches, which may start before the requested offset.
        if (messageOffset < offset || message.isControlRecord) continue;
        if (out.length >= max) break;
        out.push(toLogMessage(topic, message));
        last = messageOffset;
      }
      if (last < 0) break;
      offset = last + 1;
      if (offset >= Number(partition.highWatermark)) break;
    }
    return out;
  }

  private async fetchOnce(topic: string, offset: number, maxWaitTime: number) {
    const metadata = this.cluster.findTopicPartitionMetadata(topic).find((p) => p.partitionId === 0);
    if (metadata === undefined)
      throw Object.assign(new Error(`no metadata for ${topic}/0`), { type: 'LEADER_NOT_AVAILABLE' });
    const broker = await this.cluster.findBroker({ nodeId: metadata.leader });
    const { responses } = await broker.fetch({
      maxWaitTime,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      isolationLevel: READ_COMMITTED,
      topics: [
        { topic, partitions: [{ partition: 0, fetchOffset: String(offset), maxBytes: this.partitionMaxBytes }] },
      ],
    });
    const partition = responses.find((r) => r.topicName === topic)?.partitions.find((p) => p.partition === 0);
    if (partition === undefined) throw new Error(`fetch response for ${topic} has no partition 0`);
    return partition;
  }
}
