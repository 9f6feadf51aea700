import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFileDestination } from '@accord/service-kit';
import { clusterTestSettings } from '@accord/service-kit/testing';
import { NetworkPortInUseError } from '../network.errors';
import { ephemeralPortRange } from '../network.ports';
import { readNetworkFile } from '../network-file';
import { startNetwork, type RunningNetwork, type StartNetworkOptions } from '../network.launcher';
import type { ClusterInfra } from '../network.options';

export interface TestNetworkOptions extends Partial<Omit<StartNetworkOptions, 'cluster'>> {
  /** Run on the real Kafka, PostgreSQL and MinIO of scripts/infra (fresh department ids and channel per run). */
  readonly cluster?: boolean;
}

export interface TestNetwork extends RunningNetwork {
  /** Stops the network and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A local network for a test: a fresh data directory, a free port range,
 * JSON logs to `<dataDir>/logs/network.log`. In cluster mode the departments
 * and the channel carry a run suffix, so topics, buckets and schemas are
 * fresh on a shared broker, database and MinIO.
 */
export async function startTestNetwork(options: TestNetworkOptions = {}): Promise<TestNetwork> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'accord-net-')));
  const { cluster, ...rest } = options;
  const run = randomBytes(3).toString('hex');
  // A restart (network.json present) keeps what the data directory recorded.
  const fresh = cluster === true && readNetworkFile(dataDir) === undefined;
  const departments =
    options.departments ?? (fresh ? ['health', 'transport', 'public-security'].map((d) => `${d}-${run}`) : undefined);
  const channel = options.channel ?? (fresh ? `alliance-${run}` : undefined);
  for (let attempt = 0; ; attempt++) {
    try {
      const network = await startNetwork({
        ...rest,
        dataDir,
        basePort: options.basePort ?? randomBasePort(),
        logLevel: options.logLevel ?? 'info',
        logDestination: options.logDestination ?? logFileDestination(join(dataDir, 'logs', 'network.log')),
        ...(departments ? { departments } : {}),
        ...(channel ? { channel } : {}),
        ...(cluster ? { cluster: clusterInfraForTests() } : {}),
      });
      return {
        ...network,
        destroy: async () => {
          await network.close();
          if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another test took a port of the range in the meantime: try another range.
      if (!(error instanceof NetworkPortInUseError) || options.basePort !== undefined || attempt >= 5) throw error;
    }
  }
}

/** Servers of scripts/infra (sourced infra.env), as the network's cluster settings. */
export function clusterInfraForTests(): ClusterInfra {
  const settings = clusterTestSettings();
  return {
    kafkaBrokers: settings.kafkaBrokers,
    postgresUrl: settings.pgUrl,
    minio: { endpoint: settings.minioEndpoint, accessKey: settings.minioAccessKey, secretKey: settings.minioSecretKey },
  };
}

/** The lowest base port a test network takes (above the well-known ports and the usual service defaults). */
const LOWEST_TEST_BASE_PORT = 10_000;

/**
 * A base port on a multiple of 1000 (a network uses base..base+999 at most)
 * below the kernel's ephemeral port range (10000..31000 on Linux's default
 * 32768-60999). Inside that range a port checked free could be taken as the
 * local port of one of the many outgoing connections a cluster network opens
 * while it starts (PostgreSQL pools, Kafka, MinIO) before the service
 * listens: that made `network add` fail now and then in cluster mode.
 */
export function randomBasePort(range = ephemeralPortRange()): number {
  const highest = Math.floor((range.low - 1000) / 1000) * 1000;
  const choices = Math.max(1, (highest - LOWEST_TEST_BASE_PORT) / 1000 + 1);
  return LOWEST_TEST_BASE_PORT + 1000 * Math.floor(Math.random() * choices);
}
