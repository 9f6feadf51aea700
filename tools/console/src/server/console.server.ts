import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { WEB_DIST } from '../build/web-dist';
import { proxyRequest, routeApiPath, sendJson } from './api.proxy';
import type { ConsoleDepartment } from './console.config';
import { SECURITY_HEADERS, StaticFiles } from './static-files';

export interface ConsoleServerOptions {
  readonly host: string;
  /** 0 picks a free port (see the answer's `url`). */
  readonly port: number;
  readonly departments: readonly ConsoleDepartment[];
  /** Structured logger (pino); default: silent. */
  readonly logger?: Logger;
  /** The built front end; default: this package's dist/web. */
  readonly webDir?: string;
}

export interface RunningConsole {
  readonly url: string;
  close(): Promise<void>;
}

/** Departments as the browser sees them: ids and which services they have (never their URLs). */
interface DepartmentListing {
  readonly departments: readonly { readonly id: string }[];
}

/**
 * Starts the operator console: the built front end, `GET /config.json`
 * (the departments to pick from), `/api/<dept>/<service>/...` proxied to
 * that department's service, and `/health/live`, `/health/ready`.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsole> {
  const log = options.logger ?? pino({ level: 'silent' });
  const departments = new Map(options.departments.map((d) => [d.id, d]));
  const files = new StaticFiles(options.webDir ?? WEB_DIST);
  const listing: DepartmentListing = { departments: options.departments.map((d) => ({ id: d.id })) };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, url: req.url }, 'console request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', message: 'the console failed to answer' });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const route = routeApiPath(path, departments);
    if (route?.kind === 'target') return proxyRequest(req, res, route.target, log);
    if (route?.kind === 'unknown') return sendJson(res, 404, { error: 'not_found', message: route.message });
    const pathname = path.split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, {
        error: 'method_not_allowed',
        message: `${req.method} ${pathname} is not served here`,
      });
    }
    if (pathname === '/health/live') return sendJson(res, 200, { status: 'ok' });
    if (pathname === '/health/ready') {
      const built = await files.present();
      return sendJson(
        res,
        built ? 200 : 503,
        built
          ? { status: 'ok' }
          : { status: 'error', reason: 'the front end is not built (npm run build -w @accord/console)' },
      );
    }
    if (pathname === '/config.json') {
      res.setHeader('cache-control', 'no-store');
      return sendJson(res, 200, listing);
    }
    if (await files.serve(pathname, res, req.method === 'HEAD')) return;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    sendJson(res, 404, { error: 'not_found', message: `${pathname} is not served here (pages are under /#/)` });
  }

  const url = await listen(server, options.host, options.port);
  log.info({ url, departments: [...departments.keys()] }, 'console started');
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would hold close() open; in-flight answers finish first.
        server.closeIdleConnections();
      }).then(() => log.info('console stopped'))),
  };
}

function listen(server: Server, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}
