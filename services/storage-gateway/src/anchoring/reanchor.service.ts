import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectClock, InjectConfig, ServiceLogger, type Clock } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { ObjectVault } from '../vault/object-vault';
import { AnchorService } from './anchor.service';

export const REANCHOR_INTERVAL_MS = 30_000;
/** A just-completed upload publishes its own anchor: the job leaves it alone this long. */
export const ANCHOR_GRACE_MS = 10_000;
/** An anchor tx published this long ago and still not committed is published again (a new tx). */
export const REPUBLISH_AFTER_MS = 180_000;
const BATCH = 100;

/**
 * Publishes the anchors nobody else will (docs/storage-gateway-upload.md
 * "Anchoring"): at start and every 30 s, for our uploads still
 * 'anchoring', either without an anchor tx (the publish failed: bus down,
 * restart in between) or with one that did not commit within a few
 * minutes. One round at a time; a failure is logged and retried next round.
 */
@Injectable()
export class ReanchorService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<number> | undefined;
  private readonly log: ServiceLogger;

  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    private readonly anchors: AnchorService,
    @InjectConfig() private readonly config: StorageGatewayConfig,
    @InjectClock() private readonly clock: Clock,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('re-anchor');
  }

  onApplicationBootstrap(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), REANCHOR_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }

  /** One round (or the one already running); resolves with the number of anchors published. */
  runOnce(): Promise<number> {
    this.round ??= this.publishDue().finally(() => (this.round = undefined));
    return this.round;
  }

  private async publishDue(): Promise<number> {
    let published = 0;
    try {
      await this.anchors.adoptCommitted(this.config.department);
      const now = this.clock.now();
      const due: { object_id: string }[] = await this.db.query(
        `SELECT object_id FROM gateway_object
         WHERE origin = 'upload' AND status = 'anchoring'
           AND ((anchor_tx_id IS NULL AND completed_at <= $1) OR (anchor_tx_id IS NOT NULL AND anchor_published_at <= $2))
         ORDER BY completed_at LIMIT $3`,
        [now - ANCHOR_GRACE_MS, now - REPUBLISH_AFTER_MS, BATCH],
      );
      for (const { object_id: objectId } of due) {
        const txId = await this.anchors.anchor(await this.vault.get(objectId));
        this.log.pino.info({ object: objectId, tx: txId }, 'anchor published again');
        published += 1;
      }
    } catch (error) {
      this.log.pino.warn({ err: error }, 're-anchoring failed; will retry');
    }
    return published;
  }
}
