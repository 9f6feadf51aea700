import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { requestLoggingMiddleware } from './http-observability.middleware';

/** A pino logger at `level` writing its lines into an array. */
function recordingLogger(level: string): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

/** Runs a request with this status through the middleware; resolves once it finished. */
function serve(middleware: NonNullable<ReturnType<typeof requestLoggingMiddleware>>, url: string, status: number) {
  const req = Object.assign(new EventEmitter(), {
    method: 'POST',
    url,
    headers: {},
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), {
    statusCode: status,
    writableFinished: true,
    getHeader: () => undefined,
    setHeader: () => undefined,
  }) as unknown as ServerResponse;
  let called = false;
  middleware(req, res, () => (called = true));
  expect(called).toBe(true);
  res.emit('finish');
}

describe('requestLoggingMiddleware', () => {
  it('is no middleware at all when neither info nor failures are logged', () => {
    expect(requestLoggingMiddleware(recordingLogger('fatal').logger)).toBeUndefined();
    expect(requestLoggingMiddleware(recordingLogger('silent').logger)).toBeUndefined();
  });

  it('at warn logs only failed requests, 4xx at warn and 5xx at error, with method, url and status', () => {
    const { logger, lines } = recordingLogger('warn');
    const middleware = requestLoggingMiddleware(logger);
    expect(middleware).toBeDefined();
    for (const [url, status] of [
      ['/v1/ok', 202],
      ['/v1/bad', 400],
      ['/v1/down', 503],
      ['/health/ready', 503],
    ] as const)
      serve(middleware!, url, status);
    expect(
      lines.map((l) => [l.level, (l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode]),
    ).toEqual([
      [40, '/v1/bad', 400],
      [50, '/v1/down', 503],
    ]);
  });

  it('at error logs only the 5xx answers', () => {
    const { logger, lines } = recordingLogger('error');
    const middleware = requestLoggingMiddleware(logger);
    serve(middleware!, '/v1/bad', 404);
    serve(middleware!, '/v1/down', 500);
    expect(lines.map((l) => l.msg)).toEqual(['request errored']);
  });

  it('at info logs every request but the probes', () => {
    const { logger, lines } = recordingLogger('info');
    const middleware = requestLoggingMiddleware(logger);
    serve(middleware!, '/v1/ok', 202);
    serve(middleware!, '/metrics', 200);
    expect(lines.map((l) => (l.req as { url: string }).url)).toEqual(['/v1/ok']);
  });
});
