import { Inject, Injectable } from '@nestjs/common';
import { DECISION_EVENT_TYPE, decisionsTopic, decodeDecisionEvent, type DecisionEvent } from '@accord/events';
import { ConsumerCheckpointRepository, withTransaction } from '@accord/persistence';
import type { GrantRecord, Receipt } from '@accord/rules';
import {
  EventSubscriptionRegistry,
  SERVICE_CONFIG,
  projectionSubscription,
  type EventBatch,
} from '@accord/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { GatewayChannels, type ProjectedChannel } from './gateway-channel.repository';
import { GatewayChanges, type GatewayChange } from './gateway-changes';

/** The consumer of this department's decisions topic (dead letters: accord.dlq.<department>.gateway-decisions). */
export const GATEWAY_DECISIONS_CONSUMER = 'gateway-decisions';

/**
 * Applies the contracts' decisions this gateway acts on
 * (docs/storage-gateway.md "Projection"): the grants where this department
 * is provider or requester (granted, consented, used, revoked, expired),
 * and the outcome of each access.use it published (`used`, or `rejected`
 * with the rule's code). A decision at or before the channel's last
 * applied (height, seq) is skipped, so redelivery changes nothing.
 */
@Injectable()
export class GatewayDecisionsProjection {
  private readonly department: string;
  private readonly topic: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channels: GatewayChannels,
    private readonly changes: GatewayChanges,
    @Inject(SERVICE_CONFIG) config: StorageGatewayConfig,
    subscriptions: EventSubscriptionRegistry,
  ) {
    this.department = config.department;
    this.topic = decisionsTopic(config.department);
    subscriptions.register(
      projectionSubscription({
        pattern: DECISION_EVENT_TYPE,
        consumer: GATEWAY_DECISIONS_CONSUMER,
        topic: this.topic,
        decode: decodeDecisionEvent,
        dataSource,
      }),
    );
  }

  async project(batch: EventBatch<DecisionEvent>): Promise<void> {
    const announced: GatewayChange[] = [];
    await withTransaction(this.dataSource, async (manager) => {
      const channels = await this.channels.lockAll(
        manager,
        batch.events.map((e) => e.event.channel),
      );
      for (const { event } of batch.events) {
        const channel = channels.get(event.channel) as ProjectedChannel;
        if (
          event.height < channel.decisionHeight ||
          (event.height === channel.decisionHeight && event.seq <= channel.decisionSeq)
        )
          continue;
        const change = await this.apply(manager, event);
        if (change !== null) announced.push(change);
        channel.decisionHeight = event.height;
        channel.decisionSeq = event.seq;
      }
      for (const channel of channels.values()) await this.channels.save(manager, channel);
      await new ConsumerCheckpointRepository().advance(
        manager,
        GATEWAY_DECISIONS_CONSUMER,
        batch.topic,
        batch.nextOffset,
      );
    });
    this.changes.announce(announced);
  }

  private async apply(manager: EntityManager, event: DecisionEvent): Promise<GatewayChange | null> {
    const receipt: Receipt = event.receipt;
    switch (receipt.kind) {
      case 'granted':
      case 'consented':
        return this.granted(manager, event, receipt.grant);
      case 'used':
        if (receipt.provider !== this.department || event.txId === null) return null;
        await this.useOutcome(manager, event.txId, receipt.grant, 'used', receipt.code);
        await this.grantStatus(
          manager,
          receipt.grant,
          receipt.code === 'exhausted' ? 'exhausted' : null,
          receipt.accessesUsed,
          event.height,
        );
        return { kind: 'use-decided', txId: event.txId };
      case 'rejected':
        if (receipt.type !== 'access.use' || receipt.from !== this.department || event.txId === null) return null;
        await this.useOutcome(manager, event.txId, grantOfUse(event), 'rejected', receipt.code);
        return { kind: 'use-decided', txId: event.txId };
      case 'revoked':
        await this.grantStatus(manager, receipt.grant, 'revoked', null, event.height);
        return { kind: 'grant-changed', grantId: receipt.grant, channel: event.channel };
      case 'expired':
        if (receipt.code !== 'grant_expired') return null;
        await this.grantStatus(manager, receipt.grant, 'expired', null, event.height);
        return { kind: 'grant-changed', grantId: receipt.grant, channel: event.channel };
      default:
        return null;
    }
  }

  private async granted(
    manager: EntityManager,
    event: DecisionEvent,
    grant: GrantRecord,
  ): Promise<GatewayChange | null> {
    if (grant.provider !== this.department && grant.requester !== this.department) return null;
    await manager.query(
      `INSERT INTO gateway_grant (grant_id, channel, dataset, requester, provider, purpose, expires_at, max_accesses,
         accesses_used, status, height)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (grant_id) DO NOTHING`,
      [
        grant.id,
        event.channel,
        grant.dataset,
        grant.requester,
        grant.provider,
        grant.purpose,
        grant.expiresAt,
        grant.maxAccesses,
        grant.accessesUsed,
        grant.status,
        event.height,
      ],
    );
    return { kind: 'grant-changed', grantId: grant.id, channel: event.channel };
  }

  private async useOutcome(
    manager: EntityManager,
    txId: string,
    grantId: string,
    outcome: 'used' | 'rejected',
    code: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO gateway_use (tx_id, grant_id, outcome, code) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tx_id) DO UPDATE SET outcome = EXCLUDED.outcome, code = EXCLUDED.code`,
      [txId, grantId, outcome, code],
    );
  }

  /** Grants of other departments are not in gateway_grant: the update then changes nothing. */
  private async grantStatus(
    manager: EntityManager,
    grantId: string,
    status: string | null,
    accessesUsed: number | null,
    height: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE gateway_grant SET status = COALESCE($2, status), accesses_used = COALESCE($3, accesses_used), height = $4
       WHERE grant_id = $1`,
      [grantId, status, accessesUsed, height],
    );
  }
}

/** The grant a rejected access.use named (its subject), or '' when the receipt names none. */
function grantOfUse(event: DecisionEvent): string {
  return event.subject ?? '';
}
