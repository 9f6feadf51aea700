import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureFoundingChannel, SERVICE_NAMES, type ServiceName, type ServiceUrls } from '@accord/cli';
import { departmentLayout, ensureDepartmentKeys, ensureDevApiToken, type DepartmentKeys } from '@accord/service-kit';
import type { SystemDepartment } from '../system-department';
import { clusterInfraFromEnv, type ClusterInfra } from './cluster-infra';
import { freeServicePort } from './free-port';
import { writeProcessNetworkFile } from './network-file.writer';
import { serviceEnv } from './service-env';
import { ServiceProcess, type ServiceProcessHandle, type ServiceStart, type UnexpectedExit } from './service-process';

/** The founding departments of a fresh process network: the Ningbo story's three bureaus, with the run's suffix. */
export const DEFAULT_FOUNDERS = ['health', 'transport', 'public-security'] as const;

export interface ProcessNetworkOptions {
  /** The founding members of the channel (default: DEFAULT_FOUNDERS with a fresh run suffix). */
  readonly departments?: readonly string[];
  /** Started too, but not channel members (e.g. a newcomer the story admits by vote). */
  readonly extra?: readonly string[];
  /** Default: a fresh temporary directory, removed by close(). */
  readonly dataDir?: string;
  /** Default: `alliance-<run>`, fresh on the shared broker. */
  readonly channel?: string;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Default: the servers of the sourced infra.env. */
  readonly infra?: ClusterInfra;
}

export interface ProcessNetwork {
  readonly dataDir: string;
  readonly channel: string;
  /** Founders, then the extra departments. */
  readonly departments: readonly SystemDepartment[];
  service(department: string, name: ServiceName): ServiceProcessHandle;
  /** Stops the department's four services (the ledger last). */
  stopDepartment(id: string, how?: 'graceful' | 'kill'): Promise<void>;
  /** Starts the department's four services again (the ledger first) with the same ports, environment and data. */
  startDepartment(id: string): Promise<void>;
  /** Every (re)start so far, with its start→ready time. */
  startTimes(): readonly ServiceStart[];
  /** Services that exited without being stopped by the test, with their output's tail. */
  unexpectedExits(): readonly UnexpectedExit[];
  /** Stops every process (idempotent); removes the data directory if the network created it. */
  close(): Promise<void>;
}

interface RunningDepartment extends SystemDepartment {
  readonly founder: boolean;
  readonly tokenFile: string;
  readonly keys: DepartmentKeys;
  readonly services: Readonly<Record<ServiceName, ServiceProcess>>;
}

/**
 * A network in the deployed shape: every department's ledger, contracts,
 * catalog and storage gateway each in its own `node dist/main.js` process
 * on the real Kafka, PostgreSQL and MinIO, with fresh department ids,
 * schemas, buckets and channel per run. The founders' channel is created as
 * `accord up` creates it, and network.json is written in its format, so the
 * CLI and the demo run against this network unchanged.
 */
export async function startProcessNetwork(options: ProcessNetworkOptions = {}): Promise<ProcessNetwork> {
  const run = randomBytes(3).toString('hex');
  const ownDataDir = options.dataDir === undefined;
  const dataDir = resolve(options.dataDir ?? (await mkdtemp(join(tmpdir(), 'accord-proc-'))));
  const founders = options.departments ?? DEFAULT_FOUNDERS.map((d) => `${d}-${run}`);
  const extra = options.extra ?? [];
  const channel = options.channel ?? `alliance-${run}`;
  const infra = options.infra ?? clusterInfraFromEnv();
  const logLevel = options.logLevel ?? 'info';
  const starts: ServiceStart[] = [];
  const exits: UnexpectedExit[] = [];

  const ids = [...founders, ...extra];
  const ports = new Map<string, number>();
  for (const id of ids)
    for (const name of SERVICE_NAMES) ports.set(`${id}/${name}`, await freeServicePort(new Set(ports.values())));
  const urlsOf = (id: string): ServiceUrls =>
    Object.fromEntries(SERVICE_NAMES.map((name) => [name, `http://127.0.0.1:${ports.get(`${id}/${name}`)}`])) as Record<
      ServiceName,
      string
    >;
  const gateways = Object.fromEntries(ids.map((id) => [id, urlsOf(id)['storage-gateway']]));

  const departments: RunningDepartment[] = [];
  for (const id of ids) {
    const layout = departmentLayout(dataDir, id);
    const { keys } = await ensureDepartmentKeys(layout, id);
    await ensureDevApiToken(layout);
    const token = (await readFile(layout.devTokenFile, 'utf8')).trim();
    const urls = urlsOf(id);
    const services = Object.fromEntries(
      SERVICE_NAMES.map((name) => [
        name,
        new ServiceProcess({
          department: id,
          service: name,
          port: ports.get(`${id}/${name}`)!,
          logFile: join(dataDir, 'logs', `${id}-${name}.log`),
          env: serviceEnv({
            department: id,
            service: name,
            dataDir,
            port: ports.get(`${id}/${name}`)!,
            channel,
            infra,
            logLevel,
            keysFile: layout.keysFile,
            apiTokensFile: layout.apiTokensFile,
            ledgerUrl: urls.ledger,
            ledgerToken: token,
            gatewayPeers: gateways,
          }),
          onStart: (start) => starts.push(start),
          onUnexpectedExit: (exit) => {
            exits.push(exit);
            process.stderr.write(
              `process network: ${exit.department}'s ${exit.service} exited unexpectedly (${exit.signal ?? exit.code}); its output ended with:\n${exit.outputTail}\n`,
            );
          },
        }),
      ]),
    ) as Record<ServiceName, ServiceProcess>;
    departments.push({
      id,
      token,
      urls,
      founder: founders.includes(id),
      tokenFile: layout.devTokenFile,
      keys,
      services,
    });
  }

  const all = (): ServiceProcess[] => departments.flatMap((d) => SERVICE_NAMES.map((name) => d.services[name]));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.all(departments.map((d) => stopServices(d, 'graceful')));
      await Promise.all(all().map((service) => service.close()));
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    })());

  try {
    await startAll(departments);
    await ensureFoundingChannel(
      channel,
      departments.filter((d) => d.founder).map((d) => ({ ...d, running: { keys: d.keys } })),
    );
    await writeProcessNetworkFile(dataDir, channel, departments);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }

  const department = (id: string): RunningDepartment => {
    const found = departments.find((d) => d.id === id);
    if (found === undefined) throw new Error(`department ${id} is not in this process network (${ids.join(', ')})`);
    return found;
  };
  return {
    dataDir,
    channel,
    departments: departments.map(({ id, token, urls }) => ({ id, token, urls })),
    service: (id, name) => department(id).services[name],
    stopDepartment: (id, how = 'graceful') => stopServices(department(id), how),
    startDepartment: (id) => startAll([department(id)]),
    startTimes: () => [...starts],
    unexpectedExits: () => [...exits],
    close,
  };
}

/**
 * Starts the ledgers of `departments` side by side, then their other
 * services side by side: those read their own ledger's API from the start,
 * nothing else orders them.
 */
async function startAll(departments: readonly RunningDepartment[]): Promise<void> {
  const startIfDown = async (service: ServiceProcess): Promise<void> => {
    if (!service.running) await service.start();
  };
  await Promise.all(departments.map((d) => startIfDown(d.services.ledger)));
  await Promise.all(
    departments.flatMap((d) =>
      SERVICE_NAMES.filter((name) => name !== 'ledger').map((name) => startIfDown(d.services[name])),
    ),
  );
}

/** The services that read the ledger go first, the ledger last, as a department is shut down. */
async function stopServices(department: RunningDepartment, how: 'graceful' | 'kill'): Promise<void> {
  const stop = (service: ServiceProcess): Promise<void> => (how === 'kill' ? service.kill9() : service.stop());
  await Promise.all(SERVICE_NAMES.filter((name) => name !== 'ledger').map((name) => stop(department.services[name])));
  await stop(department.services.ledger);
}
