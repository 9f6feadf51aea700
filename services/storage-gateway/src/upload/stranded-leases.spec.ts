import type { ServiceLogger } from '@accord/service-kit';
import { FakeClock } from '@accord/service-kit/testing';
import { StrandedLeases } from './stranded-leases';
import { UPLOAD_LEASE_MS } from './upload-progress';
import type { UploadRepository } from './upload.repository';

const quiet = { pino: { warn: () => undefined, info: () => undefined } };
const log = { forContext: () => quiet } as unknown as ServiceLogger;

/** A repository whose database answers only while `up`; it records the leases given back. */
function database() {
  const state = { up: true, released: [] as string[] };
  const uploads = {
    releaseLease: (uploadId: string, owner: string) => {
      if (!state.up) return Promise.reject(new Error('connection terminated'));
      state.released.push(`${uploadId}/${owner}`);
      return Promise.resolve();
    },
  } as unknown as UploadRepository;
  return { state, uploads };
}

describe('stranded upload leases', () => {
  it('gives a lease back at once while the database answers', async () => {
    const { state, uploads } = database();
    const leases = new StrandedLeases(uploads, new FakeClock(0), log);
    await leases.release('u1', 'o1');
    expect(state.released).toEqual(['u1/o1']);
    expect(leases.pending).toBe(0);
  });

  it('keeps a lease it could not give back and gives it back once the database answers again', async () => {
    const { state, uploads } = database();
    const leases = new StrandedLeases(uploads, new FakeClock(0), log);
    state.up = false;
    await leases.release('u1', 'o1');
    await leases.release('u2', 'o2');
    expect(leases.pending).toBe(2);
    await leases.retry();
    expect(leases.pending).toBe(2);
    state.up = true;
    await leases.retry();
    expect(state.released).toEqual(['u1/o1', 'u2/o2']);
    expect(leases.pending).toBe(0);
    await leases.onModuleDestroy();
  });

  it('drops a lease once it is stale on its own, without touching the database', async () => {
    const { state, uploads } = database();
    const clock = new FakeClock(1_000);
    const leases = new StrandedLeases(uploads, clock, log);
    state.up = false;
    await leases.release('u1', 'o1');
    clock.advance(UPLOAD_LEASE_MS);
    state.up = true;
    await leases.retry();
    expect(leases.pending).toBe(0);
    expect(state.released).toEqual([]);
    await leases.onModuleDestroy();
  });

  it('retries on its own timer until the lease is given back', async () => {
    jest.useFakeTimers();
    try {
      const { state, uploads } = database();
      const leases = new StrandedLeases(uploads, new FakeClock(0), log);
      state.up = false;
      await leases.release('u1', 'o1');
      await jest.advanceTimersByTimeAsync(2_000);
      expect(leases.pending).toBe(1);
      state.up = true;
      await jest.advanceTimersByTimeAsync(2_000);
      expect(state.released).toEqual(['u1/o1']);
      expect(leases.pending).toBe(0);
      await leases.onModuleDestroy();
    } finally {
      jest.useRealTimers();
    }
  });
});
