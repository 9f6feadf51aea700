import { createHash } from 'node:crypto';
import type { ObjectStore } from '../object-store.port';
import { digestStream, generatedStream } from './generated-content';

const MiB = 1024 * 1024;

export interface LargeObjectTarget {
  readonly name: string;
  /** A store with its bucket created. */
  store(): Promise<ObjectStore>;
  cleanup(): Promise<void>;
}

/** Samples the process RSS while `fn` runs and returns the peak growth over the start. */
async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Streams a generated object of `sizeMiB` through the store and back, and
 * checks that memory stays flat: the process RSS may not grow by more than
 * `maxGrowthMiB` (far below the object size) in either direction.
 */
export function describeLargeObjectStreaming(target: LargeObjectTarget, sizeMiB = 200, maxGrowthMiB = 64): void {
  describe(`large objects: ${target.name}`, () => {
    let store: ObjectStore;
    beforeAll(async () => {
      store = await target.store();
    });
    afterAll(async () => {
      await target.cleanup();
    });

    it(`streams ${sizeMiB} MiB in and out with flat memory`, async () => {
      const size = sizeMiB * MiB;
      // Warm up code paths and buffers so the baseline includes them.
      await store.put('large/warmup', generatedStream(9 * MiB, 3));
      await digestStream(await store.get('large/warmup'));

      const sent = createHash('sha256');
      const upload = await peakRssGrowth(() =>
        store.put(
          'large/object',
          generatedStream(size, 5, (chunk) => sent.update(chunk)),
        ),
      );
      expect(upload.result.size).toBe(size);
      const download = await peakRssGrowth(async () => digestStream(await store.get('large/object')));
      expect(download.result).toEqual({ sha256: sent.digest('hex'), size });

      // Reported on failure and in verbose runs, so the margin stays visible.
      const report = `upload +${(upload.growth / MiB).toFixed(1)} MiB, download +${(download.growth / MiB).toFixed(1)} MiB RSS`;
      expect({ report, upload: upload.growth < maxGrowthMiB * MiB }).toEqual({ report, upload: true });
      expect({ report, download: download.growth < maxGrowthMiB * MiB }).toEqual({ report, download: true });
      process.stdout.write(`[${target.name}] ${sizeMiB} MiB object: ${report}\n`);
    });
  });
}
