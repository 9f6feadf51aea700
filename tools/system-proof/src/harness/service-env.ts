import type { ServiceName } from '@accord/cli';
import type { ClusterInfra } from './cluster-infra';

export interface ServiceEnvInput {
  readonly department: string;
  readonly service: ServiceName;
  readonly dataDir: string;
  readonly port: number;
  readonly channel: string;
  readonly infra: ClusterInfra;
  readonly logLevel: string;
  /** The department's key file and API token store (service-kit's departmentLayout). */
  readonly keysFile: string;
  readonly apiTokensFile: string;
  /** The department's own ledger and its dev token: how the other services read the chain. */
  readonly ledgerUrl: string;
  readonly ledgerToken: string;
  /** Every other department's gateway (`id=url`), for transfers. */
  readonly gatewayPeers: Readonly<Record<string, string>>;
}

/**
 * The whole environment of one service process, as a deployment sets it
 * (docs/deployment.md) and as `accord up --cluster` gives its in-process
 * services: the shared Kafka, one PostgreSQL schema per department and
 * service, the department's MinIO bucket (the default `accord-<department>`),
 * its keys and token store on disk, its own ledger's API, the gateways of the
 * other departments. Nothing of the test process's environment leaks in but
 * PATH.
 */
export function serviceEnv(input: ServiceEnvInput): Record<string, string> {
  const peers = Object.entries(input.gatewayPeers)
    .filter(([id]) => id !== input.department)
    .map(([id, url]) => `${id}=${url}`)
    .join(',');
  return {
    PATH: process.env.PATH ?? '',
    ACCORD_DEPARTMENT: input.department,
    ACCORD_DATA_DIR: input.dataDir,
    ACCORD_HTTP_HOST: '127.0.0.1',
    ACCORD_HTTP_PORT: String(input.port),
    ACCORD_LOG_LEVEL: input.logLevel,
    ACCORD_BUS: `kafka:${input.infra.kafkaBrokers}`,
    ACCORD_DATABASE: input.infra.postgresUrl,
    ACCORD_DATABASE_SCHEMA: databaseSchema(input.department, input.service),
    ACCORD_OBJECT_STORE: `minio:${input.infra.minio.endpoint}`,
    ACCORD_OBJECT_STORE_ACCESS_KEY: input.infra.minio.accessKey,
    ACCORD_OBJECT_STORE_SECRET_KEY: input.infra.minio.secretKey,
    ACCORD_KEYS_FILE: input.keysFile,
    // The file, not its content: tokens made or revoked through the ledger's admin API count in every service.
    ACCORD_API_TOKENS_FILE: input.apiTokensFile,
    ACCORD_LEDGER_CHANNELS: input.channel,
    ACCORD_LEDGER_URL: input.ledgerUrl,
    ACCORD_LEDGER_TOKEN: input.ledgerToken,
    ...(peers ? { ACCORD_GATEWAY_PEERS: peers } : {}),
  };
}

/** `<department>_<service>` as a PostgreSQL identifier: the schema `accord up --cluster` gives the same service. */
export function databaseSchema(department: string, service: ServiceName): string {
  return `${department}_${service}`.replace(/-/g, '_').slice(0, 63);
}
