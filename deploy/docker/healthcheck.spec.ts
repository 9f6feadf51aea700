// deploy/docker/healthcheck.mjs as the images' HEALTHCHECK runs it: a node
// process against a real HTTP server on 127.0.0.1:$ACCORD_HTTP_PORT.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const SCRIPT = join(__dirname, 'healthcheck.mjs');

interface Outcome {
  readonly code: number;
  readonly stderr: string;
}

function runHealthcheck(env: Record<string, string>, args: string[] = []): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [SCRIPT, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (error, _out, stderr) => {
        resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stderr });
      },
    );
  });
}

/** Answers like a service: 200 on /health/live, 503 on /health/ready (still catching up), 404 elsewhere. */
function startService(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const status = req.url === '/health/live' ? 200 : req.url === '/health/ready' ? 503 : 404;
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  return new Promise((resolvePromise) => {
    server.listen(0, '127.0.0.1', () => resolvePromise({ server, port: (server.address() as AddressInfo).port }));
  });
}

describe('deploy/docker/healthcheck.mjs', () => {
  let service: { server: Server; port: number };
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await new Promise((done) => service.server.close(done));
  });

  it('exits 0 when GET /health/live answers 2xx', async () => {
    await expect(runHealthcheck({ ACCORD_HTTP_PORT: String(service.port) })).resolves.toEqual({ code: 0, stderr: '' });
  });

  it('exits 1 naming the status when the path answers otherwise', async () => {
    const outcome = await runHealthcheck({ ACCORD_HTTP_PORT: String(service.port) }, ['/health/ready']);
    expect(outcome).toEqual({ code: 1, stderr: 'health check failed: GET /health/ready answered 503\n' });
  });

  it('exits 1 when nothing listens on the port', async () => {
    const closed = await startService();
    await new Promise((done) => closed.server.close(done));
    const outcome = await runHealthcheck({ ACCORD_HTTP_PORT: String(closed.port) });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('ECONNREFUSED');
  });

  it('exits 1 naming ACCORD_HTTP_PORT when it is not a port', async () => {
    const outcome = await runHealthcheck({ ACCORD_HTTP_PORT: 'http' });
    expect(outcome).toEqual({
      code: 1,
      stderr: 'health check failed: ACCORD_HTTP_PORT must be a port number, got "http"\n',
    });
  });
});
