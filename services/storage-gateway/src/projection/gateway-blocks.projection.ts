import { Inject, Injectable } from '@nestjs/common';
import { isStorageTxType } from '@accord/data-plane';
import { BLOCK_COMMITTED, blocksTopic, decodeBlockCommitted, type BlockCommittedEvent } from '@accord/events';
import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import type { Block } from '@accord/protocol';
import {
  CommittedBlockReader,
  EventSubscriptionRegistry,
  LedgerClient,
  SERVICE_CONFIG,
  ServiceLogger,
  projectionSubscription,
  type EventBatch,
} from '@accord/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { GATEWAY_LEDGER } from './gateway-ledger.provider';
import { GatewayChannels, type ProjectedChannel } from './gateway-channel.repository';
import { GatewayChanges, type GatewayChange } from './gateway-changes';
import { GatewayMetrics } from './gateway.metrics';
import { StorageTxProjector } from './storage-tx.projector';

/** The consumer of this department's blocks topic (dead letters: accord.dlq.<department>.gateway-blocks). */
export const GATEWAY_BLOCKS_CONSUMER = 'gateway-blocks';

/**
 * Projects this department's committed blocks (docs/storage-gateway.md
 * "Projection"): the channel configuration (members' keys) and the valid
 * storage txs of every department (anchors, strong-mode records, key
 * shares, erasures). Each batch is one transaction with its checkpoint; a
 * height already projected is skipped, so redelivery changes nothing.
 */
@Injectable()
export class GatewayBlocksProjection {
  private readonly topic: string;
  private readonly log: ServiceLogger;
  private readonly blockReader: CommittedBlockReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: GatewayChannels,
    private readonly storageTxs: StorageTxProjector,
    private readonly changes: GatewayChanges,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_LEDGER) ledger: LedgerClient | null,
    @Inject(SERVICE_CONFIG) config: StorageGatewayConfig,
    subscriptions: EventSubscriptionRegistry,
    log: ServiceLogger,
  ) {
    this.blockReader = new CommittedBlockReader(ledger);
    this.topic = blocksTopic(config.department);
    this.log = log.forContext(GATEWAY_BLOCKS_CONSUMER);
    subscriptions.register(
      projectionSubscription({
        pattern: BLOCK_COMMITTED,
        consumer: GATEWAY_BLOCKS_CONSUMER,
        topic: this.topic,
        decode: decodeBlockCommitted,
        dataSource,
      }),
    );
  }

  async project(batch: EventBatch<BlockCommittedEvent>): Promise<void> {
    // Blocks too large for one event are read from the ledger before the transaction opens.
    const blocks = new Map<BlockCommittedEvent, Block>();
    for (const { event } of batch.events) blocks.set(event, await this.blockReader.blockOf(event));
    const announced: GatewayChange[] = [];
    let projected = 0;
    await withTransaction(this.dataSource, async (manager) => {
      const channels = await this.channels.lockAll(
        manager,
        batch.events.map((e) => e.event.channel),
      );
      for (const { event } of batch.events) {
        const channel = channels.get(event.channel) as ProjectedChannel;
        const block = blocks.get(event) as Block;
        if (block.header.height <= channel.blockHeight) continue;
        await this.projectBlock(manager, channel, event, block, announced);
        projected += 1;
      }
      for (const channel of channels.values()) await this.channels.save(manager, channel);
      await new ConsumerCheckpointRepository().advance(manager, GATEWAY_BLOCKS_CONSUMER, batch.topic, batch.nextOffset);
    });
    this.metrics.blocksProjected.add(projected);
    this.changes.announce(announced);
  }

  private async projectBlock(
    manager: EntityManager,
    channel: ProjectedChannel,
    event: BlockCommittedEvent,
    block: Block,
    announced: GatewayChange[],
  ): Promise<void> {
    const { height, time } = block.header;
    for (const [index, entry] of block.txs.entries()) {
      const txId = event.txIds[index] ?? null;
      if (!('envelope' in entry) || entry.code !== 'valid' || txId === null) continue;
      const { type, from, payload } = entry.envelope.body;
      if (!isStorageTxType(type)) continue;
      const outcome = await this.storageTxs.apply(manager, {
        channel: channel.channel,
        height,
        index,
        time,
        txId,
        type,
        from,
        payload,
      });
      if (outcome.applied) {
        if (outcome.change !== null) announced.push(outcome.change);
      } else {
        this.metrics.storageTxsIgnored.add(1, { type });
        this.log.warn('storage tx ignored', { channel: channel.channel, height, txId, type, reason: outcome.reason });
      }
    }
    if (event.configChanged) channel.config = await this.blockReader.configAfter(event, channel.config);
    channel.blockHeight = height;
    channel.blockTime = time;
  }
}
