import { randomBytes } from 'node:crypto';
import { kafkaTestBrokers } from '@accord/event-bus/testing';
import { minioTestSettings } from '@accord/object-store/testing';
import { postgresTestUrl } from '@accord/persistence/testing';
import type { Env } from '../config/common.config';

/**
 * Connection settings of the real PostgreSQL, Kafka and MinIO that
 * scripts/infra starts (the test runner sources ~/.cache/accord/run/infra.env),
 * read by each adapter package's own test reader. A missing variable fails
 * the test with a clear message: never a skip.
 */
export interface ClusterTestSettings {
  readonly pgUrl: string;
  readonly kafkaBrokers: string;
  readonly minioEndpoint: string;
  readonly minioAccessKey: string;
  readonly minioSecretKey: string;
}

export function clusterTestSettings(): ClusterTestSettings {
  const minio = minioTestSettings();
  return {
    pgUrl: postgresTestUrl(),
    kafkaBrokers: kafkaTestBrokers().join(','),
    minioEndpoint: minio.endpoint,
    minioAccessKey: minio.accessKey,
    minioSecretKey: minio.secretKey,
  };
}

/**
 * Service environment for cluster mode against those servers, isolated per
 * run: a fresh department id (so a fresh MinIO bucket and Kafka client id)
 * and a fresh PostgreSQL schema.
 */
export function clusterServiceEnv(
  settings: ClusterTestSettings = clusterTestSettings(),
): Env & { ACCORD_DEPARTMENT: string; ACCORD_DATABASE: string; ACCORD_DATABASE_SCHEMA: string } {
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
