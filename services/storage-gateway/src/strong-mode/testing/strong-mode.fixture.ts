import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@accord/event-bus/testing';
import { createRulesChannel, TxPublisher } from '@accord/contracts-service/testing';
import { validateTxProof, verifyTxProof, type JsonObject, type Members, type TxProof } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { checkErrorResponses, shutdownTelemetry, type ErrorCase, type UnproducedStatus } from '@accord/service-kit';
import request from 'supertest';
import {
  gatewayApi,
  gatewayDb,
  gatewayKnowsChannel,
  grantSeenBy,
  startGatewayDepartment,
  type GatewayDepartment,
} from '../../testing/gateway-department.fixture';

/** Departments on one channel (embedded log shared, PGlite each), the first one owning the datasets. */
export interface StrongModeWorld {
  readonly channel: string;
  readonly departments: readonly GatewayDepartment[];
  /** Signs txs of the test members (requests, revocations) on the channel. */
  readonly txs: TxPublisher;
  close(): Promise<void>;
}

/**
 * Starts `names.length` departments (ledger, contracts service and gateway
 * each, on one embedded log) on a new alliance channel with the rules'
 * test parameters, created through the first department's ledger and
 * followed by the others', and waits until every gateway projected it.
 */
export async function startStrongModeWorld(prefix: string, names: readonly string[]): Promise<StrongModeWorld> {
  const dir = await mkdtemp(join(tmpdir(), `accord-gw-${prefix}-`));
  const run = Math.random().toString(36).slice(2, 8);
  const members = names.map((n) => testMember(`dept-${n}-${run}`));
  const departments: GatewayDepartment[] = [];
  const close = async () => {
    for (const d of [...departments].reverse()) await d.close();
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  };
  const channel = `${prefix}-${run}`;
  try {
    for (const [i, member] of members.entries())
      departments.push(
        await startGatewayDepartment({
          member,
          dir,
          ...(i === 0 ? {} : { bus: (departments[0] as GatewayDepartment).bus }),
          env: { ACCORD_DATA_DIR: join(dir, names[i] as string) },
        }),
      );
    const owner = departments[0] as GatewayDepartment;
    await createRulesChannel(owner, channel, members, TEST_RULES as unknown as JsonObject);
    // Created through the owner's ledger; the others' ledgers follow it (they then build and attest its blocks too).
    for (const other of departments.slice(1))
      await request(other.ledger.url)
        .post(`/v1/channels/${channel}/follow`)
        .set('Authorization', `Bearer ${other.ledger.tokens.sysadmin}`)
        .expect(200);
    for (const d of departments) await gatewayKnowsChannel(d.gateway, channel);
    return { channel, departments, txs: new TxPublisher(owner.bus, channel), close };
  } catch (error) {
    // A failed start leaves nothing running (the spec's afterAll has no world to close).
    await close();
    throw error;
  }
}

/**
 * Registers a dataset of the owner: public (free to request, so a fresh
 * department's empty balance covers it), no consent, governance as given.
 */
export async function registerDataset(
  world: StrongModeWorld,
  name: string,
  governance: 'light' | 'strong',
): Promise<string> {
  const owner = world.departments[0] as GatewayDepartment;
  await world.txs.send(
    owner.member,
    'dataset.register',
    registration(name, { governance, sensitivity: 'public', policy: odrlPolicy() }) as unknown as JsonObject,
  );
  return `${owner.member.id}/${name}`;
}

/** `requester` asks for the dataset; waits until the grant is active at both gateways. Answers the grant id. */
export async function grantTo(world: StrongModeWorld, requester: GatewayDepartment, dataset: string): Promise<string> {
  const grantId = await world.txs.send(requester.member, 'access.request', {
    dataset,
    purpose: 'planning',
    durationMs: 60_000,
  });
  const owner = world.departments[0] as GatewayDepartment;
  await grantSeenBy(owner.gateway, grantId);
  await grantSeenBy(requester.gateway, grantId);
  return grantId;
}

/** Publishes a record through the owner's gateway (role provider); answers its txId. */
export async function publishRecord(
  world: StrongModeWorld,
  dataset: string,
  record: string,
  content: string,
  mediaType: 'application/json' | 'text/csv' = 'application/json',
): Promise<string> {
  const owner = world.departments[0] as GatewayDepartment;
  const res = await gatewayApi(owner.gateway, 'provider').post('/v1/records', {
    channel: world.channel,
    dataset,
    record,
    mediaType,
    content,
  });
  if (res.status !== 202) throw new Error(`publishing ${record}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.txId as string;
}

type Row = Record<string, unknown>;

/** Rows of a gateway's database. */
export async function rows(department: GatewayDepartment, sql: string, params: unknown[] = []): Promise<Row[]> {
  return (await gatewayDb(department.gateway).query(sql, params)) as Row[];
}

/** Waits until `sql` answers a first row for which `accept` holds; answers it. */
export function rowWhen(
  department: GatewayDepartment,
  what: string,
  sql: string,
  params: unknown[],
  accept: (row: Row) => boolean = () => true,
): Promise<Row> {
  return waitFor(
    what,
    async () => {
      const [row] = await rows(department, sql, params);
      return row !== undefined && accept(row) ? row : undefined;
    },
    30_000,
  );
}

/**
 * The tx's proof from the department's ledger API, once it verifies with
 * the protocol's offline verifier against every member's key (each
 * department's ledger attests the blocks). Fails the test after 30 s.
 */
export async function verifiedProof(department: GatewayDepartment, channel: string, txId: string): Promise<TxProof> {
  const { ledger } = department;
  const get = (path: string) => request(ledger.url).get(path).set('Authorization', `Bearer ${ledger.tokens.user}`);
  const keys = (await get(`/v1/channels/${channel}/members/keys`).expect(200)).body as Members;
  return waitFor(
    `a proof of tx ${txId.slice(0, 12)} attested by every member`,
    async () => {
      const res = await get(`/v1/txs/${txId}/proof`);
      if (res.status !== 200) return undefined;
      const proof = validateTxProof(res.body);
      const verdict = verifyTxProof(proof, keys);
      return verdict.ok && verdict.txId === txId && verdict.validity === 'valid' ? proof : undefined;
    },
    30_000,
  );
}

/**
 * Sends the error cases to the department's gateway and expects each to
 * answer as listed, every answer to be documented, and every 4xx the
 * OpenAPI document lists for `routes` to be produced (or excused).
 */
export async function expectDocumentedErrors(
  department: GatewayDepartment,
  routes: readonly string[],
  cases: readonly ErrorCase[],
  unproducible: readonly UnproducedStatus[] = [],
): Promise<void> {
  const { url, service } = department.gateway;
  const report = await checkErrorResponses(url, service.openApi, cases, unproducible);
  const ofRoutes = (key: string) => routes.includes(key.split(' ')[1] ?? '');
  expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofRoutes)]).toEqual([]);
  expect(report.staleExcuses).toEqual([]);
}
