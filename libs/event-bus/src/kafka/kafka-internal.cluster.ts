import type { Kafka } from 'kafkajs';
import type { FetchedKafkaMessage } from './kafka-message.mapper';

/**
 * The slice of kafkajs' internal Cluster/Broker API the bus needs where the
 * public API falls short:
 *  - Fetch without a consumer group, for `read` (kafkajs has no manual
 *    assignment; a throwaway group per read would cost a join round, 3 s of
 *    group.initial.rebalance.delay.ms on a default broker, and leave metadata).
 *  - OffsetCommit with generation -1 to set a new group's start position
 *    (`admin.setOffsets` joins the group with a temporary consumer and waits
 *    for its first fetch, ~5 s, and bumps the group generation).
 * kafkajs is pinned to exactly 2.2.4; the contract suite exercises both paths.
 */
export interface InternalBroker {
  fetch(request: {
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    isolationLevel: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{
    responses: {
      topicName: string;
      partitions: {
        partition: number;
        highWatermark: string;
        messages: (FetchedKafkaMessage & { isControlRecord?: boolean })[];
      }[];
    }[];
  }>;
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<unknown>;
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): { partitionId: number; leader: number }[];
  findBroker(query: { nodeId: number }): Promise<InternalBroker>;
  findGroupCoordinator(query: { groupId: string }): Promise<InternalBroker>;
}

export const READ_COMMITTED = 1;

/** A separate kafkajs Cluster (own connections) built with the client's settings and logger. */
export function createInternalCluster(kafka: Kafka): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const createCluster = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof createCluster !== 'function') {
    throw new Error('kafkajs internals changed (no createCluster); @accord/event-bus needs kafkajs 2.2.4');
  }
  return (createCluster as (options: object) => InternalCluster)({
    allowAutoTopicCreation: false,
    isolationLevel: READ_COMMITTED,
  });
}

/**
 * Commits `offset` for a group that has no live members ("simple" commit,
 * generation -1). The broker refuses it while the group has members; then
 * the group already has a position and this returns false.
 */
export async function commitOffsetOfIdleGroup(
  cluster: InternalCluster,
  groupId: string,
  topic: string,
  offset: number,
): Promise<boolean> {
  const coordinator = await cluster.findGroupCoordinator({ groupId });
  try {
    await coordinator.offsetCommit({
      groupId,
      groupGenerationId: -1,
      memberId: '',
      topics: [{ topic, partitions: [{ partition: 0, offset: String(offset) }] }],
    });
    return true;
  } catch (error) {
    const type = (error as { type?: unknown }).type;
    if (type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || type === 'REBALANCE_IN_PROGRESS') return false;
    throw error;
  }
}
