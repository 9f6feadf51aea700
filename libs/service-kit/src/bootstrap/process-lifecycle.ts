import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../config/config.errors';
import { shutdownTelemetry } from '../telemetry/telemetry';
import { bootstrapService } from './bootstrap-service';
import { buildOpenApiDocument } from './openapi-dump';
import type { ServiceDefinition } from './service-definition';
import type { CommonConfig } from '../config/common.config';

/** Exit status for invalid configuration (sysexits EX_CONFIG), so supervisors can tell it from a crash. */
export const EXIT_CONFIG = 78;

export interface SignalHandlingOptions {
  /** Give up and exit 1 if graceful stop takes longer (default 30 s). */
  readonly timeoutMs?: number;
  readonly report?: (message: string) => void;
}

/**
 * Resolves on the first SIGTERM/SIGINT, after which the caller stops
 * gracefully; a second signal exits at once (130). Handlers are
 * process-wide: Nest's enableShutdownHooks is not used because it re-raises
 * the signal (exit status 143) and installs listeners per app, while a
 * process here may hold several apps.
 */
export function waitForShutdownSignal(report: (message: string) => void = stderrLine): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined;
    const handler = (signal: NodeJS.Signals): void => {
      if (received) {
        report(`${signal} again: exiting immediately`);
        process.exit(130);
      }
      received = signal;
      report(`${signal} received: shutting down gracefully`);
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}

/**
 * Arms a timer that ends the process with `code` if it is still alive
 * `afterMs` later (unref'd: it never keeps the process alive itself). Guards
 * against a stuck shutdown step or a handle some library forgot to close.
 */
export function exitIfStillRunning(
  code: number,
  afterMs: number,
  report: (message: string) => void = stderrLine,
): void {
  setTimeout(() => {
    report(`process still running ${afterMs} ms after shutdown began: exiting with ${code}`);
    process.exit(code);
  }, afterMs).unref();
}

/** Runs `stop` on the first SIGTERM/SIGINT, then exits 0 (1 if it failed or took longer than `timeoutMs`). */
export function exitOnShutdownSignal(stop: () => Promise<void>, options: SignalHandlingOptions = {}): void {
  const report = options.report ?? stderrLine;
  void waitForShutdownSignal(report).then(async () => {
    exitIfStillRunning(1, options.timeoutMs ?? 30_000, report);
    try {
      await stop();
      process.exit(0);
    } catch (error) {
      report(`shutdown failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    }
  });
}

function stderrLine(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Entry of a service's main.ts. `openapi [file]` writes the OpenAPI document
 * (stdout without a file) and exits; otherwise the service runs until
 * SIGTERM/SIGINT. Invalid configuration exits 78 listing every bad variable.
 */
export async function runServiceMain<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  args: readonly string[],
): Promise<void> {
  if (args[0] === 'openapi') {
    const json = `${JSON.stringify(await buildOpenApiDocument(definition), null, 2)}\n`;
    if (args[1]) await writeFile(args[1], json);
    // Exit only once stdout has flushed: a pipe would otherwise get a truncated document.
    else
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(json, (error) => (error ? reject(error) : resolve())),
      );
    process.exit(0);
  }
  if (args.length > 0) {
    process.stderr.write(`usage: main.js [openapi [file]]\n`);
    process.exit(64);
  }
  try {
    const service = await bootstrapService(definition);
    process.on('unhandledRejection', (reason) => {
      service.log.pino.fatal({ err: reason }, 'unhandled promise rejection');
      process.exit(1);
    });
    exitOnShutdownSignal(
      async () => {
        await service.close();
        await shutdownTelemetry();
      },
      { report: (message) => service.log.pino.info(message) },
    );
  } catch (error) {
    process.stderr.write(`${definition.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    await shutdownTelemetry().catch(() => undefined);
    process.exit(error instanceof ConfigError ? EXIT_CONFIG : 1);
  }
}
