import { createHash } from 'node:crypto';
import type { DepartmentApi } from '../api/department.api';
import { DataCommandError } from './data.errors';

/**
 * A tus 1.0.0 client for the storage gateway's `/v1/uploads`
 * (docs/storage-gateway-upload.md): creation, HEAD, PATCH with the
 * `checksum` extension (sha256) and termination. Errors come back as the
 * API's ApiError (the gateway's `{error, message}`) or
 * ServiceUnreachableError; what to do about them is the caller's choice.
 */
export const TUS_VERSION = '1.0.0';
export const UPLOADS_PATH = '/v1/uploads';
const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** A PATCH may take long on a slow link: a chunk gets this long to go through. */
const PATCH_TIMEOUT_MS = 10 * 60_000;

/** Upload-Metadata: `key base64value` pairs, comma-separated (keys as given; values UTF-8). */
export function encodeUploadMetadata(metadata: Readonly<Record<string, string>>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value, 'utf8').toString('base64')}`)
    .join(',');
}

/** Upload-Checksum of a PATCH body: `sha256 <base64>`. */
export function uploadChecksum(body: Uint8Array): string {
  return `sha256 ${createHash('sha256').update(body).digest('base64')}`;
}

export interface CreatedUpload {
  /** The upload's path on the gateway, `/v1/uploads/<id>`. */
  readonly path: string;
  /** Its absolute URL (what the state file keeps, informative). */
  readonly url: string;
}

export interface HeadAnswer {
  readonly offset: number;
  readonly length: number;
}

export interface PatchAnswer {
  readonly offset: number;
  /** On the PATCH that completed the upload: the object it made. */
  readonly objectId?: string;
  /** Its storage.anchor tx, when the gateway could publish it at once. */
  readonly anchorTxId?: string;
}

/** The tus requests of one gateway (the department's storage-gateway service). */
export class TusClient {
  constructor(private readonly api: DepartmentApi) {}

  /** POST /v1/uploads: a new upload of `length` bytes; its Location. */
  async create(
    length: number,
    metadata: Readonly<Record<string, string>>,
    signal?: AbortSignal,
  ): Promise<CreatedUpload> {
    const response = await this.api.send('storage-gateway', 'POST', UPLOADS_PATH, {
      headers: {
        'tus-resumable': TUS_VERSION,
        'upload-length': String(length),
        'upload-metadata': encodeUploadMetadata(metadata),
      },
      signal,
    });
    await response.body?.cancel();
    const location = response.headers.get('location');
    const id = location?.match(/\/v1\/uploads\/([0-9a-f-]{36})$/)?.[1];
    if (location === null || id === undefined)
      throw new DataCommandError(
        'gateway_protocol',
        `the gateway created an upload without a usable Location (${String(location)})`,
        'check that the profile points at an Accord storage gateway',
      );
    const path = `${UPLOADS_PATH}/${id}`;
    return { path, url: this.api.url('storage-gateway', path) };
  }

  /** HEAD: where the gateway is in an upload. */
  async head(path: string, signal?: AbortSignal): Promise<HeadAnswer> {
    const response = await this.api.send('storage-gateway', 'HEAD', path, {
      headers: { 'tus-resumable': TUS_VERSION },
      signal,
    });
    return {
      offset: integerHeader(response, 'upload-offset'),
      length: integerHeader(response, 'upload-length'),
    };
  }

  /** PATCH one chunk at `offset`, checksummed: the gateway keeps all of it or nothing. */
  async patch(path: string, offset: number, chunk: Uint8Array, signal?: AbortSignal): Promise<PatchAnswer> {
    const response = await this.api.send('storage-gateway', 'PATCH', path, {
      headers: {
        'tus-resumable': TUS_VERSION,
        'content-type': OFFSET_OCTET_STREAM,
        'upload-offset': String(offset),
        'upload-checksum': uploadChecksum(chunk),
      },
      body: chunk,
      signal,
      timeoutMs: PATCH_TIMEOUT_MS,
    });
    await response.body?.cancel();
    const objectId = response.headers.get('accord-object-id') ?? undefined;
    const anchorTxId = response.headers.get('accord-anchor-tx') ?? undefined;
    return {
      offset: integerHeader(response, 'upload-offset'),
      ...(objectId === undefined ? {} : { objectId }),
      ...(anchorTxId === undefined ? {} : { anchorTxId }),
    };
  }

  /** DELETE: give up an unfinished upload (its stored bytes are removed). */
  async terminate(path: string): Promise<void> {
    const response = await this.api.send('storage-gateway', 'DELETE', path, {
      headers: { 'tus-resumable': TUS_VERSION },
    });
    await response.body?.cancel();
  }
}

function integerHeader(response: Response, name: string): number {
  const text = response.headers.get(name);
  if (text === null || !/^\d{1,16}$/.test(text))
    throw new DataCommandError(
      'gateway_protocol',
      `the gateway answered ${response.url} without a valid ${name} header (${String(text)})`,
      'check that the profile points at an Accord storage gateway',
    );
  return Number(text);
}
