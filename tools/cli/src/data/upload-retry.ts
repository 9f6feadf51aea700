import { ApiError, ServiceUnreachableError } from '../api/api.errors';

/**
 * The longest a PATCH waits for another request's lease of the upload
 * (409 `upload_busy` with `retryAfterSeconds`): the gateway's lease term
 * (60 s, docs/storage-gateway-upload.md) and a little more, after which a
 * lease left by a gateway that died mid-PATCH is stale and taken over.
 */
export const MAX_LEASE_WAIT_MS = 65_000;

/** Worth another try from the gateway's offset: a cut connection, a mismatch of offset or checksum, a busy lease. */
export function retryablePatchError(error: unknown): boolean {
  if (error instanceof ServiceUnreachableError) return true;
  if (!(error instanceof ApiError)) return error instanceof TypeError; // fetch's "terminated" mid-body
  return (
    error.status >= 500 || ['upload_offset_mismatch', 'upload_checksum_mismatch', 'upload_busy'].includes(error.code)
  );
}

/**
 * How long to wait before the next attempt of a PATCH that failed the
 * `failures`-th time in a row: until the lease it met goes stale when the
 * gateway says when (bounded by MAX_LEASE_WAIT_MS), otherwise
 * `retryDelayMs` doubled with each failure.
 */
export function patchRetryDelayMs(error: unknown, failures: number, retryDelayMs: number): number {
  const leaseWait = leaseWaitMs(error);
  return leaseWait ?? retryDelayMs * 2 ** (failures - 1);
}

function leaseWaitMs(error: unknown): number | undefined {
  if (!(error instanceof ApiError) || error.code !== 'upload_busy') return undefined;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(seconds * 1000, MAX_LEASE_WAIT_MS);
}
