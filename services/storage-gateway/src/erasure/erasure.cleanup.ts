import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ServiceLogger } from '@accord/service-kit';
import { filter } from 'rxjs';
import { GatewayChanges } from '../projection/gateway-changes';
import { BackgroundJob } from '../strong-mode/background-job';
import { ErasureRepository } from './erasure.repository';
import { ErasedObjectRemover } from './erased-object.remover';

/** The clean-up's sweep interval: at start and then this often, whatever was announced. */
export const ERASURE_CLEANUP_INTERVAL_MS = 60_000;

/**
 * Removes the stored ciphertext of every erased object that still has
 * some (docs/storage-gateway-strong-mode.md "Erasure"): on every gateway,
 * a verified copy of another department's object once the projection
 * applied the owner's storage.erase (it destroyed the copy's key), and at
 * the owner an object whose removal failed during the erasure. Runs when
 * an object erasure is projected, at start and every
 * ERASURE_CLEANUP_INTERVAL_MS.
 */
@Injectable()
export class ErasureCleanup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly job: BackgroundJob;

  constructor(
    private readonly erasures: ErasureRepository,
    private readonly remover: ErasedObjectRemover,
    private readonly changes: GatewayChanges,
    log: ServiceLogger,
  ) {
    this.job = new BackgroundJob(
      'erasure clean-up',
      async () => {
        await this.remover.remove(await this.erasures.erasedWithStoredPieces(), 'cleanup');
      },
      ERASURE_CLEANUP_INTERVAL_MS,
      log.forContext('erasure'),
    );
  }

  onApplicationBootstrap(): void {
    this.job.start(this.changes.changes.pipe(filter((c) => c.kind === 'erased' && c.target === 'object')));
  }

  async onModuleDestroy(): Promise<void> {
    await this.job.stop();
  }
}
