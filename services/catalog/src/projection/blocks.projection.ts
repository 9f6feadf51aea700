import { Inject, Injectable } from '@nestjs/common';
import { BLOCK_COMMITTED, blocksTopic, decodeBlockCommitted, type BlockCommittedEvent } from '@accord/events';
import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import type { Block, TxEntry } from '@accord/protocol';
import { isRulesTxType, parseRuleParams } from '@accord/rules';
import {
  CommittedBlockReader,
  EventSubscriptionRegistry,
  LedgerClient,
  SERVICE_CONFIG,
  projectionSubscription,
  ServiceLogger,
  type EventBatch,
} from '@accord/service-kit';
import { DataSource } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { QUALITY_TX_TYPES, type QualityTxType } from '../quality/quality-tx.schema';
import { CatalogChannelRepository, type ProjectedChannel } from './catalog-channel.repository';
import { CATALOG_LEDGER } from '../ledger/catalog-ledger.provider';
import { ProjectionMetrics } from './projection.metrics';
import { ProjectionTx } from './projection.tx';
import { QualityProjector } from './quality.projector';
import { storedJson } from './stored-text';

/** The consumer of this department's blocks topic (dead letters: accord.dlq.<department>.catalog-blocks). */
export const CATALOG_BLOCKS_CONSUMER = 'catalog-blocks';

const qualityTypes: ReadonlySet<string> = new Set(QUALITY_TX_TYPES);

/**
 * Projects this department's committed blocks (docs/catalog.md
 * "Projection"): keeps the valid txs the directory needs (dataset and
 * access txs, whose outcomes arrive as the contracts' decisions, and
 * quality txs, applied here), the channel configuration and the
 * authoritative departments it names. Each batch is one transaction with
 * its checkpoint; a height already projected is skipped, so redelivery
 * changes nothing.
 */
@Injectable()
export class BlocksProjection {
  private readonly topic: string;
  private readonly log: ServiceLogger;
  private readonly blockReader: CommittedBlockReader;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: CatalogChannelRepository,
    private readonly quality: QualityProjector,
    private readonly metrics: ProjectionMetrics,
    @Inject(CATALOG_LEDGER) ledger: LedgerClient | null,
    @Inject(SERVICE_CONFIG) config: CatalogConfig,
    subscriptions: EventSubscriptionRegistry,
    log: ServiceLogger,
  ) {
    this.blockReader = new CommittedBlockReader(ledger);
    this.topic = blocksTopic(config.department);
    this.log = log.forContext('catalog-blocks');
    subscriptions.register(
      projectionSubscription({
        pattern: BLOCK_COMMITTED,
        consumer: CATALOG_BLOCKS_CONSUMER,
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
    let projected = 0;
    await withTransaction(this.dataSource, async (manager) => {
      const tx = new ProjectionTx(manager);
      const channels = await this.channels.lockAll(
        tx,
        batch.events.map((e) => e.event.channel),
      );
      for (const { event } of batch.events) {
        const channel = channels.get(event.channel) as ProjectedChannel;
        if (await this.projectBlock(tx, channel, event, blocks.get(event) as Block)) projected += 1;
      }
      for (const channel of channels.values()) await this.channels.save(tx, channel);
      await new ConsumerCheckpointRepository().advance(manager, CATALOG_BLOCKS_CONSUMER, batch.topic, batch.nextOffset);
    });
    this.metrics.blocksProjected.add(projected);
  }

  private async projectBlock(
    tx: ProjectionTx,
    channel: ProjectedChannel,
    event: BlockCommittedEvent,
    block: Block,
  ): Promise<boolean> {
    const { height, time } = block.header;
    if (height <= channel.blockHeight) return false;
    for (const [index, entry] of block.txs.entries())
      await this.projectTx(tx, channel.channel, height, time, index, entry, event.txIds[index] ?? null);
    if (event.configChanged) {
      const config = await this.blockReader.configAfter(event, channel.config);
      channel.config = config;
      const params = parseRuleParams(config.policy.rules);
      // Parameters that do not validate leave the previous ones in force, as in the rule engine.
      if (params.ok)
        await this.channels.authoritiesChanged(tx, channel.channel, params.params.authoritativeSources ?? {});
    }
    channel.blockHeight = height;
    channel.blockTime = time;
    return true;
  }

  private async projectTx(
    tx: ProjectionTx,
    channel: string,
    height: number,
    time: number,
    index: number,
    entry: TxEntry,
    txId: string | null,
  ): Promise<void> {
    if (!('envelope' in entry) || entry.code !== 'valid' || txId === null) return;
    const { type, from, payload } = entry.envelope.body;
    if (!isRulesTxType(type) && !qualityTypes.has(type)) return;
    tx.insert(
      'catalog_tx',
      ['tx_id', 'channel', 'height', 'tx_index', 'type', 'sender', 'time', 'payload'],
      [txId, channel, height, index, type, from, time, storedJson(payload)],
    );
    if (!qualityTypes.has(type)) return;
    const outcome = await this.quality.apply(tx, {
      channel,
      height,
      time,
      index,
      txId,
      type: type as QualityTxType,
      from,
      payload,
    });
    if (!outcome.applied) {
      this.metrics.qualityIgnored.add(1, { type });
      this.log.warn('quality tx ignored', { channel, height, txId, type, reason: outcome.reason });
    }
  }
}
