import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { STRONG_KEY_SHARE, type StrongKeySharePayload } from '@accord/data-plane';
import { wrapDataKey, type JsonObject } from '@accord/protocol';
import { DepartmentTxPublisher, InjectConfig, ServiceLogger } from '@accord/service-kit';
import { filter } from 'rxjs';
import { KeyEncryptionKey } from '../keys/key-encryption-key';
import { GatewayChanges } from '../projection/gateway-changes';
import { GatewayChannels } from '../projection/gateway-channel.repository';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { NotChannelMemberError } from '@accord/service-kit';
import { BackgroundJob } from './background-job';
import { InFlightShares } from './in-flight-shares';
import { planKeyShares, type KeyShareBatch } from './key-share.plan';
import { KeyShareRepository } from './key-share.repository';
import { RecordKeyRecovery } from './record-key.recovery';
import { recordKeyContext } from './strong-record.repository';
import { StrongModeMetrics } from './strong-mode.metrics';

/** The key sharer's reconcile interval: at start and then this often, whatever was announced. */
export const KEY_SHARE_RECONCILE_MS = 10_000;

/** The context a record's data key is wrapped to a grantee under (the GCM additional data of the wrap). */
export function keyShareContext(channel: string, dataset: string, grant: string, record: string): JsonObject {
  return { channel, dataset, grant, record };
}

/**
 * Provider side of strong mode (docs/storage-gateway-strong-mode.md "Key
 * sharing"): every record of a dataset of ours gets its data key wrapped to
 * the X25519 key of each department holding a live grant on it, published
 * in strong.keyshare txs. It runs when a grant changes or a record is
 * committed, and every KEY_SHARE_RECONCILE_MS and at start, reading what is
 * missing from the database, so nothing is lost across restarts. Revoked,
 * expired and exhausted grants get no new shares; shares already on the
 * chain cannot be taken back.
 */
@Injectable()
export class KeySharer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly department: string;
  private readonly log: ServiceLogger;
  private readonly inFlight = new InFlightShares();
  private readonly job: BackgroundJob;

  constructor(
    private readonly shares: KeyShareRepository,
    private readonly recovery: RecordKeyRecovery,
    private readonly channels: GatewayChannels,
    private readonly changes: GatewayChanges,
    private readonly publisher: DepartmentTxPublisher,
    private readonly kek: KeyEncryptionKey,
    private readonly metrics: StrongModeMetrics,
    @InjectConfig() config: StorageGatewayConfig,
    log: ServiceLogger,
  ) {
    this.department = config.department;
    this.log = log.forContext('key-sharer');
    this.job = new BackgroundJob('key sharing', () => this.shareMissing(), KEY_SHARE_RECONCILE_MS, this.log);
  }

  onApplicationBootstrap(): void {
    this.job.start(
      this.changes.changes.pipe(filter((c) => c.kind === 'grant-changed' || c.kind === 'record-committed')),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.job.stop();
  }

  /** One reconcile now (after the one under way); resolves when it is done. */
  reconcile(): Promise<void> {
    return this.job.runNow();
  }

  /** One pass; a failing recovery or tx is logged and retried at the next pass, and never holds the others up. */
  private async shareMissing(): Promise<void> {
    try {
      await this.recovery.recover();
    } catch (error) {
      this.log.pino.warn({ err: error }, 'record key recovery failed; retried at the next pass');
    }
    const pending = this.inFlight.pending(await this.shares.missing(this.department), performance.now());
    for (const batch of planKeyShares(pending)) {
      try {
        await this.share(batch);
      } catch (error) {
        this.metrics.keyShareFailures.add(1, { reason: failureReason(error) });
        this.log.pino.warn(
          { err: error, channel: batch.channel, grant: batch.grantId, keys: batch.shares.length },
          'key share failed; retried at the next pass',
        );
      }
    }
  }

  /** Publishes one strong.keyshare tx (its shares are in flight until projected, or released when it fails). */
  private async share(batch: KeyShareBatch): Promise<void> {
    const { channel, dataset, grantId, requester } = batch;
    let recipientKey: string | undefined;
    try {
      recipientKey = (await this.channels.activeMember(channel, requester)).x25519;
    } catch (error) {
      if (!(error instanceof NotChannelMemberError)) throw error;
    }
    if (recipientKey === undefined) {
      this.metrics.keyShareFailures.add(1, { reason: 'no_recipient_key' });
      this.log.pino.warn(
        { channel, grant: grantId, requester },
        'grantee is not an active member with an X25519 key: no key shared',
      );
      return;
    }
    const payload: StrongKeySharePayload = {
      grant: grantId,
      dataset,
      recipient: requester,
      keys: batch.shares.map((s) => {
        const dataKey = this.kek.unwrap(s.wrappedKey, recordKeyContext(s.recordTxId));
        const wrappedKey = wrapDataKey(dataKey, recipientKey, keyShareContext(channel, dataset, grantId, s.recordTxId));
        dataKey.fill(0);
        return { record: s.recordTxId, wrappedKey };
      }),
    };
    this.inFlight.claim(batch.shares, performance.now());
    let txId: string;
    try {
      ({ txId } = await this.publisher.publish({
        channel,
        type: STRONG_KEY_SHARE,
        payload: payload as unknown as JsonObject,
      }));
    } catch (error) {
      this.inFlight.release(batch.shares);
      throw error;
    }
    this.metrics.keysShared.add(batch.shares.length);
    for (const s of batch.shares)
      this.log.pino.info(
        { channel, dataset, grant: grantId, recipient: requester, record: s.recordTxId, shareTx: txId },
        'record key shared',
      );
  }
}

/** The stable code of a failure (stored_key_invalid, dependency_unavailable, ...) for the failure counter. */
function failureReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'error';
}
