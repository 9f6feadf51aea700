import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { EventBus } from '@accord/event-bus';
import type { DepartmentServiceSpec, LogLevel, RunningDepartment, ServiceDefinition } from '@accord/service-kit';
import type { CliCommand, CliContext, CliIo } from '../cli.context';

// The service kit and the bus (Nest, OpenTelemetry, kafkajs: most of a
// second to load) are imported when `up` runs, so the offline commands stay quick.
const loadKit = () => import('@accord/service-kit');
const loadBus = () => import('@accord/event-bus');

/**
 * A department's services in start order (each listens on base port + its
 * index), as package and exported ServiceDefinition. They are loaded by
 * name when `up` runs, after tracing has started, so Nest and express load
 * instrumented, and other commands never pay for loading four Nest apps.
 */
export const DEPARTMENT_SERVICE_PACKAGES = [
  { packageName: '@accord/ledger-service', exportName: 'ledgerService' },
  { packageName: '@accord/contracts-service', exportName: 'contractsService' },
  { packageName: '@accord/catalog-service', exportName: 'catalogService' },
  { packageName: '@accord/storage-gateway-service', exportName: 'storageGatewayService' },
] as const;

export const DEFAULT_BASE_PORT = 7100;
const SERVICE_COUNT = DEPARTMENT_SERVICE_PACKAGES.length;
/** Force the exit if a graceful stop hangs longer than this. */
const STOP_TIMEOUT_MS = 30_000;

/** The four services of one department on consecutive ports from `basePort`. */
export async function departmentServices(basePort: number): Promise<DepartmentServiceSpec[]> {
  const definitions = await Promise.all(DEPARTMENT_SERVICE_PACKAGES.map(loadDefinition));
  return definitions.map((definition, index) => ({ definition, port: basePort + index }));
}

export interface UpOptions {
  readonly department: string;
  readonly basePort: number;
  readonly dataDir: string;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly logFile?: string;
}

/**
 * `accord up`: embedded mode. Runs ONE department's ledger, contracts,
 * catalog and storage gateway in this process over one embedded log (the
 * log allows a single writer process per directory), with PGlite databases,
 * keys and a dev API token under `<data-dir>/<department>/`, until Ctrl-C /
 * SIGTERM, then stops gracefully (exit 0). See docs/services.md.
 */
export const upCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('up')
      .description("run one department's four services in this process (embedded mode) until Ctrl-C")
      .addOption(new Option('--department <id>', 'department (member) id').default('local'))
      .addOption(
        new Option('--base-port <port>', `first port; the services use ${SERVICE_COUNT} consecutive ports`)
          .default(DEFAULT_BASE_PORT)
          .argParser(port),
      )
      .addOption(new Option('--data-dir <dir>', 'where department data and the shared log live').default('.accord'))
      .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1'))
      .addOption(
        new Option(
          '--log-level <level>',
          'service log level: fatal, error, warn, info, debug, trace or silent',
        ).default('info'),
      )
      .addOption(new Option('--log-file <file>', 'write the JSON service logs to this file instead of stdout'))
      .action(async (options: UpOptions) => {
        context.exitCode = await runUp(options, context.io);
      });
  },
};

async function runUp(options: UpOptions, io: CliIo): Promise<number> {
  const kit = await loadKit();
  if (!kit.DEPARTMENT_ID.test(options.department)) {
    io.err(
      `error: option '--department <id>' argument '${options.department}' is invalid. It must be lower-case letters, digits and inner hyphens (at most 63 characters).`,
    );
    return 2;
  }
  if (!(kit.LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
    io.err(
      `error: option '--log-level <level>' argument '${options.logLevel}' is invalid. Allowed choices are ${kit.LOG_LEVELS.join(', ')}.`,
    );
    return 2;
  }
  const dataDir = resolve(options.dataDir);
  const destination = options.logFile ? kit.logFileDestination(resolve(options.logFile)) : undefined;
  const log = new kit.ServiceLogger(
    kit.createPinoLogger({
      service: 'accord-up',
      department: options.department,
      level: options.logLevel,
      ...(destination ? { destination } : {}),
    }),
  );
  // Before the services (Nest, express) load, so their HTTP handling is instrumented.
  kit.startTelemetry({ processName: 'accord-up' });
  const busDir = kit.embeddedBusDir(dataDir);
  let bus: EventBus | undefined;
  let department: RunningDepartment;
  try {
    const services = await departmentServices(options.basePort);
    bus = await (await loadBus()).createEventBus({ kind: 'embedded', dataDir: busDir, logger: kit.busLogger(log) });
    department = await kit.startDepartment({
      department: options.department,
      dataDir,
      services,
      bus,
      busSpec: `embedded:${busDir}`,
      host: options.host,
      logLevel: options.logLevel,
      processName: 'accord-up',
      ...(destination ? { logDestination: destination } : {}),
    });
  } catch (error) {
    await bus?.close().catch(() => undefined);
    await kit.shutdownTelemetry().catch(() => undefined);
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }

  for (const line of banner(department, busDir)) io.out(line);
  const report = (message: string) => io.err(`accord up: ${message}`);
  await kit.waitForShutdownSignal(report);
  kit.exitIfStillRunning(1, STOP_TIMEOUT_MS, report);
  try {
    await department.close();
    await bus.close();
    await kit.shutdownTelemetry();
  } catch (error) {
    io.err(`error: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  report('stopped');
  return 0;
}

function banner(department: RunningDepartment, busDir: string): string[] {
  const width = Math.max(...department.services.map((s) => s.name.length)) + 2;
  const tokenFile = department.layout.devTokenFile;
  return [
    `Accord department "${department.department}" is running (embedded mode)`,
    ...department.services.map((s) => `  ${s.name.padEnd(width)}${s.url}   docs ${s.url}/docs`),
    `Data:      ${department.layout.root}`,
    `Event log: ${busDir} (shared by every department of this process)`,
    `Keys:      ${department.layout.publicKeysFile}${department.keysCreated ? ' (generated now)' : ''}`,
    ...(department.createdDevToken
      ? [
          `API token: ${department.createdDevToken}`,
          `           shown only this once; stored in ${tokenFile} (mode 0600)`,
        ]
      : [`API token: in ${tokenFile}`]),
    `Try:       curl -H "Authorization: Bearer $(cat ${tokenFile})" ${department.services[0].url}/v1/info`,
    'Stop with Ctrl-C.',
  ];
}

async function loadDefinition({
  packageName,
  exportName,
}: (typeof DEPARTMENT_SERVICE_PACKAGES)[number]): Promise<ServiceDefinition> {
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

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535 - SERVICE_COUNT) {
    throw new InvalidArgumentError(`must be a port number between 1 and ${65535 - SERVICE_COUNT}`);
  }
  return n;
}
