import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { AccordError, writeFileAtomic } from '@accord/service-kit';
import { z } from 'zod';
import { networkControlTokenFile, readNetworkFile } from './network-file';
import type { RunningNetwork } from './network.launcher';

/** The local network's control API (docs/network.md): loopback only, its own token. */
export const NETWORK_CONTROL_PATH = '/v1/network';

const addDepartmentBody = z.strictObject({ id: z.string() });
const MAX_BODY_BYTES = 4096;

export async function ensureNetworkControlToken(dataDir: string): Promise<string> {
  const file = networkControlTokenFile(dataDir);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = `acn_${randomBytes(32).toString('base64url')}`;
  await writeFileAtomic(file, `${token}\n`, 0o600);
  return token;
}

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /v1/network` (network.json) and `POST /v1/network/departments`
 * `{id}` (start one more department in this process, e.g. an applicant for
 * the demo) to callers presenting the control token. Errors are JSON
 * `{error, message}` like the services'.
 */
export async function startControlServer(
  network: Pick<RunningNetwork, 'dataDir' | 'addDepartment'>,
  token: string,
  host: string,
  port: number,
): Promise<ControlServer> {
  const expected = createHash('sha256').update(token).digest();
  const authorized = (req: IncomingMessage): boolean => {
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
  };
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (error instanceof AccordError) return reply(res, 409, { error: error.code, message: error.message });
      reply(res, 500, { error: 'internal', message: error instanceof Error ? error.message : String(error) });
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://control').pathname;
    if (!authorized(req)) {
      return reply(res, 401, {
        error: 'unauthenticated',
        message: `present the token of ${networkControlTokenFile(network.dataDir)} as "Authorization: Bearer <token>"`,
      });
    }
    if (req.method === 'GET' && path === NETWORK_CONTROL_PATH) {
      return reply(res, 200, readNetworkFile(network.dataDir));
    }
    if (req.method === 'POST' && path === `${NETWORK_CONTROL_PATH}/departments`) {
      const body = addDepartmentBody.safeParse(await readJsonBody(req));
      if (!body.success) {
        return reply(res, 400, { error: 'bad_request', message: 'expected a JSON body {"id": "<department id>"}' });
      }
      const department = await network.addDepartment(body.data.id);
      return reply(res, 201, { id: department.id, urls: department.urls, tokenFile: department.tokenFile });
    }
    reply(res, 404, { error: 'not_found', message: `no route ${req.method} ${path}` });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
