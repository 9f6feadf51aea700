import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleServer, type RunningConsole } from './console.server';
import { loadConsoleConfig } from './console.config';
import { ConfigError } from '@accord/service-kit';

/** A stand-in service that echoes what reached it. */
async function echoService(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, {
        'content-type': 'application/json',
        'x-upstream': 'yes',
      });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('console server', () => {
  let webDir: string;
  let upstream: { url: string; server: Server };
  let running: RunningConsole;

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'console-web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><script defer src="app.js"></script>');
    await writeFile(join(webDir, 'app.js'), 'void 0;');
    upstream = await echoService();
    running = await startConsoleServer({
      host: '127.0.0.1',
      port: 0,
      webDir,
      departments: [
        {
          id: 'health',
          urls: {
            ledger: upstream.url,
            contracts: upstream.url,
            catalog: upstream.url,
            'storage-gateway': 'http://127.0.0.1:1',
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await running.close();
    await new Promise((resolve) => upstream.server.close(resolve));
    await rm(webDir, { recursive: true, force: true });
  });

  it('proxies to the service with the token and the body, and nothing else of the browser', async () => {
    const response = await fetch(`${running.url}/api/health/catalog/v1/requests?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer t0k', 'content-type': 'application/json', cookie: 'secret=1' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('yes');
    const echoed = (await response.json()) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed).toMatchObject({ method: 'POST', url: '/v1/requests?x=1', body: '{"a":1}' });
    expect(echoed.headers.authorization).toBe('Bearer t0k');
    expect(echoed.headers.cookie).toBeUndefined();
  });

  it('returns upstream errors as they are and 502 when the service is unreachable', async () => {
    const missing = await fetch(`${running.url}/api/health/ledger/missing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { url: string }).url).toBe('/missing');
    const down = await fetch(`${running.url}/api/health/storage-gateway/v1/scrubber`);
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({
      error: 'upstream_unreachable',
      message: expect.stringContaining('the storage-gateway service of health (http://127.0.0.1:1) is unreachable'),
    });
  });

  it('refuses unknown departments, services and dot segments', async () => {
    for (const path of [
      '/api/nope/ledger/v1/info',
      '/api/health/vault/v1/info',
      '/api/health/ledger/../secrets',
      '/api/health',
    ]) {
      const response = await fetch(`${running.url}${path}`);
      expect(response.status).toBe(404);
    }
  });

  it('serves the page with its security headers, the department list and health', async () => {
    const page = await fetch(running.url);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await (await fetch(`${running.url}/config.json`)).json()).toEqual({ departments: [{ id: 'health' }] });
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${running.url}/nothing.js`)).status).toBe(404);
  });
});

describe('console configuration', () => {
  const urls = {
    ledger: 'http://a:1',
    contracts: 'http://a:2',
    catalog: 'http://a:3',
    'storage-gateway': 'http://a:4/',
  };

  it('reads the departments, host and port from the environment', () => {
    expect(
      loadConsoleConfig({
        ACCORD_CONSOLE_DEPARTMENTS: JSON.stringify([{ id: 'health', urls }]),
        ACCORD_HTTP_PORT: '7200',
      }),
    ).toEqual({
      departments: [{ id: 'health', urls: { ...urls, 'storage-gateway': 'http://a:4' } }],
      host: '127.0.0.1',
      port: 7200,
      logLevel: 'info',
    });
  });

  it('names every bad variable', () => {
    const error = (() => {
      try {
        loadConsoleConfig({ ACCORD_CONSOLE_DEPARTMENTS: '[{"id": "Bad"}]', ACCORD_HTTP_PORT: 'x' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(new Set((error as ConfigError).problems.map((p) => p.variable))).toEqual(
      new Set(['ACCORD_CONSOLE_DEPARTMENTS', 'ACCORD_HTTP_PORT']),
    );
  });
});
