import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../api/api.errors';
import type { DepartmentApi } from '../api/department.api';
import { DataCommandError } from './data.errors';
import { fileIdentity, sameFile, type FileIdentity } from './file-identity';
import { listObjects, waitUntilAvailable, type GatewayObject } from './gateway-objects';
import type { ProgressListener } from './progress.renderer';
import { TusClient } from './tus.client';
import { patchRetryDelayMs, retryablePatchError } from './upload-retry';
import type { UploadRecord, UploadStateStore, UploadTargetKey } from './upload-state.store';

/** Bytes per PATCH by default: one piece of the gateway's store (PIECE_MAX_BYTES), held in memory once. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
/** The same PATCH failing this many times in a row (network cut, checksum) ends the run; a rerun resumes. */
const MAX_ATTEMPTS_PER_CHUNK = 4;

export interface UploadOptions {
  readonly channel: string;
  /** `<owner>/<name>`; the owner must be the uploading department. */
  readonly dataset: string;
  readonly version: number;
  readonly mediaType: string;
  /** More Upload-Metadata keys (the gateway keeps them; `filename` defaults to the file's name). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly state: UploadStateStore;
  /** Forget a recorded unfinished upload of this file (it is terminated) and start over. */
  readonly restart?: boolean;
  readonly chunkBytes?: number;
  /** How long to wait for the anchor once every byte is sent (ms); 0 does not wait. */
  readonly anchorWaitMs?: number;
  readonly signal?: AbortSignal;
  /** Between two attempts of a failed PATCH (ms, doubled each time). */
  readonly retryDelayMs?: number;
}

export interface UploadResult {
  /** The object as the gateway shows it: `available` unless anchorWaitMs was 0. */
  readonly object: GatewayObject;
  /** SHA-256 of the file, computed here while reading it; equals object.sha256. */
  readonly sha256: string;
  /** Where this run started: 0, or the offset of the upload it resumed. */
  readonly resumedFrom: number;
  /** Bytes this run sent. */
  readonly sentBytes: number;
}

/**
 * Uploads a file to the department's gateway as a dataset version, over tus
 * 1.0.0, and waits until the object is anchored.
 *
 * The file is read one chunk at a time (never whole into memory); each
 * chunk is one checksummed PATCH, all or nothing on the gateway. The
 * upload's URL and the file's identity go to the state store as soon as
 * the upload exists, so a later run of the same file to the same target
 * asks the gateway (HEAD) where it is and goes on from there. A failed
 * PATCH is retried from the gateway's offset a few times before giving up.
 * The file's SHA-256 is computed on the way (the part sent by an earlier
 * run is read again for it) and must equal the object's.
 */
export async function uploadFile(
  api: DepartmentApi,
  file: string,
  options: UploadOptions,
  progress: ProgressListener,
): Promise<UploadResult> {
  const identity = await fileIdentity(file);
  const target: UploadTargetKey = {
    gateway: api.profile.urls['storage-gateway'],
    channel: options.channel,
    dataset: options.dataset,
    version: options.version,
  };
  const tus = new TusClient(api);
  const handle = await open(identity.path, 'r');
  try {
    const upload = await resumeOrCreate(tus, api, identity, target, options, handle, progress);
    if ('completed' in upload)
      return await finish(api, upload.completed, upload.sha256, identity.size, 0, options, progress);
    const sent = await sendChunks(tus, handle, identity, upload, options, progress);
    await options.state.remove(target, identity.path);
    return await finish(api, sent.objectId, sent.sha256, upload.offset, sent.sentBytes, options, progress);
  } finally {
    await handle.close();
  }
}

/** An upload to go on with: where it is on the gateway and the file's hash up to there. */
interface OpenUpload {
  readonly path: string;
  readonly offset: number;
  readonly hash: Hash;
}

/** The recorded upload of this file, if the gateway still has it; else a new one (recorded at once). */
async function resumeOrCreate(
  tus: TusClient,
  api: DepartmentApi,
  identity: FileIdentity,
  target: UploadTargetKey,
  options: UploadOptions,
  handle: FileHandle,
  progress: ProgressListener,
): Promise<OpenUpload | { readonly completed: string; readonly sha256: string }> {
  const recorded = await options.state.find(target, identity.path);
  if (recorded !== undefined) {
    const usable = await recordedUpload(tus, api, recorded, identity, options, handle, progress);
    if (usable !== undefined) return usable;
    await options.state.remove(target, identity.path);
  }
  const metadata = {
    filename: basename(identity.path),
    ...options.metadata,
    channel: options.channel,
    dataset: options.dataset,
    version: String(options.version),
    mediaType: options.mediaType,
  };
  const created = await tus.create(identity.size, metadata, options.signal);
  const record: UploadRecord = { ...target, file: identity, uploadUrl: created.url, createdAt: Date.now() };
  await options.state.save(record);
  return { path: created.path, offset: 0, hash: createHash('sha256') };
}

/**
 * Goes on with a recorded upload when it is still the same file and the
 * gateway still has it. A recorded upload the gateway finished (the answer
 * to the last PATCH was lost) is found among the dataset's objects by the
 * file's hash, rather than uploaded twice.
 */
async function recordedUpload(
  tus: TusClient,
  api: DepartmentApi,
  recorded: UploadRecord,
  identity: FileIdentity,
  options: UploadOptions,
  handle: FileHandle,
  progress: ProgressListener,
): Promise<OpenUpload | { readonly completed: string; readonly sha256: string } | undefined> {
  const path = new URL(recorded.uploadUrl).pathname.replace(/^.*(\/v1\/uploads\/[^/]+)$/, '$1');
  if (options.restart === true || !sameFile(recorded.file, identity)) {
    progress.note(
      options.restart === true
        ? `starting over (--restart): terminating upload ${recorded.uploadUrl}`
        : `${identity.path} changed since upload ${recorded.uploadUrl} began: starting over`,
    );
    await tus.terminate(path).catch(() => undefined);
    return undefined;
  }
  let offset: number;
  try {
    offset = (await tus.head(path, options.signal)).offset;
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 410)) throw error;
    const sha256 = await hashRange(handle, identity.size, createHash('sha256'), 0);
    const done = await completedObject(api, recorded, identity, sha256.copy().digest('hex'), options);
    if (done !== undefined) {
      progress.note(`upload ${recorded.uploadUrl} was already complete: object ${done.objectId}`);
      await options.state.remove(recorded, identity.path);
      return { completed: done.objectId, sha256: sha256.digest('hex') };
    }
    progress.note(`upload ${recorded.uploadUrl} is ${error.status === 410 ? 'expired' : 'gone'}: starting over`);
    return undefined;
  }
  progress.note(`resuming upload ${recorded.uploadUrl} at byte ${offset} of ${identity.size}`);
  // The part sent earlier is read again, only to hash it: the result must be the whole file's SHA-256.
  const hash = await hashRange(handle, offset, createHash('sha256'), 0);
  return { path, offset, hash };
}

/** Our object of this dataset version with the file's size and hash, made after the recorded upload began. */
async function completedObject(
  api: DepartmentApi,
  recorded: UploadRecord,
  identity: FileIdentity,
  sha256: string,
  options: UploadOptions,
): Promise<GatewayObject | undefined> {
  const objects = await listObjects(api, { channel: recorded.channel, dataset: recorded.dataset }, options.signal);
  return objects.find(
    (o) =>
      o.origin === 'upload' &&
      o.version === recorded.version &&
      o.sizeBytes === identity.size &&
      o.sha256 === sha256 &&
      o.createdAt >= recorded.createdAt - 60_000 &&
      o.status !== 'erased' &&
      o.status !== 'failed',
  );
}

/** Hashes bytes [from, to) of the file into `hash`, a chunk at a time. */
async function hashRange(handle: FileHandle, to: number, hash: Hash, from: number): Promise<Hash> {
  const buffer = Buffer.alloc(Math.min(DEFAULT_CHUNK_BYTES, Math.max(1, to - from)));
  for (let at = from; at < to;) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, to - at), at);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    at += bytesRead;
  }
  return hash;
}

/** PATCHes the rest of the file, chunk by chunk; the object id the last PATCH answered. */
async function sendChunks(
  tus: TusClient,
  handle: FileHandle,
  identity: FileIdentity,
  upload: OpenUpload,
  options: UploadOptions,
  progress: ProgressListener,
): Promise<{ objectId: string; sha256: string; sentBytes: number }> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const buffer = Buffer.alloc(Math.min(chunkBytes, identity.size));
  let offset = upload.offset;
  let hash = upload.hash;
  let sentBytes = 0;
  let failures = 0;
  progress.start('upload', identity.size, offset);
  try {
    for (;;) {
      const length = Math.min(buffer.length, identity.size - offset);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead !== length)
        throw new DataCommandError(
          'upload_refused',
          `${identity.path} shrank while it was uploaded`,
          'upload a file that does not change meanwhile',
        );
      const chunk = buffer.subarray(0, length);
      let answer;
      try {
        answer = await tus.patch(upload.path, offset, chunk, options.signal);
      } catch (error) {
        failures += 1;
        if (options.signal?.aborted === true || failures >= MAX_ATTEMPTS_PER_CHUNK || !retryablePatchError(error))
          throw error;
        const delayMs = patchRetryDelayMs(error, failures, options.retryDelayMs ?? 500);
        progress.note(`PATCH at byte ${offset} failed (${(error as Error).message}): retrying in ${delayMs} ms`);
        await sleep(delayMs, undefined, { signal: options.signal });
        const where = (await tus.head(upload.path, options.signal)).offset;
        // The gateway may have kept more or less than we know (a lost answer): hash from where it is.
        if (where !== offset) hash = await hashRange(handle, where, createHash('sha256'), 0);
        offset = where;
        continue;
      }
      if (answer.offset !== offset + length)
        throw new DataCommandError(
          'gateway_protocol',
          `the gateway answered offset ${answer.offset} after ${length} bytes at ${offset}`,
          'rerun the command: it resumes from the offset the gateway holds',
        );
      failures = 0;
      hash.update(chunk);
      offset = answer.offset;
      sentBytes += length;
      progress.update(offset);
      if (offset === identity.size) {
        if (answer.objectId === undefined)
          throw new DataCommandError(
            'gateway_protocol',
            'the gateway took the last byte without naming the object (Accord-Object-Id)',
            'list the dataset objects with GET /v1/objects',
          );
        return { objectId: answer.objectId, sha256: hash.digest('hex'), sentBytes };
      }
    }
  } finally {
    progress.finish();
  }
}

/** Waits for the anchor and checks the object against the file's hash. */
async function finish(
  api: DepartmentApi,
  objectId: string,
  sha256: string,
  resumedFrom: number,
  sentBytes: number,
  options: UploadOptions,
  progress: ProgressListener,
): Promise<UploadResult> {
  const waitMs = options.anchorWaitMs ?? 120_000;
  if (waitMs > 0) progress.note(`all bytes sent; waiting for object ${objectId} to be anchored`);
  const object =
    waitMs > 0
      ? await waitUntilAvailable(api, objectId, { timeoutMs: waitMs, signal: options.signal })
      : await api.request<GatewayObject>('storage-gateway', 'GET', `/v1/objects/${objectId}`);
  if (object.sha256 !== null && object.sha256 !== sha256)
    throw new DataCommandError(
      'content_mismatch',
      `object ${objectId} has SHA-256 ${object.sha256}, the file ${sha256}`,
      'the file changed during the upload, or the gateway stored other bytes: upload it again with --restart',
    );
  return { object, sha256, resumedFrom, sentBytes };
}
