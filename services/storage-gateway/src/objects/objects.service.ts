import type { ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { GatewayMetrics } from '../projection/gateway.metrics';
import { ContentErasedError, ObjectNotAvailableError, ObjectNotFoundError } from '../storage-gateway.errors';
import { ObjectVault, type StoredObject } from '../vault/object-vault';
import type { ObjectsQuery, ObjectView } from './objects.dto';
import { ObjectsRepository } from './objects.repository';
import { sendPlaintext } from './plaintext.responder';

/**
 * What the gateway holds, for local callers (docs/storage-gateway-upload.md
 * "Objects"): the objects and their state, and the plaintext of those that
 * are available — anchored on the ledger, not erased.
 */
@Injectable()
export class ObjectsService {
  constructor(
    private readonly objects: ObjectsRepository,
    private readonly vault: ObjectVault,
    private readonly metrics: GatewayMetrics,
  ) {}

  list(query: ObjectsQuery): Promise<ObjectView[]> {
    return this.objects.list(query);
  }

  async get(objectId: string): Promise<ObjectView> {
    const object = await this.objects.find(objectId);
    if (object === undefined) throw new ObjectNotFoundError(`object ${objectId}`, { object: objectId });
    return object;
  }

  /** Streams the plaintext (or the range asked for) of an available object. */
  async sendContent(res: ServerResponse, objectId: string, rangeHeader: string | undefined): Promise<void> {
    const object = servable(await this.vault.get(objectId));
    await sendPlaintext(res, this.vault, object, rangeHeader, {
      onBytes: (bytes) => this.metrics.bytesOut.add(bytes, { path: 'download' }),
    });
  }
}

/** Only an available object is served: 'uploading' and 'anchoring' ones are not (yet), erased ones never again. */
export function servable(object: StoredObject): StoredObject {
  if (object.status === 'erased' || object.wrappedKey === null)
    throw new ContentErasedError(`object ${object.objectId}`, { object: object.objectId });
  if (object.status !== 'available')
    throw new ObjectNotAvailableError(`object ${object.objectId} is ${object.status}: its anchor is not committed`, {
      object: object.objectId,
      status: object.status,
    });
  return object;
}
