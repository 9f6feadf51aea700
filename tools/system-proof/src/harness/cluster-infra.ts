import type { ClusterInfra } from '@accord/cli';

export type { ClusterInfra };

/** A variable of infra.env is missing: the real servers' settings are unknown. */
export class ClusterInfraMissingError extends Error {
  override readonly name = 'ClusterInfraMissingError';
  readonly code = 'cluster_infra_missing';
}

/**
 * The real Kafka, PostgreSQL and MinIO of scripts/infra, from the variables
 * of ~/.cache/accord/run/infra.env (the names clusterTestSettings reads).
 * Read here rather than through the service kit's testing entry, which is
 * not built: the harness also runs from compiled scripts.
 */
export function clusterInfraFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterInfra {
  const need = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new ClusterInfraMissingError(
        `${name} is not set: run \`bash scripts/infra/up.sh\` and \`source ~/.cache/accord/run/infra.env\``,
      );
    }
    return value;
  };
  return {
    kafkaBrokers: need('ACCORD_TEST_KAFKA_BROKERS'),
    postgresUrl: need('ACCORD_TEST_PG_URL'),
    minio: {
      endpoint: need('ACCORD_TEST_MINIO_ENDPOINT'),
      accessKey: need('ACCORD_TEST_MINIO_ACCESS_KEY'),
      secretKey: need('ACCORD_TEST_MINIO_SECRET_KEY'),
    },
  };
}
