import { setTimeout as sleep } from 'node:timers/promises';
import type { DepartmentApi } from '../api/department.api';
import { DataCommandError } from './data.errors';

/** An object held by a gateway, as `GET /v1/objects/:id` shows it (docs/storage-gateway-upload.md "Objects"). */
export interface GatewayObject {
  readonly objectId: string;
  readonly origin: 'upload' | 'copy';
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly status: 'uploading' | 'anchoring' | 'available' | 'erased' | 'receiving' | 'failed';
  readonly sha256: string | null;
  readonly chunkSize: number;
  /** The RFC 6962 Merkle root over the object's chunks, anchored on the chain. */
  readonly chunkRoot: string | null;
  readonly anchorTxId: string | null;
  readonly createdAt: number;
  readonly completedAt: number | null;
}

export function getObject(api: DepartmentApi, objectId: string, signal?: AbortSignal): Promise<GatewayObject> {
  return api.request<GatewayObject>('storage-gateway', 'GET', `/v1/objects/${encodeURIComponent(objectId)}`, {
    signal,
  });
}

/** Objects of a dataset held by the gateway, newest first. */
export async function listObjects(
  api: DepartmentApi,
  query: { readonly channel: string; readonly dataset: string },
  signal?: AbortSignal,
): Promise<GatewayObject[]> {
  const answer = await api.request<{ objects: GatewayObject[] }>('storage-gateway', 'GET', '/v1/objects', {
    query,
    signal,
  });
  return answer.objects;
}

export interface WaitOptions {
  /** Give up after this long (ms). */
  readonly timeoutMs: number;
  /** Time between two reads (ms). */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Reads the object until its anchor is committed (`available`). The gateway
 * serves an object only then; the wait is the block time plus the
 * projection's lag, usually a second or two.
 */
export async function waitUntilAvailable(
  api: DepartmentApi,
  objectId: string,
  options: WaitOptions,
): Promise<GatewayObject> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const object = await getObject(api, objectId, options.signal);
    if (object.status === 'available') return object;
    if (object.status === 'erased' || object.status === 'failed')
      throw new DataCommandError(
        'upload_refused',
        `object ${objectId} is ${object.status}`,
        'upload the file again with --restart',
      );
    if (Date.now() >= deadline)
      throw new DataCommandError(
        'anchor_timeout',
        `object ${objectId} is still ${object.status} after ${Math.round(options.timeoutMs / 1000)} s: its storage.anchor tx is not committed yet`,
        `check the ledger (\`accord status\`); the gateway re-publishes the anchor by itself. Follow it with GET /v1/objects/${objectId}`,
      );
    await sleep(options.pollMs ?? 250, undefined, { signal: options.signal });
  }
}
