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
 * One process-wide handler for SIGTERM/SIGINT: runs `stop` once, then exits
 * 0 (1 if it failed or timed out); a second signal exits at once. Nest's
 * enableShutdownHooks is not used: it re-raises the signal (exit 143) and
 * installs one listener per app, while a process here may hold several.
 */
export function exitOnShutdownSignal(stop: () => Promise<void>, options: SignalHandlingOptions = {}): () => void {
  const report = options.report ?? ((message: string) => process.stderr.write(`${message}\n`));
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      report(`${signal} again: exiting immediately`);
      process.exit(130);
    }
    stopping = true;
    report(`${signal} received: shutting down gracefully`);
    const timer = setTimeout(() => {
      report('graceful shutdown timed out');
      process.exit(1);
    }, options.timeoutMs ?? 30_000);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        report(`shutdown failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

/**
 * Entry of a service's main.ts. `openapi [file]` writes the OpenAPI document
 * (stdout without a file) and exits; otherwise the service runs until
 * SIGTERM/SIGINT. Invalid configuration exits 78 listing every bad variable.
 */
export async function runServiceMain<C extends CommonConfig>(definition: ServiceDefinition<C>, args: readonly string[]): Promise<void> {
  if (args[0] === 'openapi') {
    const json = `${JSON.stringify(await buildOpenApiDocument(definition), null, 2)}\n`;
    if (args[1]) await writeFile(args[1], json);
    else process.stdout.write(json);
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
