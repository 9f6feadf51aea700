import { Inject, Injectable } from '@nestjs/common';
import { DECISION_EVENT_TYPE, decisionsTopic, decodeDecisionEvent, type DecisionEvent } from '@accord/events';
import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import { datasetId, type DatasetMetadata, type Receipt } from '@accord/rules';
import {
  DependencyUnavailableError,
  EventSubscriptionRegistry,
  SERVICE_CONFIG,
  projectionSubscription,
  type EventBatch,
} from '@accord/service-kit';
import { DataSource } from 'typeorm';
import type { CatalogConfig } from '../catalog.config';
import { CatalogChannelRepository, type ProjectedChannel } from './catalog-channel.repository';
import { DatasetRowsWriter } from './dataset-rows.writer';
import { ProjectionMetrics } from './projection.metrics';
import { ProjectionTx } from './projection.tx';
import { PHASE, ProvenanceWriter } from './provenance.writer';
import { RequestRowsWriter, type Stamp } from './request-rows.writer';

/** The consumer of this department's decisions topic (dead letters: accord.dlq.<department>.catalog-decisions). */
export const CATALOG_DECISIONS_CONSUMER = 'catalog-decisions';

interface StoredTx {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/**
 * Applies the contracts' decisions (receipts of the rule engine, docs/rules.md
 * "Receipts") to the directory: registrations, versions and deprecations to
 * catalog_dataset, every request's course to catalog_request, and each
 * receipt about a dataset to its provenance trail. A registration's DCAT-AP
 * metadata is in its tx, which the blocks projection stored: a decision of
 * a height the blocks projection has not reached waits (retried, never
 * parked). A decision at or before the last applied (height, seq) is
 * skipped, so redelivery changes nothing.
 */
@Injectable()
export class DecisionsProjection {
  private readonly topic: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: CatalogChannelRepository,
    private readonly datasets: DatasetRowsWriter,
    private readonly requests: RequestRowsWriter,
    private readonly provenance: ProvenanceWriter,
    private readonly metrics: ProjectionMetrics,
    @Inject(SERVICE_CONFIG) config: CatalogConfig,
    subscriptions: EventSubscriptionRegistry,
  ) {
    this.topic = decisionsTopic(config.department);
    subscriptions.register(
      projectionSubscription({
        pattern: DECISION_EVENT_TYPE,
        consumer: CATALOG_DECISIONS_CONSUMER,
        topic: this.topic,
        decode: decodeDecisionEvent,
        dataSource,
      }),
    );
  }

  async project(batch: EventBatch<DecisionEvent>): Promise<void> {
    await withTransaction(this.dataSource, async (manager) => {
      const tx = new ProjectionTx(manager);
      // Channel rows first: the blocks projection writes a block's txs and its height under the same row lock,
      // so once it is held, every tx of a height the row says is projected is visible to the reads below.
      const channels = await this.channels.lockAll(
        tx,
        batch.events.map((e) => e.event.channel),
      );
      const txs = await this.loadTxs(
        tx,
        batch.events.map((e) => e.event.txId),
      );
      for (const { event } of batch.events)
        await this.applyDecision(tx, channels.get(event.channel) as ProjectedChannel, event, txs);
      for (const channel of channels.values()) await this.channels.save(tx, channel);
      await tx.flush();
      await new ConsumerCheckpointRepository().advance(
        manager,
        CATALOG_DECISIONS_CONSUMER,
        batch.topic,
        batch.nextOffset,
      );
    });
  }

  private async applyDecision(
    tx: ProjectionTx,
    channel: ProjectedChannel,
    event: DecisionEvent,
    txs: ReadonlyMap<string, StoredTx>,
  ): Promise<void> {
    const seen =
      event.height < channel.decisionHeight ||
      (event.height === channel.decisionHeight && event.seq <= channel.decisionSeq);
    if (seen) return;
    if (channel.blockHeight < event.height)
      throw new DependencyUnavailableError(
        'events',
        `decision ${event.channel}/${event.height}#${event.seq} is ahead of the blocks projected (${channel.blockHeight}); waiting for them`,
      );
    const r = event.receipt;
    const dataset = await this.applyReceipt(tx, event.channel, r, r.txId === null ? undefined : txs.get(r.txId));
    if (dataset !== undefined)
      this.provenance.append(tx, {
        channel: event.channel,
        height: event.height,
        phase: r.index !== null ? PHASE.tx : r.kind === 'expired' ? PHASE.beforeTxs : PHASE.afterTxs,
        txIndex: r.index ?? -1,
        seq: event.seq,
        dataset,
        kind: r.kind,
        code: r.code,
        txId: r.txId,
        actor: r.from,
        time: event.time,
        details: provenanceDetails(r),
      });
    channel.decisionHeight = event.height;
    channel.decisionSeq = event.seq;
    this.metrics.decisionsApplied.add(1, { kind: event.kind });
  }

  /** Applies one receipt; answers the dataset it is about (for the trail), if the catalog knows it. */
  private async applyReceipt(
    tx: ProjectionTx,
    channel: string,
    r: Receipt,
    stored: StoredTx | undefined,
  ): Promise<string | undefined> {
    const at: Stamp = { height: r.height, time: r.time };
    switch (r.kind) {
      case 'registered': {
        const metadata = (stored?.payload['metadata'] ?? {}) as DatasetMetadata;
        await this.datasets.registered(tx, channel, r.record, metadata, { ...at, txId: r.txId as string });
        return r.dataset;
      }
      case 'updated': {
        const given = stored?.payload['metadata'] as DatasetMetadata | undefined;
        const metadata = given ?? (await this.datasets.currentMetadata(tx, r.dataset));
        await this.datasets.updated(tx, r.record, metadata, { ...at, txId: r.txId as string });
        return r.dataset;
      }
      case 'deprecated':
        await this.datasets.deprecated(tx, r.dataset, r.time);
        return r.dataset;
      case 'pending':
        await this.requests.created(tx, RequestRowsWriter.fromRecord(channel, r.request, r.code));
        return r.request.dataset;
      case 'granted':
        await this.requests.created(tx, RequestRowsWriter.fromRecord(channel, r.request, r.code));
        await this.requests.granted(tx, r.grant, r.code, at);
        return r.request.dataset;
      case 'consented':
        await this.requests.granted(tx, r.grant, r.code, at);
        return r.grant.dataset;
      case 'denied':
        if (r.stage === 'request') {
          await this.requests.created(tx, {
            id: r.request,
            channel,
            dataset: r.dataset,
            requester: r.requester,
            provider: r.dataset.slice(0, r.dataset.indexOf('/')),
            purpose: r.purpose,
            durationMs: Number(stored?.payload['durationMs'] ?? 0),
            status: 'denied',
            code: r.code,
            message: r.message,
            height: r.height,
            time: r.time,
          });
        } else await this.requests.closed(tx, r.request, 'denied', r.code, r.message, at);
        return r.dataset;
      case 'refused':
        await this.requests.closed(tx, r.request, 'refused', r.code, r.reason, at);
        return this.requests.datasetOf(tx, r.request);
      case 'cancelled':
        await this.requests.closed(tx, r.request, 'cancelled', r.code, null, at);
        return this.requests.datasetOf(tx, r.request);
      case 'revoked':
        await this.requests.grantChanged(tx, r.grant, { grantStatus: 'revoked', code: r.code, message: r.reason }, at);
        return this.requests.datasetOf(tx, r.grant);
      case 'expired':
        if (r.code === 'request_expired') await this.requests.closed(tx, r.request, 'expired', r.code, null, at);
        else await this.requests.grantChanged(tx, r.grant, { grantStatus: 'expired', code: r.code }, at);
        return this.requests.datasetOf(tx, r.code === 'request_expired' ? r.request : r.grant);
      case 'used':
        await this.requests.grantChanged(
          tx,
          r.grant,
          { accessesUsed: r.accessesUsed, ...(r.code === 'exhausted' ? { grantStatus: 'exhausted' } : {}) },
          at,
        );
        await this.datasets.used(tx, r.dataset);
        return r.dataset;
      case 'rejected':
        return this.rejected(tx, channel, r, stored);
    }
  }

  /** A rejected tx shows in the trail of the dataset it names; a rejected request also in the requester's standing. */
  private async rejected(
    tx: ProjectionTx,
    channel: string,
    r: Extract<Receipt, { kind: 'rejected' }>,
    stored: StoredTx | undefined,
  ): Promise<string | undefined> {
    if (stored === undefined || r.from === null) return undefined;
    const named = stored.payload['dataset'];
    const name = stored.payload['name'];
    const dataset =
      typeof named === 'string'
        ? named
        : stored.type === 'dataset.register' && typeof name === 'string'
          ? datasetId(r.from, name)
          : undefined;
    if (dataset !== undefined && stored.type === 'access.request')
      await this.requests.created(tx, {
        id: r.txId as string,
        channel,
        dataset,
        requester: r.from,
        provider: dataset.slice(0, dataset.indexOf('/')),
        purpose: String(stored.payload['purpose'] ?? ''),
        durationMs: Number(stored.payload['durationMs'] ?? 0),
        status: 'rejected',
        code: r.code,
        message: r.message,
        height: r.height,
        time: r.time,
      });
    if (dataset !== undefined) return dataset;
    // Consent, refusal, cancellation, revocation and use name a request or grant.
    const ref = stored.payload['request'] ?? stored.payload['grant'];
    return typeof ref === 'string' ? this.requests.datasetOf(tx, ref) : undefined;
  }

  /** The stored txs the decisions name (the blocks projection wrote them in earlier transactions). */
  private async loadTxs(tx: ProjectionTx, txIds: readonly (string | null)[]): Promise<Map<string, StoredTx>> {
    const wanted = [...new Set(txIds.filter((id): id is string => id !== null))];
    const rows =
      wanted.length === 0
        ? []
        : await tx.query<{ tx_id: string; type: string; payload: string }>(
            'SELECT tx_id, type, payload FROM catalog_tx WHERE tx_id = ANY($1)',
            [wanted],
          );
    return new Map(
      rows.map((r) => [r.tx_id, { type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown> }]),
    );
  }
}

/** What the trail shows of a receipt beyond kind, code, tx and actor: its own fields, without the bulky records. */
function provenanceDetails(r: Receipt): Record<string, unknown> {
  const {
    height: _h,
    time: _t,
    index: _i,
    txId: _x,
    from: _f,
    kind: _k,
    code: _c,
    ...rest
  } = r as Receipt & Record<string, unknown>;
  const details: Record<string, unknown> = { ...rest };
  if ('record' in r) details['record'] = { version: r.record.version, contentHash: r.record.contentHash };
  if ('request' in r && typeof r.request === 'object') details['request'] = r.request.id;
  if ('grant' in r && typeof r.grant === 'object')
    details['grant'] = {
      id: r.grant.id,
      requester: r.grant.requester,
      purpose: r.grant.purpose,
      expiresAt: r.grant.expiresAt,
    };
  if ('checks' in r) delete details['checks'];
  return details;
}
