import { randomBytes } from 'node:crypto';
import { Client } from 'minio';
import type { MinioObjectStoreConfig } from '../minio-object-store.adapter';

export interface MinioTestSettings {
  /** e.g. `http://127.0.0.1:9000`. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

/**
 * The one place integration tests read the MinIO settings that
 * scripts/infra/minio.sh records in ~/.cache/accord/run/infra.env.
 * Missing variables fail the test with instructions; they never skip it.
 */
export function minioTestSettings(): MinioTestSettings {
  const names = ['ACCORD_TEST_MINIO_ENDPOINT', 'ACCORD_TEST_MINIO_ACCESS_KEY', 'ACCORD_TEST_MINIO_SECRET_KEY'] as const;
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set. Start MinIO with \`bash scripts/infra/minio.sh start\`, ` +
        'then `source ~/.cache/accord/run/infra.env` (npm test does both).',
    );
  }
  return {
    endpoint: process.env['ACCORD_TEST_MINIO_ENDPOINT'] as string,
    accessKey: process.env['ACCORD_TEST_MINIO_ACCESS_KEY'] as string,
    secretKey: process.env['ACCORD_TEST_MINIO_SECRET_KEY'] as string,
  };
}

/** Adapter config for the test MinIO and `bucket`. */
export function minioTestConfig(bucket: string): MinioObjectStoreConfig {
  const settings = minioTestSettings();
  const endpoint = new URL(settings.endpoint);
  const useSSL = endpoint.protocol === 'https:';
  return {
    endPoint: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
    bucket,
  };
}

/** A bucket name unique to this test run. */
export function uniqueTestBucket(prefix = 'accord-test'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every object of a test bucket, then the bucket. */
export async function dropTestBucket(config: MinioObjectStoreConfig): Promise<void> {
  const client = new Client({
    endPoint: config.endPoint,
    port: config.port,
    useSSL: config.useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
  });
  if (!(await client.bucketExists(config.bucket))) return;
  // A few rounds: MinIO hides objects below a key that is itself an object
  // until that key is gone (the adapters refuse such keys, but be thorough).
  for (let round = 0; ; round++) {
    const names: string[] = [];
    for await (const item of client.listObjectsV2(config.bucket, '', true) as AsyncIterable<{ name?: string }>) {
      if (item.name) names.push(item.name);
    }
    if (names.length > 0) await client.removeObjects(config.bucket, names);
    try {
      await client.removeBucket(config.bucket);
      return;
    } catch (err) {
      if (round >= 4) throw err;
    }
  }
}
