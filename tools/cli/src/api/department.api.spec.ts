import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, ServiceUnreachableError } from './api.errors';
import { DepartmentApi } from './department.api';
import type { ResolvedProfile } from './department.profile';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A real HTTP server on a free port standing in for a service: the client's mapping is about HTTP, not the service. */
async function serve(handler: Handler): Promise<{ port: number; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handler(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** Every service of the profile at the one test server. */
function profileAt(port: number, token?: string): ResolvedProfile {
  const url = `http://127.0.0.1:${port}`;
  return {
    name: 'health',
    department: 'health',
    urls: { ledger: url, contracts: url, catalog: url, 'storage-gateway': url },
    token,
    tokenSource: token === undefined ? 'none' : '--token',
    origin: { kind: 'network', path: '/data/network.json', dataDir: '/data', channel: 'alliance' },
  };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

describe('DepartmentApi', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    server = undefined;
  });

  async function apiWith(handler: Handler, token?: string): Promise<DepartmentApi> {
    const started = await serve(handler);
    server = started.server;
    return new DepartmentApi(profileAt(started.port, token));
  }

  it('sends the bearer token, the JSON body and the query, and parses the JSON answer', async () => {
    const seen: { method?: string; url?: string; auth?: string; type?: string; body?: string }[] = [];
    const api = await apiWith((request, body, response) => {
      seen.push({
        method: request.method,
        url: request.url,
        auth: request.headers.authorization,
        type: request.headers['content-type'],
        body,
      });
      json(response, 202, { txId: 'abc' });
    }, 'secret');
    const answer = await api.request('ledger', 'POST', '/v1/channels/roads/join', {
      body: { approve: true },
      query: { waitMs: 10, skipped: undefined, theme: ['TRAN', 'HEAL'] },
    });
    expect(answer).toEqual({ txId: 'abc' });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/v1/channels/roads/join?waitMs=10&theme=TRAN&theme=HEAL',
        auth: 'Bearer secret',
        type: 'application/json',
        body: '{"approve":true}',
      },
    ]);
  });

  it("turns a service error body into an ApiError with the service's code, details and trace id", async () => {
    const api = await apiWith((_request, _body, response) =>
      json(response, 409, {
        error: 'already_member',
        message: 'health is already a member of roads',
        details: { channel: 'roads' },
        traceId: 't-1',
      }),
    );
    const error = await api.request('ledger', 'POST', '/v1/channels/roads/join', { body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'already_member',
      message: 'health is already a member of roads',
      details: { channel: 'roads' },
      traceId: 't-1',
      service: 'ledger',
      url: expect.stringMatching(/\/v1\/channels\/roads\/join$/),
      profile: { name: 'health' },
    });
  });

  it('keeps a non-service error body readable: http_<status>, the text, a JSON body as details', async () => {
    const api = await apiWith((request, _body, response) => {
      if (request.url === '/health/ready')
        return json(response, 503, { status: 'error', error: { database: { status: 'down' } } });
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('Bad gateway from the proxy');
    });
    await expect(api.request('catalog', 'GET', '/v1/datasets')).rejects.toMatchObject({
      status: 502,
      code: 'http_502',
      message: 'HTTP 502 Bad Gateway: Bad gateway from the proxy',
    });
    await expect(api.request('catalog', 'GET', '/health/ready')).rejects.toMatchObject({
      status: 503,
      code: 'http_503',
      details: { status: 'error', error: { database: { status: 'down' } } },
    });
  });

  it('answers undefined for an empty body and refuses a 2xx body that is not JSON', async () => {
    const api = await apiWith((request, _body, response) => {
      response.writeHead(200);
      response.end(request.url === '/empty' ? '' : '<html>');
    });
    await expect(api.request('ledger', 'GET', '/empty')).resolves.toBeUndefined();
    await expect(api.request('ledger', 'GET', '/html')).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('reports a refused connection as ServiceUnreachableError naming the service and URL', async () => {
    const started = await serve(() => undefined);
    const port = started.port;
    await new Promise((resolve) => started.server.close(resolve));
    const api = new DepartmentApi(profileAt(port));
    const error = await api.request('contracts', 'GET', '/v1/channels').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnreachableError);
    expect((error as ServiceUnreachableError).message).toBe(
      `cannot reach the contracts service of health at http://127.0.0.1:${port}/v1/channels: ${(error as ServiceUnreachableError).reason}`,
    );
    expect((error as ServiceUnreachableError).reason).toContain('ECONNREFUSED');
  });

  it('gives up on a service that does not answer within the timeout', async () => {
    const api = await apiWith(() => undefined);
    await expect(api.request('ledger', 'GET', '/slow', { timeoutMs: 100 })).rejects.toMatchObject({
      name: 'ServiceUnreachableError',
      reason: 'no answer within 100 ms',
    });
  });
});
