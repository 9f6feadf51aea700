import { mkdir, writeFile } from 'node:fs/promises';
import { createEventBus } from '@accord/event-bus';
import { ed25519Signer, signTx } from '@accord/protocol';
import {
  departmentLayout,
  embeddedBusDir,
  hashApiToken,
  ROLES,
  startDepartment,
  type RunningDepartment,
  type Role,
  type ServiceDefinition,
} from '@accord/service-kit';
import type { ConsoleDepartment, ServiceName } from '../server/console.config';

export interface TestDepartment extends ConsoleDepartment {
  /** A token with every role. */
  readonly token: string;
  /** A token with the provider role only (what a limited operator sees). */
  readonly providerToken: string;
}

export interface ConsoleTestNetwork {
  readonly channel: string;
  readonly departments: readonly TestDepartment[];
  close(): Promise<void>;
}

/**
 * A department's services as package and export, loaded by name as the
 * CLI's `accord up` does (tools/cli up.command.ts): a tool does not import
 * the service packages statically.
 */
const SERVICE_PACKAGES = [
  ['@accord/ledger-service', 'ledgerService'],
  ['@accord/contracts-service', 'contractsService'],
  ['@accord/catalog-service', 'catalogService'],
  ['@accord/storage-gateway-service', 'storageGatewayService'],
] as const;

// Each service has its own config type; the launcher only builds env for them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function loadServices(): Promise<ServiceDefinition<any>[]> {
  return Promise.all(
    SERVICE_PACKAGES.map(async ([name, exported]) => {
      const module = (await import(name)) as Record<string, unknown>;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return module[exported] as ServiceDefinition<any>;
    }),
  );
}

/**
 * Departments each running their four services in this process over one
 * embedded log, and an alliance channel of all of them created by a signed
 * genesis through the first department's ledger. It stands in for the
 * CLI's network launcher (startNetwork) in the console's end-to-end spec;
 * besides the all-roles token each department gets a provider-only token.
 */
export async function startConsoleTestNetwork(
  dataDir: string,
  ids: readonly string[],
  channel = 'alliance',
): Promise<ConsoleTestNetwork> {
  const services = await loadServices();
  const bus = await createEventBus({ kind: 'embedded', dataDir: embeddedBusDir(dataDir) });
  const running: RunningDepartment[] = [];
  const departments: TestDepartment[] = [];
  const close = async (): Promise<void> => {
    for (const department of [...running].reverse()) await department.close();
    await bus.close();
  };
  try {
    for (const id of ids) {
      const tokens = await writeTokens(dataDir, id);
      const department = await startDepartment({
        department: id,
        dataDir,
        services: services.map((definition) => ({ definition, port: 0 })),
        bus,
        busSpec: `embedded:${embeddedBusDir(dataDir)}`,
        logLevel: 'warn',
      });
      running.push(department);
      const url = (name: ServiceName): string => department.services.find((s) => s.name === name)!.url;
      departments.push({
        id,
        urls: {
          ledger: url('ledger'),
          contracts: url('contracts'),
          catalog: url('catalog'),
          'storage-gateway': url('storage-gateway'),
        },
        ...tokens,
      });
    }
    await createAllianceChannel(running, departments, channel);
    return { channel, departments, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The department's token store, written before it starts (the launcher keeps an existing one). */
async function writeTokens(dataDir: string, id: string): Promise<{ token: string; providerToken: string }> {
  const layout = departmentLayout(dataDir, id);
  const token = `acd_all_${id}_${Math.random().toString(36).slice(2)}`;
  const providerToken = `acd_provider_${id}_${Math.random().toString(36).slice(2)}`;
  const entries = [entry('dev', token, [...ROLES]), entry('provider-only', providerToken, ['provider'])];
  await mkdir(`${layout.root}/secrets`, { recursive: true });
  await writeFile(layout.apiTokensFile, JSON.stringify(entries), { mode: 0o600 });
  await writeFile(layout.devTokenFile, `${token}\n`, { mode: 0o600 });
  return { token, providerToken };
}

function entry(name: string, token: string, roles: Role[]): { name: string; sha256: string; roles: Role[] } {
  return { name, sha256: hashApiToken(token), roles };
}

/** Signs the genesis with the first department's key, submits it and waits until every department follows it. */
async function createAllianceChannel(
  running: readonly RunningDepartment[],
  departments: readonly TestDepartment[],
  channel: string,
): Promise<void> {
  const founder = running[0];
  const keys = running.map((d) => d.keys);
  const genesis = signTx(
    {
      v: 1,
      channel,
      type: 'channel.genesis',
      from: founder.department,
      nonce: 0,
      ts: Date.now(),
      payload: {
        kind: 'alliance',
        members: keys.map((k) => ({ id: k.department, ed25519: k.ed25519.publicKey, x25519: k.x25519.publicKey })),
        policy: { batchTimeoutMs: 20 },
      },
    },
    ed25519Signer(founder.keys.ed25519.privateKey),
  );
  await expectStatus(post(departments[0], 'ledger', '/v1/channels', genesis), 202, `creating ${channel}`);
  for (const department of departments.slice(1)) {
    await expectStatus(
      post(department, 'ledger', `/v1/channels/${channel}/follow`, {}),
      [200, 202],
      `following ${channel}`,
    );
  }
  for (const department of departments) {
    await waitUntil(`${department.id}'s contracts to apply ${channel}`, async () => {
      const response = await get(department, 'contracts', `/v1/channels/${channel}`);
      return response.status === 200;
    });
    await waitUntil(`${department.id}'s catalog to know ${channel}`, async () => {
      const response = await get(department, 'catalog', `/v1/datasets?channel=${channel}`);
      return response.status === 200;
    });
  }
}

export function get(department: TestDepartment, service: ServiceName, path: string): Promise<Response> {
  return fetch(`${department.urls[service]}${path}`, { headers: { authorization: `Bearer ${department.token}` } });
}

export function post(department: TestDepartment, service: ServiceName, path: string, body: unknown): Promise<Response> {
  return fetch(`${department.urls[service]}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${department.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function expectStatus(pending: Promise<Response>, status: number | number[], what: string): Promise<unknown> {
  const response = await pending;
  const body = (await response.json()) as unknown;
  if (![status].flat().includes(response.status)) {
    throw new Error(`${what}: ${response.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/** Polls `check` every 100 ms until it is true (30 s at most). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
