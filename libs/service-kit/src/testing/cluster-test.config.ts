import { randomBytes } from 'node:crypto';
import type { Env } from '../config/common.config';

/**
 * Connection settings of the real PostgreSQL, Kafka and MinIO that
 * scripts/infra starts (the test runner sources ~/.cache/accord/run/infra.env).
 * A missing variable fails the test with a clear message: never a skip.
 */
export interface ClusterTestSettings {
  readonly pgUrl: string;
  readonly kafkaBrokers: string;
  readonly minioEndpoint: string;
  readonly minioAccessKey: string;
  readonly minioSecretKey: string;
}

export function clusterTestSettings(): ClusterTestSettings {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) {
      throw new Error(
        `${name} is not set: start the servers with scripts/infra/up.sh and source ~/.cache/accord/run/infra.env (npm test does both)`,
      );
    }
    return value;
  };
  return {
    pgUrl: read('ACCORD_TEST_PG_URL'),
    kafkaBrokers: read('ACCORD_TEST_KAFKA_BROKERS'),
    minioEndpoint: read('ACCORD_TEST_MINIO_ENDPOINT'),
    minioAccessKey: read('ACCORD_TEST_MINIO_ACCESS_KEY'),
    minioSecretKey: read('ACCORD_TEST_MINIO_SECRET_KEY'),
  };
}

/**
 * Service environment for cluster mode against those servers, isolated per
 * run: a fresh department id (so a fresh MinIO bucket and Kafka client id)
 * and a fresh PostgreSQL schema.
 */
export function clusterServiceEnv(
  settings: ClusterTestSettings = clusterTestSettings(),
): Env & { ACCORD_DEPARTMENT: string; ACCORD_DATABASE_SCHEMA: string } {
  const run = randomBytes(4).toString('hex');
  return {
    ACCORD_DEPARTMENT: `it-${run}`,
    ACCORD_DATABASE: settings.pgUrl,
    ACCORD_DATABASE_SCHEMA: `it_${run}`,
    ACCORD_BUS: `kafka:${settings.kafkaBrokers}`,
    ACCORD_OBJECT_STORE: `minio:${settings.minioEndpoint}`,
    ACCORD_OBJECT_STORE_ACCESS_KEY: settings.minioAccessKey,
    ACCORD_OBJECT_STORE_SECRET_KEY: settings.minioSecretKey,
  };
}
