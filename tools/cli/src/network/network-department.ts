import { readFile } from 'node:fs/promises';
import type { EventBus } from '@accord/event-bus';
import type { DepartmentServiceSpec, Env, LogLevel, RunningDepartment, ServiceDefinition } from '@accord/service-kit';
import type { DestinationStream } from 'pino';
import { NetworkConfigError } from './network.errors';
import type { ClusterInfra } from './network.options';
import { SERVICE_NAMES, type ServiceName, type ServiceUrls } from './network-file';
import { departmentUrls, networkPorts } from './network.ports';

// Loaded when a network starts, after tracing: Nest, express and kafkajs load instrumented,
// and the offline commands never pay for loading four Nest apps.
const loadKit = () => import('@accord/service-kit');

/** The exported ServiceDefinition of each service package, in start order (SERVICE_NAMES). */
const SERVICE_PACKAGES: Readonly<Record<ServiceName, { packageName: string; exportName: string }>> = {
  ledger: { packageName: '@accord/ledger-service', exportName: 'ledgerService' },
  contracts: { packageName: '@accord/contracts-service', exportName: 'contractsService' },
  catalog: { packageName: '@accord/catalog-service', exportName: 'catalogService' },
  'storage-gateway': { packageName: '@accord/storage-gateway-service', exportName: 'storageGatewayService' },
};

export interface DepartmentSlot {
  readonly id: string;
  readonly founder: boolean;
  readonly slot: number;
}

export interface NetworkDepartment {
  readonly id: string;
  readonly founder: boolean;
  readonly urls: ServiceUrls;
  /** The department's `dev` API token (every role). */
  readonly token: string;
  readonly tokenFile: string;
  readonly keysCreated: boolean;
  readonly running: RunningDepartment;
}

export interface DepartmentStartContext {
  readonly dataDir: string;
  readonly host: string;
  readonly basePort: number;
  readonly channel: string;
  readonly bus: EventBus;
  readonly busSpec: string;
  readonly cluster?: ClusterInfra;
  readonly logLevel: LogLevel;
  readonly logDestination?: DestinationStream;
  /** Every department's gateway URL, for transfers (ACCORD_GATEWAY_PEERS). */
  readonly gateways: Readonly<Record<string, string>>;
}

/**
 * Starts one department's four services on its slot's ports: keys and the
 * dev token on first start, the ledger following the network's channel from
 * the start, the other services reading their own ledger's API, the gateway
 * knowing every other department's gateway.
 */
export async function startNetworkDepartment(
  slot: DepartmentSlot,
  context: DepartmentStartContext,
): Promise<NetworkDepartment> {
  const kit = await loadKit();
  const layout = kit.departmentLayout(context.dataDir, slot.id);
  const { created: keysCreated } = await kit.ensureDepartmentKeys(layout, slot.id);
  await kit.ensureDevApiToken(layout);
  const token = await readDevToken(layout.devTokenFile);
  const urls = departmentUrls(context.host, context.basePort, slot.slot);
  const definitions = await Promise.all(SERVICE_NAMES.map((name) => loadDefinition(SERVICE_PACKAGES[name])));
  const services: DepartmentServiceSpec[] = definitions.map((definition, k) => ({
    definition,
    port: networkPorts.service(context.basePort, slot.slot, k),
  }));
  const peers = Object.entries(context.gateways)
    .filter(([id]) => id !== slot.id)
    .map(([id, url]) => `${id}=${url}`)
    .join(',');
  const running = await kit.startDepartment({
    department: slot.id,
    dataDir: context.dataDir,
    services,
    bus: context.bus,
    busSpec: context.busSpec,
    host: context.host,
    logLevel: context.logLevel,
    processName: 'accord-network',
    ...(context.logDestination ? { logDestination: context.logDestination } : {}),
    extraEnv: {
      ACCORD_LEDGER_CHANNELS: context.channel,
      ACCORD_LEDGER_URL: urls.ledger,
      ACCORD_LEDGER_TOKEN: token,
      ...(peers ? { ACCORD_GATEWAY_PEERS: peers } : {}),
      ...(context.cluster ? clusterEnv(context.cluster) : {}),
    },
    ...(context.cluster ? { serviceEnv: clusterSchemaEnv(slot.id) } : {}),
  });
  return { id: slot.id, founder: slot.founder, urls, token, tokenFile: layout.devTokenFile, keysCreated, running };
}

function clusterEnv(cluster: ClusterInfra): Env {
  return {
    ACCORD_DATABASE: cluster.postgresUrl,
    ACCORD_OBJECT_STORE: `minio:${cluster.minio.endpoint}`,
    ACCORD_OBJECT_STORE_ACCESS_KEY: cluster.minio.accessKey,
    ACCORD_OBJECT_STORE_SECRET_KEY: cluster.minio.secretKey,
  };
}

/** One PostgreSQL schema per department and service, so several departments share a database. */
function clusterSchemaEnv(department: string): (service: string) => Env {
  return (service) => ({ ACCORD_DATABASE_SCHEMA: `${department}_${service}`.replace(/-/g, '_').slice(0, 63) });
}

async function readDevToken(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new NetworkConfigError(
      `${file} is missing: the department's dev token is needed by its own services; restore it or create a token and write it there`,
    );
  }
}

async function loadDefinition({ packageName, exportName }: { packageName: string; exportName: string }) {
  // A name held in a variable: resolved at run time from the workspace, so
  // the CLI does not compile against the service packages (which build after it).
  const name: string = packageName;
  const exported = ((await import(name)) as Record<string, unknown>)[exportName];
  if (!isServiceDefinition(exported))
    throw new Error(`${packageName} does not export a service definition named ${exportName}`);
  return exported;
}

function isServiceDefinition(value: unknown): value is ServiceDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof ServiceDefinition, unknown>>;
  return (
    typeof v.name === 'string' &&
    typeof v.version === 'string' &&
    typeof (v.configSchema as { safeParse?: unknown } | undefined)?.safeParse === 'function' &&
    v.rootModule !== undefined
  );
}
