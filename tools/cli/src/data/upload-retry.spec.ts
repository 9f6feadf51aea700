import { ApiError, ServiceUnreachableError } from '../api/api.errors';
import type { ResolvedProfile } from '../api/department.profile';
import { MAX_LEASE_WAIT_MS, patchRetryDelayMs, retryablePatchError } from './upload-retry';

const gateway = 'http://127.0.0.1:7113';
const profile = {
  name: 'health',
  department: 'health',
  urls: { ledger: gateway, contracts: gateway, catalog: gateway, 'storage-gateway': gateway },
  token: 'secret',
  tokenSource: 'test',
  origin: { kind: 'profiles', path: '/tmp/profiles.json' },
} as ResolvedProfile;
const apiError = (status: number, code: string, details?: unknown) =>
  new ApiError(status, code, code, details, 'storage-gateway', `${gateway}/v1/uploads/u1`, profile);

describe('retrying a failed PATCH', () => {
  it.each<[string, unknown, boolean]>([
    ['a cut connection', new ServiceUnreachableError('storage-gateway', gateway, 'ECONNRESET', profile), true],
    ['a body cut midway (fetch TypeError)', new TypeError('terminated'), true],
    ['an unavailable gateway', apiError(503, 'dependency_unavailable'), true],
    ['an offset mismatch', apiError(409, 'upload_offset_mismatch'), true],
    ['a checksum mismatch', apiError(460, 'upload_checksum_mismatch'), true],
    ['a busy lease', apiError(409, 'upload_busy'), true],
    ['an expired upload', apiError(410, 'upload_expired'), false],
    ['a refused caller', apiError(403, 'forbidden'), false],
    ['a bug here', new RangeError('bad offset'), false],
  ])('%s is retryable: %s', (_, error, retryable) => {
    expect(retryablePatchError(error)).toBe(retryable);
  });

  it('doubles the delay with each failure in a row', () => {
    const error = apiError(503, 'dependency_unavailable');
    expect([1, 2, 3].map((failures) => patchRetryDelayMs(error, failures, 250))).toEqual([250, 500, 1000]);
  });

  it('waits for a busy lease until the gateway says it goes stale, at most the lease term and a little', () => {
    expect(patchRetryDelayMs(apiError(409, 'upload_busy', { upload: 'u1', retryAfterSeconds: 12 }), 1, 250)).toBe(
      12_000,
    );
    expect(patchRetryDelayMs(apiError(409, 'upload_busy', { upload: 'u1', retryAfterSeconds: 3600 }), 1, 250)).toBe(
      MAX_LEASE_WAIT_MS,
    );
  });

  it('falls back to the doubling delay when a busy answer does not say when', () => {
    expect(patchRetryDelayMs(apiError(409, 'upload_busy', { upload: 'u1' }), 2, 250)).toBe(500);
    expect(patchRetryDelayMs(apiError(409, 'upload_busy', { retryAfterSeconds: 'soon' }), 1, 250)).toBe(250);
    expect(patchRetryDelayMs(apiError(409, 'upload_busy', { retryAfterSeconds: -5 }), 1, 250)).toBe(250);
  });
});
