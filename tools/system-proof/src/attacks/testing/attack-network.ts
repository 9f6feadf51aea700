import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startTestNetwork, type TestNetwork } from '@accord/cli/testing';
import { departmentLayout, loadDepartmentSigner, type DepartmentSigner } from '@accord/service-kit';
import { clusterTestSettings } from '@accord/service-kit/testing';
import type { ServiceName, SystemDepartment } from '../../system-department';

/** How long the attack specs wait for an asynchronous outcome (generous: the machine is shared). */
export const ATTACK_WAIT_MS = 90_000;

/** An answer of a service: the status and the parsed JSON body (undefined when empty or not JSON). */
export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

/**
 * A network to attack: three founding departments on the real Kafka,
 * PostgreSQL and MinIO (fresh ids, channel, topics, schemas per run), and
 * what the attacks need around it: its departments, their databases and
 * their key files.
 */
export interface AttackNetwork {
  readonly network: TestNetwork;
  readonly channel: string;
  readonly departments: readonly SystemDepartment[];
  /** The department's signing identity, read from its key file (what an insider with the file holds). */
  signer(department: SystemDepartment): Promise<DepartmentSigner>;
  /** Stops the network, removes its data directory and drops its PostgreSQL schemas. */
  destroy(): Promise<void>;
}

export const SERVICES: readonly ServiceName[] = ['ledger', 'contracts', 'catalog', 'storage-gateway'];

export async function startAttackNetwork(): Promise<AttackNetwork> {
  const network = await startTestNetwork({ cluster: true, logLevel: 'warn' });
  const departments = network.departments.map(({ id, token, urls }) => ({ id, token, urls }));
  return {
    network,
    channel: network.channel,
    departments,
    signer: (department) => {
      const keysFile = departmentLayout(network.dataDir, department.id).keysFile;
      return loadDepartmentSigner({
        department: department.id,
        dataDir: network.dataDir,
        keysFile,
        keysFileExplicit: true,
      });
    },
    destroy: async () => {
      await network.destroy();
      await dropSchemas(departments.flatMap((d) => SERVICES.map((s) => departmentSchema(d.id, s))));
    },
  };
}

/** The PostgreSQL schema of a department's service in a cluster network (tools/cli network-department.ts). */
export function departmentSchema(department: string, service: ServiceName): string {
  return `${department}_${service}`.replace(/-/g, '_').slice(0, 63);
}

/**
 * Runs `fn` with a connection whose search path is the department's service
 * schema: the attacker's direct access to that database, bypassing the service.
 */
export async function withServiceDatabase<T>(
  department: SystemDepartment,
  service: ServiceName,
  fn: (db: Client) => Promise<T>,
): Promise<T> {
  const db = new Client({ connectionString: clusterTestSettings().pgUrl });
  await db.connect();
  try {
    await db.query(`SET search_path TO "${departmentSchema(department.id, service)}"`);
    return await fn(db);
  } finally {
    await db.end();
  }
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const db = new Client({ connectionString: clusterTestSettings().pgUrl });
  await db.connect();
  try {
    for (const schema of schemas) await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.end();
  }
}

/** A JSON call on a department's service with its token; never throws on an error status. */
export async function call<T = Record<string, unknown>>(
  department: SystemDepartment,
  service: ServiceName,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const response = await fetch(`${department.urls[service]}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${department.token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed as T };
}

/** Like call, but the status must be one of `expected` (the body is shown otherwise). */
export async function expectCall<T = Record<string, unknown>>(
  expected: readonly number[],
  department: SystemDepartment,
  service: ServiceName,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const answer = await call<T>(department, service, method, path, body);
  if (!expected.includes(answer.status)) {
    throw new Error(
      `${method} ${service}${path} of ${department.id} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** A committed tx as the ledger reports it (GET /v1/txs/:txId). */
export interface CommittedTx {
  readonly txId: string;
  readonly status: 'committed';
  readonly channel: string;
  readonly height: number;
  readonly index: number;
  readonly code: string;
  readonly envelope: { readonly body: Record<string, unknown>; readonly sig: string };
}

/** Long-polls the department's ledger until `txId` (optionally exactly the envelope with `sig`) is committed. */
export async function committedTx(
  department: SystemDepartment,
  txId: string,
  options: { readonly sig?: string; readonly timeoutMs?: number } = {},
): Promise<CommittedTx> {
  const deadline = Date.now() + (options.timeoutMs ?? ATTACK_WAIT_MS);
  const sig = options.sig === undefined ? '' : `&sig=${options.sig}`;
  for (;;) {
    const answer = await call<CommittedTx>(department, 'ledger', 'GET', `/v1/txs/${txId}?waitMs=20000${sig}`);
    if (answer.status === 200 && answer.body.status === 'committed') return answer.body;
    if (Date.now() > deadline) throw new Error(`tx ${txId} was not committed on ${department.id}'s ledger in time`);
  }
}

/** A fresh name (datasets, ...) so reruns on the shared servers never collide. */
export function freshName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}
