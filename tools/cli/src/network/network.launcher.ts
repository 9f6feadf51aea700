import { resolve } from 'node:path';
import type { EventBus } from '@accord/event-bus';
import type { LogLevel } from '@accord/service-kit';
import type { DestinationStream } from 'pino';
import { ensureFoundingChannel } from './founding-channel';
import { startNetworkConsole } from './network-console';
import { ensureNetworkControlToken, startControlServer, type ControlServer } from './network-control.server';
import { NetworkConfigError, NetworkPortInUseError, NetworkStartError } from './network.errors';
import { startNetworkDepartment, type DepartmentStartContext, type NetworkDepartment } from './network-department';
import { NetworkFileError, networkFilePath, readNetworkFile, type NetworkFile } from './network-file';
import { planNetwork, validateDepartmentId, type ClusterInfra, type NetworkPlan } from './network.options';
import {
  assertPortFree,
  DEFAULT_NETWORK_BASE_PORT,
  departmentUrls,
  ephemeralPortRange,
  highestPort,
  MAX_NETWORK_DEPARTMENTS,
  networkPorts,
  overlapsRange,
} from './network.ports';
import { SERVICE_NAMES } from './network-file';

const loadKit = () => import('@accord/service-kit');
const loadBus = () => import('@accord/event-bus');

export interface StartNetworkOptions {
  /** Where every department's data, the embedded log and network.json live. */
  readonly dataDir: string;
  /** The departments of a new network (default: health, transport, public-security); a restart must not change them. */
  readonly departments?: readonly string[];
  readonly channel?: string;
  readonly basePort?: number;
  readonly host?: string;
  /** Real Kafka, PostgreSQL and MinIO instead of the embedded log, PGlite and local directories. */
  readonly cluster?: ClusterInfra;
  readonly logLevel?: LogLevel;
  /** Where the services' JSON logs go (default stdout). */
  readonly logDestination?: DestinationStream;
  /** Progress lines for a person watching the start. */
  readonly report?: (message: string) => void;
  /** Serve the operator console on the console port (default true). */
  readonly console?: boolean;
}

export interface ConsoleHandle {
  readonly url: string;
  close(): Promise<void>;
}

export interface RunningNetwork {
  readonly dataDir: string;
  readonly channel: string;
  readonly mode: 'embedded' | 'cluster';
  readonly basePort: number;
  readonly consoleUrl: string;
  /** The control API (GET/POST /v1/network...) and its bearer token. */
  readonly controlUrl: string;
  readonly controlToken: string;
  readonly departments: readonly NetworkDepartment[];
  /** True when this start created the founding channel (a first start). */
  readonly channelCreated: boolean;
  /** Starts one more department in the network (not a channel member: it applies with `channel join`). */
  addDepartment(id: string): Promise<NetworkDepartment>;
  /** Stops every department (last added first), the console and the bus. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a local network (docs/network.md): every department's four
 * services in this process over one event bus, the founding channel on the
 * first start, the console, and network.json describing it all. Nothing is
 * started when the options contradict the data directory or a port is
 * taken; when anything fails midway, whatever started is stopped again and
 * the data directory stays as it was before plus what the services wrote.
 */
export async function startNetwork(options: StartNetworkOptions): Promise<RunningNetwork> {
  const dataDir = resolve(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? DEFAULT_NETWORK_BASE_PORT;
  const report = options.report ?? (() => undefined);
  const mode = options.cluster ? 'cluster' : 'embedded';
  const plan = planNetwork(
    {
      mode,
      ...(options.departments ? { departments: options.departments } : {}),
      ...(options.channel ? { channel: options.channel } : {}),
    },
    existingNetworkFile(dataDir),
    dataDir,
  );
  await assertNetworkPortsFree(host, basePort, plan.departments.length);
  warnOnEphemeralPorts(basePort, plan.departments.length, report);

  const kit = await loadKit();
  const busDir = kit.embeddedBusDir(dataDir);
  const busSpec = options.cluster ? `kafka:${options.cluster.kafkaBrokers}` : `embedded:${busDir}`;
  const busLog = new kit.ServiceLogger(
    kit.createPinoLogger({
      service: 'accord-network',
      department: 'network',
      level: options.logLevel ?? 'info',
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    }),
  );
  const bus: EventBus = await (
    await loadBus()
  ).createEventBus(
    options.cluster
      ? {
          kind: 'kafka',
          brokers: options.cluster.kafkaBrokers.split(','),
          clientId: 'accord-network',
          logger: kit.busLogger(busLog),
        }
      : { kind: 'embedded', dataDir: busDir, logger: kit.busLogger(busLog) },
  );

  const departments: NetworkDepartment[] = [];
  let consoleHandle: ConsoleHandle | undefined;
  const gateways: Record<string, string> = Object.fromEntries(
    plan.departments.map((d, slot) => [d.id, departmentUrls(host, basePort, slot)['storage-gateway']]),
  );
  const context = (): DepartmentStartContext => ({
    dataDir,
    host,
    basePort,
    channel: plan.channel,
    bus,
    busSpec,
    logLevel: options.logLevel ?? 'info',
    gateways,
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.logDestination ? { logDestination: options.logDestination } : {}),
  });
  const startConsole = () =>
    startNetworkConsole(departments, networkPorts.console(basePort), host, busLog.pino.child({ service: 'console' }));
  const stopAll = async (): Promise<void> => {
    await consoleHandle?.close().catch(() => undefined);
    for (const department of [...departments].reverse()) await department.running.close();
    await bus.close();
  };

  let channelCreated = false;
  try {
    // The departments start side by side (each its own lock, keys, ports and databases):
    // most of a service's start is waiting on PGlite and the log, so the starts overlap.
    report(`starting ${plan.departments.map((d) => d.id).join(', ')} (${SERVICE_NAMES.join(', ')} each)`);
    const starts = await Promise.allSettled(
      plan.departments.map(({ id, founder }, slot) => startNetworkDepartment({ id, founder, slot }, context())),
    );
    for (const start of starts) if (start.status === 'fulfilled') departments.push(start.value);
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) throw portTakenMeanwhile(failed.reason);
    report(`checking channel ${plan.channel}`);
    ({ created: channelCreated } = await ensureFoundingChannel(
      plan.channel,
      departments.filter((d) => d.founder),
    ));
    if (options.console !== false) {
      report('starting the console');
      consoleHandle = await startConsole();
    }
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error instanceof NetworkConfigError || error instanceof NetworkStartError
      ? error
      : new NetworkStartError(`the network did not start: ${error instanceof Error ? error.message : String(error)}`);
  }

  const consoleUrl = consoleHandle?.url ?? `http://${host}:${networkPorts.console(basePort)}`;
  const file = (): NetworkFile => ({
    version: 1,
    channel: plan.channel,
    mode: plan.mode,
    basePort,
    consoleUrl,
    controlUrl: `http://${host}:${networkPorts.control(basePort)}`,
    departments: departments.map((d) => ({ id: d.id, founder: d.founder, urls: d.urls, tokenFile: d.tokenFile })),
  });
  await writeNetworkFile(kit, dataDir, file());

  let closing: Promise<void> | undefined;
  let adding: Promise<unknown> = Promise.resolve();
  const addDepartment = async (id: string): Promise<NetworkDepartment> => {
    validateDepartmentId(id);
    if (departments.some((d) => d.id === id)) {
      throw new NetworkConfigError(`department "${id}" already runs in this network`);
    }
    if (departments.length >= MAX_NETWORK_DEPARTMENTS) {
      throw new NetworkConfigError(`a local network runs at most ${MAX_NETWORK_DEPARTMENTS} departments`);
    }
    const slot = departments.length;
    for (const [k, name] of SERVICE_NAMES.entries()) {
      await assertPortFree(host, networkPorts.service(basePort, slot, k), `${id}'s ${name}`);
    }
    gateways[id] = departmentUrls(host, basePort, slot)['storage-gateway'];
    report(`starting ${id} (${SERVICE_NAMES.join(', ')})`);
    const department = await startNetworkDepartment({ id, founder: false, slot }, context()).catch((error: unknown) => {
      throw portTakenMeanwhile(error);
    });
    departments.push(department);
    await writeNetworkFile(kit, dataDir, file());
    // The console lists the departments it was started with: start it again with the new one.
    if (consoleHandle) {
      await consoleHandle.close();
      consoleHandle = await startConsole();
    }
    return department;
  };

  const network: Omit<RunningNetwork, 'controlUrl' | 'controlToken' | 'close'> = {
    dataDir,
    channel: plan.channel,
    mode: plan.mode,
    basePort,
    consoleUrl,
    departments,
    channelCreated,
    // One addition at a time: slots and network.json stay consistent.
    addDepartment: (id) => {
      const next = adding.then(() => addDepartment(id));
      adding = next.catch(() => undefined);
      return next;
    },
  };
  const controlToken = await ensureNetworkControlToken(dataDir);
  let control: ControlServer;
  try {
    control = await startControlServer(network, controlToken, host, networkPorts.control(basePort));
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw new NetworkStartError(`the network control API did not start: ${(error as Error).message}`);
  }
  return {
    ...network,
    controlUrl: control.url,
    controlToken,
    close: () => (closing ??= control.close().then(stopAll)),
  };
}

async function assertNetworkPortsFree(host: string, basePort: number, slots: number): Promise<void> {
  if (highestPort(basePort, slots) > 65535) {
    throw new NetworkConfigError(`--base-port ${basePort} leaves too few ports for ${slots} departments`);
  }
  await assertPortFree(host, networkPorts.console(basePort), 'the console');
  await assertPortFree(host, networkPorts.control(basePort), 'the network control API');
  for (let slot = 0; slot < slots; slot++) {
    for (const [k, name] of SERVICE_NAMES.entries()) {
      await assertPortFree(host, networkPorts.service(basePort, slot, k), `department slot ${slot + 1}, ${name}`);
    }
  }
}

/**
 * A service that found its port taken when it came to listen, after the
 * check said it was free (another process bound it, or an outgoing
 * connection got it as its local port): the same refusal as the check's, so
 * callers (and the test fixture's retry) treat it alike. Other errors pass.
 */
function portTakenMeanwhile(error: unknown): unknown {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause?.code !== 'EADDRINUSE') return error;
  return new NetworkPortInUseError(
    `${(error as Error).message}: the port was free when checked and taken before the service listened; choose another --base-port (below ${ephemeralPortRange().low - 1000}, outside the ephemeral port range)`,
  );
}

/** Says so when the network's ports lie in the ephemeral range (outgoing connections may take them). */
function warnOnEphemeralPorts(basePort: number, slots: number, report: (message: string) => void): void {
  const range = ephemeralPortRange();
  if (!overlapsRange(basePort, slots, range)) return;
  report(
    `warning: ports ${basePort}..${highestPort(basePort, slots)} lie in the ephemeral port range ${range.low}-${range.high}, ` +
      'from which outgoing connections take their local ports: a service may find its port taken; choose a lower --base-port',
  );
}

export type { NetworkPlan };

function existingNetworkFile(dataDir: string): NetworkFile | undefined {
  try {
    return readNetworkFile(dataDir);
  } catch (error) {
    if (error instanceof NetworkFileError) throw new NetworkConfigError(error.message);
    throw error;
  }
}

async function writeNetworkFile(
  kit: Pick<typeof import('@accord/service-kit'), 'writeFileAtomic'>,
  dataDir: string,
  file: NetworkFile,
): Promise<void> {
  await kit.writeFileAtomic(networkFilePath(dataDir), `${JSON.stringify(file, null, 2)}\n`, 0o644);
}
