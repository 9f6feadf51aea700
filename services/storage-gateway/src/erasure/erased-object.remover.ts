import { Injectable } from '@nestjs/common';
import { ServiceLogger } from '@accord/service-kit';
import { ObjectVault } from '../vault/object-vault';
import { ErasureMetrics } from './erasure.metrics';

/**
 * Removes the stored ciphertext of erased objects. The ciphertext is
 * useless without its destroyed key; removing it also frees the space and
 * leaves nothing to recover should a key copy ever turn up. A failure is
 * logged and counted, and the clean-up's next sweep tries again (the object
 * keeps its piece rows until the removal succeeds).
 */
@Injectable()
export class ErasedObjectRemover {
  private readonly log: ServiceLogger;

  constructor(
    private readonly vault: ObjectVault,
    private readonly metrics: ErasureMetrics,
    log: ServiceLogger,
  ) {
    this.log = log.forContext('erasure');
  }

  /** Removes each object's stored bytes; answers how many were removed. */
  async remove(objectIds: readonly string[], trigger: 'erase' | 'cleanup'): Promise<number> {
    let removed = 0;
    for (const objectId of objectIds) {
      try {
        await this.vault.removeStored(objectId);
        removed += 1;
        this.metrics.objectsRemoved.add(1, { trigger });
        this.log.pino.info({ object: objectId, trigger }, 'erased object: stored ciphertext removed');
      } catch (error) {
        this.metrics.removalFailures.add(1);
        this.log.pino.warn(
          { err: error, object: objectId, trigger },
          'erased object: removing its stored ciphertext failed; the clean-up retries',
        );
      }
    }
    return removed;
  }
}
