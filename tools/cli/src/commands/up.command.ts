import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { LogLevel } from '@accord/service-kit';
import type { CliCommand, CliContext, CliIo } from '../cli.context';
import { EXIT_BAD_INPUT, EXIT_INTERNAL } from '../cli.context';
import type { ClusterInfra, RunningNetwork } from '../network';
import { networkStatusTicker } from '../network/network-status.ticker';

// The service kit and the network (Nest, OpenTelemetry, kafkajs: most of a
// second to load) are imported when `up` runs, so the other commands stay quick.
const loadKit = () => import('@accord/service-kit');
const loadNetwork = () => import('../network');

/** Force the exit if a graceful stop hangs longer than this. */
const STOP_TIMEOUT_MS = 30_000;
const DEFAULT_BASE_PORT = 7100;

interface UpOptions {
  readonly departments?: string[];
  readonly channel?: string;
  readonly basePort: number;
  readonly dataDir: string;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly logFile?: string;
  readonly kafka?: string;
  readonly postgres?: string;
  readonly minio?: string;
}

/**
 * `accord up`: the local network (docs/network.md). Several departments'
 * services in this process, the founding channel on first start, the
 * console; JSON logs to a file, a short status on the terminal; Ctrl-C
 * stops it gracefully (exit 0).
 */
export const upCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    program
      .command('up')
      .description('run a local network of departments (embedded by default) until Ctrl-C')
      .addOption(
        new Option('--departments <ids>', 'comma-separated departments of a new network').argParser(departmentList),
      )
      .addOption(new Option('--channel <name>', 'founding alliance channel of a new network (default alliance)'))
      .addOption(
        new Option('--base-port <port>', 'first port: console, control API, then 10 per department')
          .default(DEFAULT_BASE_PORT)
          .argParser(port),
      )
      .addOption(
        new Option('--data-dir <dir>', 'where the network lives (restart continues it)')
          .env('ACCORD_DATA_DIR')
          .default('.accord'),
      )
      .addOption(new Option('--host <host>', 'interface to listen on').default('127.0.0.1'))
      .addOption(
        new Option('--log-level <level>', 'service log level')
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      )
      .addOption(new Option('--log-file <file>', "the services' JSON logs (default <data-dir>/logs/network.log)"))
      .addOption(
        new Option('--kafka <brokers>', 'cluster mode: Kafka bootstrap brokers host:port[,...]').env(
          'ACCORD_NETWORK_KAFKA',
        ),
      )
      .addOption(
        new Option('--postgres <url>', 'cluster mode: postgres://user:password@host:port/db').env(
          'ACCORD_NETWORK_POSTGRES',
        ),
      )
      .addOption(
        new Option(
          '--minio <endpoint>',
          'cluster mode: MinIO endpoint http(s)://host:port (keys from ACCORD_NETWORK_MINIO_ACCESS_KEY / _SECRET_KEY)',
        ).env('ACCORD_NETWORK_MINIO'),
      )
      .addHelpText(
        'after',
        `
Examples:
  accord up                                   # health, transport, public-security on the embedded default
  accord up --departments tax,police --base-port 8100 --data-dir /tmp/net
  accord up --kafka 127.0.0.1:9092 --postgres postgres://accord:pw@127.0.0.1:5432/accord --minio http://127.0.0.1:9000`,
      )
      .action(async (options: UpOptions) => {
        context.exitCode = await runUp(options, context.io);
      });
  },
};

async function runUp(options: UpOptions, io: CliIo): Promise<number> {
  let cluster: ClusterInfra | undefined;
  try {
    cluster = clusterInfra(options);
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    return EXIT_BAD_INPUT;
  }
  const kit = await loadKit();
  const net = await loadNetwork();
  const dataDir = resolve(options.dataDir);
  const logFile = resolve(options.logFile ?? `${dataDir}/logs/network.log`);
  // Before the services (Nest, express) load, so their HTTP handling is instrumented.
  kit.startTelemetry({ processName: 'accord-network' });
  let network: RunningNetwork;
  try {
    network = await net.startNetwork({
      dataDir,
      basePort: options.basePort,
      host: options.host,
      logLevel: options.logLevel,
      logDestination: kit.logFileDestination(logFile),
      report: (message) => io.err(`accord up: ${message}`),
      ...(options.departments ? { departments: options.departments } : {}),
      ...(options.channel ? { channel: options.channel } : {}),
      ...(cluster ? { cluster } : {}),
    });
  } catch (error) {
    await kit.shutdownTelemetry().catch(() => undefined);
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    io.err(`(the services' logs are in ${logFile})`);
    const code = (error as { code?: unknown }).code;
    return code === 'network_config_invalid' || code === 'network_port_in_use' ? EXIT_BAD_INPUT : EXIT_INTERNAL;
  }

  for (const line of banner(network, logFile)) io.out(line);
  const ticker = networkStatusTicker(network, (line) => io.err(line));
  const report = (message: string) => io.err(`accord up: ${message}`);
  await kit.waitForShutdownSignal(report);
  ticker.stop();
  kit.exitIfStillRunning(1, STOP_TIMEOUT_MS, report);
  try {
    await network.close();
    await kit.shutdownTelemetry();
  } catch (error) {
    io.err(`error: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_INTERNAL;
  }
  report('stopped');
  return 0;
}

function banner(network: RunningNetwork, logFile: string): string[] {
  const width = Math.max(...network.departments.map((d) => d.id.length)) + 2;
  return [
    `Accord network is running (${network.mode} mode) on channel "${network.channel}"${network.channelCreated ? ' (created now)' : ''}`,
    `  ${'console'.padEnd(width)}${network.consoleUrl}`,
    ...network.departments.map(
      (d) =>
        `  ${d.id.padEnd(width)}ledger ${d.urls.ledger}  contracts ${d.urls.contracts}  catalog ${d.urls.catalog}  gateway ${d.urls['storage-gateway']}${d.founder ? '' : '  (not a founder)'}`,
    ),
    `Data:    ${network.dataDir} (network.json describes the network)`,
    `Tokens:  <data>/<department>/secrets/dev-api-token (every role; create narrower ones with \`accord token create\`)`,
    `Logs:    ${logFile} (JSON lines)`,
    `Try:     accord --dept ${network.departments[0].id} status   ·   accord demo`,
    'Stop with Ctrl-C.',
  ];
}

function clusterInfra(options: UpOptions): ClusterInfra | undefined {
  const given = [options.kafka, options.postgres, options.minio].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (given !== 3) {
    throw new Error(
      'cluster mode needs all of --kafka, --postgres and --minio (or none of them for the embedded default)',
    );
  }
  const accessKey = process.env.ACCORD_NETWORK_MINIO_ACCESS_KEY;
  const secretKey = process.env.ACCORD_NETWORK_MINIO_SECRET_KEY;
  if (!accessKey || !secretKey) {
    throw new Error(
      'cluster mode needs ACCORD_NETWORK_MINIO_ACCESS_KEY and ACCORD_NETWORK_MINIO_SECRET_KEY in the environment',
    );
  }
  return {
    kafkaBrokers: options.kafka as string,
    postgresUrl: options.postgres as string,
    minio: { endpoint: options.minio as string, accessKey, secretKey },
  };
}

function departmentList(value: string): string[] {
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => id === '')) throw new InvalidArgumentError('expected comma-separated department ids.');
  return ids;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65000) {
    throw new InvalidArgumentError('must be a port number between 1 and 65000');
  }
  return n;
}
