import type { Logger } from 'pino';
import type { ConsoleHandle } from './network.launcher';
import type { ServiceUrls } from './network-file';

interface ConsolePackage {
  startConsoleServer(options: {
    host: string;
    port: number;
    departments: readonly { id: string; urls: ServiceUrls }[];
    logger?: Logger;
  }): Promise<ConsoleHandle>;
}

/**
 * Serves the operator console (tools/console, docs/console.md) for the
 * network's departments. Loaded by name at run time, like the services, so
 * the CLI does not compile against the console's package.
 */
export async function startNetworkConsole(
  departments: readonly { id: string; urls: ServiceUrls }[],
  port: number,
  host: string,
  logger?: Logger,
): Promise<ConsoleHandle> {
  const name: string = '@accord/console';
  const consolePackage = (await import(name)) as ConsolePackage;
  return consolePackage.startConsoleServer({
    host,
    port,
    departments: departments.map(({ id, urls }) => ({ id, urls })),
    ...(logger ? { logger } : {}),
  });
}
