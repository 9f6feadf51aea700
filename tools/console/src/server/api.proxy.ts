import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import { SERVICE_NAMES, type ConsoleDepartment, type ServiceName } from './console.config';

/** Request headers passed to the service; everything else (cookies, forwarded-for, ...) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'authorization',
  'accept',
  'content-type',
  'content-length',
  'traceparent',
  'tracestate',
] as const;

/** Hop-by-hop headers (RFC 9110 §7.6.1): never copied from the service's answer. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

/** A proxied call: `/api/<department>/<service>/<rest>` → `<service url>/<rest>`. */
export interface ProxyTarget {
  readonly department: string;
  readonly service: ServiceName;
  readonly url: URL;
}

export type ProxyRoute = { kind: 'target'; target: ProxyTarget } | { kind: 'unknown'; message: string };

/** Resolves `/api/<dept>/<service>/<rest>?<query>`; undefined when the path is not under /api/. */
export function routeApiPath(
  path: string,
  departments: ReadonlyMap<string, ConsoleDepartment>,
): ProxyRoute | undefined {
  const match = /^\/api\/([^/?]+)\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(path);
  if (match === null) return path.startsWith('/api/') || path === '/api' ? unknown(path) : undefined;
  const [, departmentId, service, rest = '/', query = ''] = match;
  const department = departments.get(departmentId);
  if (department === undefined)
    return { kind: 'unknown', message: `no department "${departmentId}" behind this console` };
  if (!(SERVICE_NAMES as readonly string[]).includes(service)) {
    return { kind: 'unknown', message: `no service "${service}" (one of ${SERVICE_NAMES.join(', ')})` };
  }
  const name = service as ServiceName;
  // Dot segments would escape the service's path; URL() would resolve them away silently.
  if (rest.split('/').some((segment) => segment === '..' || segment === '.')) return unknown(path);
  return {
    kind: 'target',
    target: { department: departmentId, service: name, url: new URL(`${department.urls[name]}${rest}${query}`) },
  };
}

function unknown(path: string): ProxyRoute {
  return { kind: 'unknown', message: `${path} is not /api/<department>/<service>/<path>` };
}

/**
 * Streams the browser's request to the service and the service's answer
 * back, status, headers and body as they are. Only the headers above go
 * upstream (the bearer token among them: the console stores nothing). An
 * unreachable service is 502 `upstream_unreachable`.
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, target: ProxyTarget, log: Logger): void {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target.url, { method: req.method, headers }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, out);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', (error) => {
    log.warn({ department: target.department, upstream: target.service, err: error.message }, 'upstream unreachable');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, 502, {
      error: 'upstream_unreachable',
      message: `the ${target.service} service of ${target.department} (${target.url.origin}) is unreachable: ${error.message}`,
    });
  });
  // The browser went away: stop the upstream call too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
