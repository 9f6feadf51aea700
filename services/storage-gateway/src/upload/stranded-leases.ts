import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectClock, ServiceLogger, type Clock } from '@accord/service-kit';
import { UPLOAD_LEASE_MS } from './upload-progress';
import { UploadRepository } from './upload.repository';

/** How often a lease that could not be given back is tried again. */
export const STRANDED_LEASE_RETRY_MS = 500;

interface StrandedLease {
  readonly uploadId: string;
  readonly owner: string;
  /** Past this the lease is stale on its own (its last renewal was before the failed give-back). */
  readonly staleAt: number;
}

/**
 * Gives upload leases back, also when the database does not answer at that
 * moment (a PostgreSQL restart during a PATCH). Such a lease would keep the
 * upload busy for the rest of its term, up to a minute, though nobody
 * writes it any more; it is kept here and given back as soon as the
 * database answers again, or dropped once it is stale anyway. Only a
 * gateway that died holding a lease leaves it to go stale.
 */
@Injectable()
export class StrandedLeases implements OnModuleDestroy {
  private readonly stranded = new Map<string, StrandedLease>();
  private readonly log: ServiceLogger;
  private timer: NodeJS.Timeout | undefined;
  private retrying: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly uploads: UploadRepository,
    @InjectClock() private readonly clock: Clock,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('upload-lease');
  }

  /** Gives `owner`'s lease of the upload back now or, when the database does not answer, as soon as it does. */
  async release(uploadId: string, owner: string): Promise<void> {
    try {
      await this.uploads.releaseLease(uploadId, owner);
    } catch (error) {
      this.stranded.set(owner, { uploadId, owner, staleAt: this.clock.now() + UPLOAD_LEASE_MS });
      this.log.pino.warn({ err: error, upload: uploadId }, 'upload lease not given back; retrying');
      this.schedule();
    }
  }

  /** How many leases wait to be given back. */
  get pending(): number {
    return this.stranded.size;
  }

  /** One pass: gives back what it can, drops what went stale, stops at the first failure (the database is still away). */
  async retry(): Promise<void> {
    for (const lease of [...this.stranded.values()]) {
      if (this.clock.now() >= lease.staleAt) {
        this.stranded.delete(lease.owner);
        continue;
      }
      try {
        await this.uploads.releaseLease(lease.uploadId, lease.owner);
      } catch {
        return;
      }
      this.stranded.delete(lease.owner);
      this.log.pino.info({ upload: lease.uploadId }, 'upload lease given back');
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.retrying;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.retrying = this.retry().finally(() => {
        this.timer = undefined;
        this.retrying = undefined;
        if (this.stranded.size > 0) this.schedule();
      });
    }, STRANDED_LEASE_RETRY_MS);
    this.timer.unref();
  }
}
