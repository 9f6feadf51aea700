import { MinioObjectStore } from './minio-object-store.adapter';
import { createObjectStore } from './object-store.factory';
import { ObjectStoreUnavailableError } from './object-store.errors';
import { describeLargeObjectStreaming } from './testing/large-object.contract';
import { dropTestBucket, minioTestConfig, uniqueTestBucket } from './testing/minio-test.config';
import { describeObjectStoreContract } from './testing/object-store.contract';
import { Readable } from 'node:stream';

const contractConfig = minioTestConfig(uniqueTestBucket());

describeObjectStoreContract({
  name: 'MinIO (real server)',
  freshStore: async () => createObjectStore({ kind: 'minio', ...contractConfig }),
  cleanup: () => dropTestBucket(contractConfig),
});

const largeConfig = minioTestConfig(uniqueTestBucket());

describeLargeObjectStreaming({
  name: 'MinIO (real server)',
  store: async () => {
    const store = new MinioObjectStore(largeConfig);
    await store.ensureBucket();
    return store;
  },
  cleanup: () => dropTestBucket(largeConfig),
});

describe('MinioObjectStore specifics', () => {
  it('reports an unreachable server as unhealthy and its calls as ObjectStoreUnavailableError', async () => {
    const store = new MinioObjectStore({ ...contractConfig, port: 1, healthTimeoutMs: 1000 });
    expect(await store.isHealthy()).toBe(false);
    await expect(store.stat('k')).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
    await expect(store.put('k', Readable.from([Buffer.from('x')]))).rejects.toMatchObject({
      code: 'object_store_unavailable',
    });
  });

  it('reports wrong credentials as ObjectStoreUnavailableError without leaking the secret', async () => {
    const store = new MinioObjectStore({ ...contractConfig, secretKey: 'wrong-secret-key-123' });
    const attempt = store.list();
    await expect(attempt).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
    await attempt.catch((err: Error) => expect(err.message).not.toContain('wrong-secret-key-123'));
    expect(await store.isHealthy()).toBe(false);
  });
});
