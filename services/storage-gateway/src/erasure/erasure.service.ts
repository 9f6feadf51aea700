import { Injectable } from '@nestjs/common';
import { datasetOwner, STORAGE_ERASE, type StorageErasePayload } from '@accord/data-plane';
import { DepartmentTxPublisher, InjectClock, InjectConfig, ServiceLogger, type Clock } from '@accord/service-kit';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import {
  AlreadyErasedError,
  NotDatasetOwnerError,
  ObjectNotFoundError,
  RecordNotFoundError,
} from '../storage-gateway.errors';
import type { ErasureBody } from './erasure.dto';
import { ErasureRepository, type ErasureTarget, type KnownTarget } from './erasure.repository';
import { ErasedObjectRemover } from './erased-object.remover';
import { ErasureMetrics } from './erasure.metrics';

export interface ErasureAnswer {
  /** The storage.erase tx. */
  readonly txId: string;
  readonly status: 'pending';
  readonly statusUrl: string;
  readonly channel: string;
  readonly dataset: string;
  readonly target: ErasureTarget;
  readonly tx: string;
  /** Copies of the data key destroyed here. */
  readonly keysDestroyed: number;
  /** Objects whose stored ciphertext was removed now (the clean-up removes any left). */
  readonly objectsRemoved: number;
}

/**
 * Erasure by key destruction (docs/storage-gateway-strong-mode.md
 * "Erasure"): the owner destroys every copy of the data key it holds FIRST,
 * then records the storage.erase tx, then removes the stored ciphertext.
 * In that order a failure at any step leaves the content unreadable: a
 * retry of an erasure whose tx was not published yet goes on from where it
 * stopped; one whose tx was published is already_erased. Hashes, anchors,
 * proofs and the access history are not touched.
 */
@Injectable()
export class ErasureService {
  private readonly department: string;
  private readonly log: ServiceLogger;
  /** Targets being erased by this process: a second request meanwhile is already_erased. */
  private readonly underWay = new Set<string>();

  constructor(
    private readonly erasures: ErasureRepository,
    private readonly remover: ErasedObjectRemover,
    private readonly publisher: DepartmentTxPublisher,
    private readonly metrics: ErasureMetrics,
    @InjectClock() private readonly clock: Clock,
    @InjectConfig() config: StorageGatewayConfig,
    log: ServiceLogger,
  ) {
    this.department = config.department;
    this.log = log.forContext('erasure');
  }

  async erase(body: ErasureBody): Promise<ErasureAnswer> {
    const { channel, target, tx, reason } = body;
    const known = await this.known(channel, target, tx);
    const key = `${target}:${tx}`;
    if (this.underWay.has(key)) throw new AlreadyErasedError(target, tx, null);
    this.underWay.add(key);
    try {
      const destroyed = await this.erasures.destroyKeys(target, tx, this.clock.now());
      this.metrics.keysDestroyed.add(destroyed.keys, { target });
      const payload: StorageErasePayload = { dataset: known.dataset, target, tx, reason };
      const published = await this.publisher.publish({ channel, type: STORAGE_ERASE, payload: { ...payload } });
      await this.erasures.markErased(target, tx, published.txId);
      this.metrics.erasures.add(1, { target });
      this.log.pino.info(
        { channel, dataset: known.dataset, target, tx, eraseTx: published.txId, keysDestroyed: destroyed.keys },
        'erased: data keys destroyed and storage.erase published',
      );
      const objectsRemoved = await this.remover.remove(destroyed.objectIds, 'erase');
      return {
        txId: published.txId,
        status: 'pending',
        statusUrl: published.statusUrl,
        channel,
        dataset: known.dataset,
        target,
        tx,
        keysDestroyed: destroyed.keys,
        objectsRemoved,
      };
    } finally {
      this.underWay.delete(key);
    }
  }

  /** The target, if it is known here, ours and not erased yet. */
  private async known(channel: string, target: ErasureTarget, tx: string): Promise<KnownTarget> {
    const known = await this.erasures.target(channel, target, tx);
    if (known === undefined)
      throw target === 'object'
        ? new ObjectNotFoundError(`anchored object of tx ${tx} on channel ${channel}`, { tx, channel })
        : new RecordNotFoundError(tx);
    if (known.owner !== this.department || datasetOwner(known.dataset) !== this.department)
      throw new NotDatasetOwnerError(known.dataset, this.department);
    if (known.erasedBy !== null) throw new AlreadyErasedError(target, tx, known.erasedBy);
    return known;
  }
}
