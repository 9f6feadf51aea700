import { Injectable } from '@nestjs/common';
import type { Counter } from '@opentelemetry/api';
import { ServiceMetrics } from '@accord/service-kit';

/** Erasure's counters (GET /metrics; docs/storage-gateway-strong-mode.md "Erasure"). */
@Injectable()
export class ErasureMetrics {
  readonly erasures: Counter<{ target: string }>;
  readonly keysDestroyed: Counter<{ target: string }>;
  readonly objectsRemoved: Counter<{ trigger: string }>;
  readonly removalFailures: Counter;

  constructor(metrics: ServiceMetrics) {
    this.erasures = metrics.counter('accord_gateway_erasures', {
      description: 'storage.erase txs published by this gateway, by target (object or record)',
    });
    this.keysDestroyed = metrics.counter('accord_gateway_erasure_keys_destroyed', {
      description: 'Copies of data keys destroyed by erasures requested here, by target',
    });
    this.objectsRemoved = metrics.counter('accord_gateway_erased_objects_removed', {
      description:
        'Erased objects whose stored ciphertext was removed: by the erasure (trigger=erase) or the clean-up (trigger=cleanup)',
    });
    this.removalFailures = metrics.counter('accord_gateway_erased_object_removal_failures', {
      description: 'Removals of an erased object’s stored ciphertext that failed (the clean-up retries them)',
    });
  }
}
