import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ServiceLogger } from '@accord/service-kit';
import { UploadService } from './upload.service';

export const EXPIRY_SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 100;

/**
 * The tus expiration extension: at start and every minute, unfinished
 * uploads past their Upload-Expires lose their stored bytes and rows (an
 * upload being written right then is left for the next sweep). Until the
 * sweep reaches it, an expired upload answers 410; after, 404.
 */
@Injectable()
export class UploadExpiryService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private sweep: Promise<number> | undefined;
  private readonly log: ServiceLogger;

  constructor(
    private readonly uploads: UploadService,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('upload-expiry');
  }

  onApplicationBootstrap(): void {
    void this.sweepOnce();
    this.timer = setInterval(() => void this.sweepOnce(), EXPIRY_SWEEP_INTERVAL_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweep;
  }

  /** One sweep (or the one already running): removes expired uploads batch by batch; resolves with how many. */
  sweepOnce(): Promise<number> {
    this.sweep ??= this.removeExpired().finally(() => (this.sweep = undefined));
    return this.sweep;
  }

  private async removeExpired(): Promise<number> {
    let removed = 0;
    try {
      for (let batch = SWEEP_BATCH; batch === SWEEP_BATCH; removed += batch)
        batch = await this.uploads.sweepExpired(SWEEP_BATCH);
      if (removed > 0) this.log.pino.info({ removed }, 'expired uploads removed');
    } catch (error) {
      this.log.pino.warn({ err: error }, 'sweeping expired uploads failed; will retry');
    }
    return removed;
  }
}
