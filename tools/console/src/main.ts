#!/usr/bin/env node
import { ConfigError, createPinoLogger, EXIT_CONFIG, exitOnShutdownSignal } from '@accord/service-kit';
import { loadConsoleConfig } from './server/console.config';
import { startConsoleServer } from './server/console.server';

/**
 * The console on its own (one per department in a deployment): config from
 * ACCORD_CONSOLE_DEPARTMENTS, ACCORD_HTTP_HOST, ACCORD_HTTP_PORT and
 * ACCORD_LOG_LEVEL; JSON logs on stdout; stops gracefully on SIGTERM/SIGINT.
 * Invalid configuration exits 78 naming every bad variable.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConsoleConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const department = config.departments.length === 1 ? config.departments[0].id : 'network';
  const logger = createPinoLogger({ service: 'console', department, level: config.logLevel });
  const running = await startConsoleServer({
    host: config.host,
    port: config.port,
    departments: config.departments,
    logger,
  });
  exitOnShutdownSignal(running.close, { report: (message) => logger.info(message) });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `console failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
