import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from '@accord/event-bus/testing';
import {
  startDepartment,
  startDepartmentService,
  type DepartmentOptions,
  type DepartmentUnderTest,
} from '@accord/contracts-service/testing';
import type { Env, ServiceUnderTest } from '@accord/service-kit';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { storageGatewayService } from '../storage-gateway.definition';

export interface GatewayDepartment extends DepartmentUnderTest {
  readonly gateway: ServiceUnderTest<StorageGatewayConfig>;
  readonly keysFile: string;
}

/** A free TCP port on 127.0.0.1 (gateways must know each other's URLs before they start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface GatewayDepartmentOptions extends DepartmentOptions {
  readonly gatewayEnv?: Env;
  /** The gateway's port (default: a free one). */
  readonly gatewayPort?: number;
  /** The other departments' gateway URLs. */
  readonly peers?: Readonly<Record<string, string>>;
}

/** One department's ledger, contracts service and storage gateway in this process, on one bus. */
export async function startGatewayDepartment(options: GatewayDepartmentOptions): Promise<GatewayDepartment> {
  const department = await startDepartment(options);
  const keysFile = department.contracts.service.context.config.keysFile;
  const gateway = await startGateway(department, keysFile, {
    ...options.env,
    ...(options.gatewayPort === undefined ? {} : { ACCORD_HTTP_PORT: String(options.gatewayPort) }),
    ...(options.peers === undefined
      ? {}
      : {
          ACCORD_GATEWAY_PEERS: Object.entries(options.peers)
            .map(([d, url]) => `${d}=${url}`)
            .join(','),
        }),
    ...options.gatewayEnv,
  });
  return {
    ...department,
    gateway,
    keysFile,
    close: async () => {
      await gateway.close();
      await department.close();
    },
  };
}

/** A storage gateway of the department on its bus, reading its ledger's API. */
export function startGateway(
  department: Pick<DepartmentUnderTest, 'member' | 'ledger' | 'bus'>,
  keysFile: string,
  env: Env = {},
): Promise<ServiceUnderTest<StorageGatewayConfig>> {
  return startDepartmentService(storageGatewayService, department, keysFile, env);
}

/** The gateway's database. */
export function gatewayDb(gateway: ServiceUnderTest<StorageGatewayConfig>): DataSource {
  return gateway.service.app.get(DataSource);
}

/** HTTP calls to a gateway with one of its test tokens. */
export function gatewayApi(
  gateway: ServiceUnderTest<StorageGatewayConfig>,
  role: 'provider' | 'user' | 'dataadmin' | 'operations' | 'sysadmin',
) {
  const token = gateway.tokens[role];
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => auth(request(gateway.url).get(path)),
    post: (path: string, body?: object) => auth(request(gateway.url).post(path)).send(body),
    delete: (path: string) => auth(request(gateway.url).delete(path)),
    head: (path: string) => auth(request(gateway.url).head(path)),
    patch: (path: string) => auth(request(gateway.url).patch(path)),
    options: (path: string) => auth(request(gateway.url).options(path)),
    token,
  };
}

/** Waits until the gateway projected the channel's configuration (it can then sign on it). */
export async function gatewayKnowsChannel(
  gateway: ServiceUnderTest<StorageGatewayConfig>,
  channel: string,
): Promise<void> {
  await waitFor(
    `${gateway.service.context.config.department}'s gateway to project channel ${channel}`,
    async () => {
      const rows: { config: string | null }[] = await gatewayDb(gateway).query(
        'SELECT config FROM gateway_channel WHERE channel = $1',
        [channel],
      );
      return rows[0]?.config ? true : undefined;
    },
    60_000,
  );
}

/** Waits for a grant row in the gateway (projected from the contracts' decisions) and returns its status. */
export async function grantSeenBy(
  gateway: ServiceUnderTest<StorageGatewayConfig>,
  grantId: string,
  status = 'active',
): Promise<void> {
  await waitFor(
    `grant ${grantId.slice(0, 12)} to be ${status} at ${gateway.service.context.config.department}'s gateway`,
    async () => {
      const rows: { status: string }[] = await gatewayDb(gateway).query(
        'SELECT status FROM gateway_grant WHERE grant_id = $1',
        [grantId],
      );
      return rows[0]?.status === status ? true : undefined;
    },
    60_000,
  );
}

/** A fresh key-encryption key file for a department's gateway in `dir` (ACCORD_GATEWAY_KEK_FILE of cluster mode). */
export async function writeGatewayKek(dir: string, department: string): Promise<string> {
  const file = join(dir, `${department}-kek.json`);
  await writeFile(file, JSON.stringify({ v: 1, keys: [{ id: 'k1', key: randomBytes(32).toString('hex') }] }), {
    mode: 0o600,
  });
  return file;
}
