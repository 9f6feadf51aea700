import { Injectable } from '@nestjs/common';
import { SEGMENT_HEADER_BYTES } from '@accord/data-plane';
import type { ObjectStore } from '@accord/object-store';
import { InjectObjectStore } from '@accord/service-kit';
import { DataSource } from 'typeorm';
import { ObjectQuarantinedError } from '../storage-gateway.errors';
import { ObjectVault, type StoredObject } from '../vault/object-vault';
import { headerKey } from '../vault/object-writer';

/** A finding of the last finished scrub run about one object. */
interface OpenFinding {
  readonly run_id: string;
  readonly kind: string;
  readonly detail: string;
}

/**
 * What a provider checks before it records an access (`access.use`) for an
 * object, so that a grant's access is never spent on bytes that cannot be
 * served intact: the object has no finding in the last finished scrub run
 * (docs/storage-gateway-scrubber.md), and its header and every piece are in
 * the object store with the size the gateway wrote. The size check is cheap
 * (one stat per 8 MiB piece) and catches a part grown or cut behind the
 * gateway's back at once; an altered byte of the same size is only found by
 * reading, by the scrubber or while serving (the GCM tags cut the answer).
 */
@Injectable()
export class ServingIntegrityGate {
  constructor(
    private readonly db: DataSource,
    private readonly vault: ObjectVault,
    @InjectObjectStore() private readonly store: ObjectStore,
  ) {}

  /** Throws object_quarantined (409) naming the reason when the object must not be served. */
  async assertServable(object: StoredObject): Promise<void> {
    const finding = await this.openFinding(object.objectId);
    if (finding !== undefined)
      throw new ObjectQuarantinedError(
        `object ${object.objectId} of ${object.dataset} is not served: scrub run ${finding.run_id} found it ${finding.kind} (${finding.detail})`,
        { object: object.objectId, dataset: object.dataset, kind: finding.kind, runId: finding.run_id },
      );
    const problem = await this.storedPartProblem(object);
    if (problem !== undefined)
      throw new ObjectQuarantinedError(`object ${object.objectId} of ${object.dataset} is not served: ${problem}`, {
        object: object.objectId,
        dataset: object.dataset,
        kind: 'stored_part',
      });
  }

  private async openFinding(objectId: string): Promise<OpenFinding | undefined> {
    const rows: OpenFinding[] = await this.db.query(
      `SELECT f.run_id, f.kind, f.detail FROM gateway_scrub_finding f
         WHERE f.object_id = $1
           AND f.run_id = (SELECT run_id FROM gateway_scrub_run WHERE finished_at IS NOT NULL
                             ORDER BY finished_at DESC, run_id DESC LIMIT 1)
         ORDER BY f.found_at, f.finding_id LIMIT 1`,
      [objectId],
    );
    return rows[0];
  }

  /** The first stored part (header, then pieces in order) absent or of another size than written. */
  private async storedPartProblem(object: StoredObject): Promise<string | undefined> {
    const parts = [
      { key: headerKey(object.objectId), size: SEGMENT_HEADER_BYTES },
      ...(await this.vault.pieces(object.objectId)).map((p) => ({ key: p.storeKey, size: p.byteSize })),
    ];
    for (const part of parts) {
      const stored = await this.store.stat(part.key);
      if (stored === undefined) return `${part.key} is absent from the object store`;
      if (stored.size !== part.size)
        return `${part.key} holds ${stored.size} bytes in the object store, ${part.size} were written`;
    }
    return undefined;
  }
}
