import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../api/api.errors';
import type { DepartmentApi } from '../api/department.api';
import { DataCommandError } from './data.errors';
import { getObject, type GatewayObject } from './gateway-objects';
import { resolveLiveGrant, type FetchTarget, type GrantRecord } from './grant.resolver';
import type { ProgressListener } from './progress.renderer';

/** A transfer as the requester's gateway shows it (GET /v1/transfers/:id, docs/storage-gateway-transfer.md). */
export interface TransferView {
  readonly transferId: string;
  readonly grant: string;
  readonly channel: string;
  readonly dataset: string;
  readonly provider: string;
  readonly anchorTx: string;
  readonly sizeBytes: number;
  readonly bytesVerified: number;
  readonly progress: number;
  readonly status: 'running' | 'completed' | 'failed';
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly objectId: string | null;
  readonly useTx: string | null;
  readonly contentUrl: string | null;
}

export interface FetchOptions {
  readonly channel: string;
  /** Where the verified bytes go; written as `<out>.part` and renamed when they hash right. */
  readonly out: string;
  /** Give up on the transfer after this long (ms). */
  readonly timeoutMs?: number;
  /** How long to wait for our gateway to learn a grant or anchor the contracts already show (ms). */
  readonly projectionWaitMs?: number;
  readonly signal?: AbortSignal;
}

export interface FetchResult {
  readonly grant: GrantRecord;
  readonly transfer: TransferView;
  /** The verified copy held by our gateway. */
  readonly object: GatewayObject;
  /** Chunks verified against the anchor's chunk root (each with its inclusion proof). */
  readonly chunksVerified: number;
  readonly bytes: number;
  /** SHA-256 of the file written, equal to the anchor's content hash. */
  readonly sha256: string;
  /** The storage.anchor tx the bytes were checked against, and the content hash it carries. */
  readonly anchorTx: string;
  readonly anchorSha256: string;
  /** The access.use tx the provider recorded for this access. */
  readonly useTx: string | null;
  readonly out: string;
}

/**
 * Fetches the data of a live grant: our gateway fetches the anchored object
 * from the provider's gateway (signed, every chunk verified against the
 * anchor on our chain, POST /v1/transfers), then the verified copy is
 * downloaded from our gateway into `out`, hashed on the way and compared
 * with the content hash of the storage.anchor tx as our ledger committed
 * it. Nothing that does not match is left at `out`.
 */
export async function fetchGranted(
  api: DepartmentApi,
  target: FetchTarget,
  options: FetchOptions,
  progress: ProgressListener,
): Promise<FetchResult> {
  const grant = await resolveLiveGrant(api, options.channel, target, options.signal);
  progress.note(`grant ${grant.id}: ${grant.dataset} from ${grant.provider} for ${grant.purpose}`);
  const started = await startTransfer(api, grant, options);
  const transfer = await followTransfer(api, started, options, progress);
  const object = await getObject(api, transfer.objectId as string, options.signal);
  const anchorSha256 = await anchoredContentHash(api, transfer.anchorTx, options.signal);
  if (object.sha256 !== anchorSha256)
    throw new DataCommandError(
      'content_mismatch',
      `our gateway's copy ${object.objectId} has SHA-256 ${String(object.sha256)}, the anchor ${transfer.anchorTx} ${anchorSha256}`,
      'report it to the operators of your gateway: its copy does not match the chain',
    );
  const sha256 = await download(api, object, options, progress);
  if (sha256 !== anchorSha256)
    throw new DataCommandError(
      'content_mismatch',
      `the bytes downloaded hash to ${sha256}, the anchor ${transfer.anchorTx} says ${anchorSha256}; nothing was written to ${options.out}`,
      'fetch again; if it persists, report it to the operators of your gateway',
    );
  return {
    grant,
    transfer,
    object,
    chunksVerified: Math.ceil(object.sizeBytes / object.chunkSize),
    bytes: object.sizeBytes,
    sha256,
    anchorTx: transfer.anchorTx,
    anchorSha256,
    useTx: transfer.useTx,
    out: options.out,
  };
}

/**
 * POST /v1/transfers. Our gateway learns grants and anchors from its
 * projection of the chain, which may trail the contracts service by a
 * block: `grant_not_found` and `anchor_not_found` are retried for a while.
 * The other refusals say why no transfer can start.
 */
async function startTransfer(api: DepartmentApi, grant: GrantRecord, options: FetchOptions): Promise<TransferView> {
  const deadline = Date.now() + (options.projectionWaitMs ?? 15_000);
  for (;;) {
    try {
      return await api.request<TransferView>('storage-gateway', 'POST', '/v1/transfers', {
        body: { grant: grant.id },
        signal: options.signal,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const lagging = error.code === 'grant_not_found' || error.code === 'anchor_not_found';
      if (lagging && Date.now() < deadline) {
        await sleep(250, undefined, { signal: options.signal });
        continue;
      }
      throw transferRefusal(error, grant);
    }
  }
}

function transferRefusal(error: ApiError, grant: GrantRecord): Error {
  switch (error.code) {
    case 'grant_not_found':
      return new DataCommandError(
        'no_grant',
        `our gateway does not know grant ${grant.id} (${error.message})`,
        'the gateway may still be catching up with the chain: retry in a moment; `accord status` shows its readiness',
      );
    case 'not_grantee':
      return new DataCommandError('no_grant', error.message, `fetch with the profile of ${grant.requester}`);
    case 'grant_not_live':
      return new DataCommandError('grant_not_live', error.message, `request access to ${grant.dataset} again`);
    case 'anchor_not_found':
      return new DataCommandError(
        'transfer_failed',
        `nothing of ${grant.dataset} is anchored yet: ${error.message}`,
        `${grant.provider} has to upload the data first (\`accord upload\`); then fetch again`,
      );
    case 'content_erased':
      return new DataCommandError(
        'transfer_failed',
        `the data of ${grant.dataset} was erased by ${grant.provider}: ${error.message}`,
        `ask ${grant.provider} whether a new version will be uploaded`,
      );
    case 'peer_unknown':
      return new DataCommandError(
        'transfer_unavailable',
        `our gateway does not know how to reach ${grant.provider}'s gateway: ${error.message}`,
        `the gateway's operators add ${grant.provider} to ACCORD_GATEWAY_PEERS`,
      );
    default:
      return error;
  }
}

/** Polls the transfer until it ends, reporting the bytes verified. */
async function followTransfer(
  api: DepartmentApi,
  started: TransferView,
  options: FetchOptions,
  progress: ProgressListener,
): Promise<TransferView> {
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  progress.start('verify', started.sizeBytes, started.bytesVerified);
  let transfer = started;
  try {
    while (transfer.status === 'running') {
      if (Date.now() >= deadline)
        throw new DataCommandError(
          'transfer_unavailable',
          `transfer ${transfer.transferId} is still running after ${Math.round((options.timeoutMs ?? 0) / 1000)} s (${transfer.progress}%)`,
          `follow it with GET /v1/transfers/${transfer.transferId}, or fetch again later with a longer --timeout`,
        );
      await sleep(200, undefined, { signal: options.signal });
      transfer = await api.request<TransferView>('storage-gateway', 'GET', `/v1/transfers/${transfer.transferId}`, {
        signal: options.signal,
      });
      progress.update(transfer.bytesVerified);
    }
  } finally {
    progress.finish();
  }
  if (transfer.status === 'failed' || transfer.objectId === null) throw transferFailure(transfer);
  return transfer;
}

function transferFailure(transfer: TransferView): DataCommandError {
  const code = transfer.error?.code ?? 'unknown';
  const message = transfer.error?.message ?? 'no reason given';
  switch (code) {
    case 'transfer_verification_failed':
      return new DataCommandError(
        'transfer_failed',
        `${transfer.provider}'s data did not verify against anchor ${transfer.anchorTx} and was refused; nothing was kept (${message})`,
        `tell ${transfer.provider}: what its gateway serves does not match what it anchored. Fetching again spends another access`,
      );
    case 'transfer_refused':
      return new DataCommandError(
        'transfer_failed',
        `${transfer.provider}'s gateway refused the transfer: ${message}`,
        'check the grant (it may be used up, expired or revoked) and request access again if needed',
      );
    case 'peer_unavailable':
      return new DataCommandError(
        'transfer_unavailable',
        `${transfer.provider}'s gateway did not answer: ${message}`,
        'retry later; if it persists, ask the provider whether its gateway runs',
      );
    default:
      return new DataCommandError(
        'transfer_failed',
        `transfer ${transfer.transferId} failed (${code}): ${message}`,
        'fetch again (a new transfer starts over)',
      );
  }
}

/** The `sha256` of the storage.anchor tx as our ledger committed it: the content hash the chain holds. */
async function anchoredContentHash(api: DepartmentApi, anchorTx: string, signal?: AbortSignal): Promise<string> {
  const tx = await api.request<{ status: string; envelope?: { body?: { payload?: { sha256?: unknown } } } }>(
    'ledger',
    'GET',
    `/v1/txs/${anchorTx}`,
    { signal },
  );
  const sha256 = tx.envelope?.body?.payload?.sha256;
  if (tx.status !== 'committed' || typeof sha256 !== 'string')
    throw new DataCommandError(
      'content_mismatch',
      `anchor ${anchorTx} is not a committed storage.anchor tx on our ledger (status ${tx.status})`,
      'report it to the operators of your gateway: it used an anchor the ledger does not hold',
    );
  return sha256;
}

/** GET /v1/objects/:id/content into `<out>.part`, hashed on the way; renamed to `out` only when it hashes right. */
async function download(
  api: DepartmentApi,
  object: GatewayObject,
  options: FetchOptions,
  progress: ProgressListener,
): Promise<string> {
  const response = await api.send('storage-gateway', 'GET', `/v1/objects/${object.objectId}/content`, {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 30 * 60_000,
  });
  if (response.body === null)
    throw new DataCommandError('gateway_protocol', 'the gateway answered the content without a body');
  const hash = createHash('sha256');
  let received = 0;
  const partial = `${options.out}.part`;
  progress.start('download', object.sizeBytes);
  try {
    await pipeline(
      Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          received += chunk.length;
          progress.update(received);
          done(null, chunk);
        },
      }),
      createWriteStream(partial, { mode: 0o600 }),
      { signal: options.signal },
    );
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    progress.finish();
  }
  const sha256 = hash.digest('hex');
  if (received !== object.sizeBytes || sha256 !== object.sha256) {
    await rm(partial, { force: true });
    return sha256;
  }
  await rename(partial, options.out);
  return sha256;
}
