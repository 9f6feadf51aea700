import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signTx, type JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import { writeKeysFile } from '@accord/service-kit/testing';
import {
  api,
  startContracts,
  startDepartment,
  TxPublisher,
  type DepartmentUnderTest,
} from './testing/department.fixture';

jest.setTimeout(150_000);

interface Digest {
  readonly height: number;
  readonly blockHash: string;
  readonly digest: string;
}

/**
 * Three departments, each with its ledger and contracts service in this
 * process on the real Kafka and PostgreSQL (a schema per service per run,
 * a fresh channel): the request -> pending -> consent -> grant -> expiry
 * story runs end to end over the departments' own HTTP APIs, and the three
 * contracts services reach the identical state digest at every height,
 * which each ledger sees in the others' state attestations; a rebuild from
 * genesis on a fresh schema reaches the same digests.
 */
describe('contracts of three departments on Kafka + PostgreSQL', () => {
  const pgUrl = postgresTestUrl();
  const kafkaBrokers = kafkaTestBrokers().join(',');
  const run = randomBytes(4).toString('hex');
  const channel = `rules-${run}`;
  const members = ['a', 'b', 'c'].map((d) => testMember(`dept-${d}-${run}`));
  const [a, b, c] = members;
  // Two per department, and one for a rebuild of department a's rule state.
  const schemas = [
    ...members.flatMap((_, i) => [`ctr_it_${run}_${i}_ledger`, `ctr_it_${run}_${i}_contracts`]),
    `ctr_it_${run}_rebuild`,
  ];
  const departments: DepartmentUnderTest[] = [];
  let dir: string;
  let txs: TxPublisher;

  const digests = async (dept: DepartmentUnderTest): Promise<Digest[]> => {
    const res = await api(dept.contracts).get(`/v1/channels/${channel}/digests?limit=1000`);
    return res.status === 200 ? (res.body.items as Digest[]) : [];
  };

  /** The receipts of a tx on one department's contracts service. */
  const receipts = async (dept: DepartmentUnderTest, txId: string): Promise<{ kind: string; code: string }[]> => {
    const res = await api(dept.contracts).get(`/v1/txs/${txId}/receipts?waitMs=20000`);
    expect(res.status).toBe(200);
    return (res.body.receipts as { receipt: { kind: string; code: string } }[]).map((r) => r.receipt);
  };

  /** The request as every department's contracts service sees it, once all three agree on `status`. */
  const everywhere = async (request: string, status: string): Promise<void> => {
    await waitFor(
      `request ${request} ${status} on all three departments`,
      async () => {
        const views = await Promise.all(
          departments.map((d) => api(d.contracts).get(`/v1/channels/${channel}/requests/${request}`)),
        );
        return views.every((v) => v.status === 200 && v.body.request.status === status);
      },
      30_000,
    );
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-contracts-it-'));
    for (const [i, member] of members.entries()) {
      departments.push(
        await startDepartment({
          member,
          dir,
          env: { ACCORD_DATABASE: pgUrl, ACCORD_BUS: `kafka:${kafkaBrokers}` },
          ledgerEnv: { ACCORD_DATABASE_SCHEMA: schemas[i * 2], ACCORD_LEDGER_CHANNELS: channel },
          contractsEnv: { ACCORD_DATABASE_SCHEMA: schemas[i * 2 + 1], ACCORD_CONTRACTS_POLL_MS: '20' },
        }),
      );
    }
    txs = new TxPublisher(departments[0].bus, channel);
    const genesis = signTx(
      {
        v: 1,
        channel,
        type: 'channel.genesis',
        from: a.id,
        nonce: 0,
        ts: Date.now(),
        payload: {
          kind: 'alliance',
          members: members.map((m) => ({
            id: m.id,
            ed25519: m.keys.ed25519.publicKey,
            x25519: m.keys.x25519.publicKey,
          })),
          policy: { maxTxPerBlock: 50, batchTimeoutMs: 50, rules: TEST_RULES as unknown as JsonObject },
        },
      },
      a.signer,
    );
    const created = await api(departments[0].ledger).post(
      '/v1/channels',
      genesis,
      departments[0].ledger.tokens.sysadmin,
    );
    expect(created.status).toBe(202);
    await waitFor(
      'every contracts service to apply the genesis block',
      async () => (await Promise.all(departments.map(digests))).every((d) => d.length > 0),
      60_000,
    );
  }, 150_000);

  afterAll(async () => {
    for (const dept of departments.reverse()) await dept.close();
    await dropTestSchema(pgUrl, ...schemas);
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('runs request -> pending -> consent -> grant -> expiry end to end, and the three reach identical state digests at every height', async () => {
    const [deptA, deptB] = departments;
    // b offers a dataset that needs its consent; a earns the points to ask for it.
    const offered = await txs.send(
      b,
      'dataset.register',
      registration('registry', { policy: odrlPolicy({ consent: true }) }) as unknown as JsonObject,
    );
    const earned = await txs.send(a, 'dataset.register', registration('permits') as unknown as JsonObject);
    expect(await receipts(deptA, offered)).toEqual([expect.objectContaining({ kind: 'registered' })]);
    expect(await receipts(deptA, earned)).toEqual([expect.objectContaining({ kind: 'registered' })]);

    // a's user asks through a's contracts service, which signs with a's key.
    const asked = await api(deptA.contracts).post(
      `/v1/channels/${channel}/requests`,
      { dataset: `${b.id}/registry`, purpose: 'statistics', durationMs: 3000 },
      deptA.contracts.tokens.user,
    );
    expect(asked.status).toBe(202);
    expect(asked.body.expected).toMatchObject({ outcome: 'pending' });
    const request = asked.body.txId as string;
    await everywhere(request, 'pending');

    // c cannot decide it; b's data administrator consents through b's contracts service.
    const forged = await txs.send(c, 'access.consent', { request });
    expect(await receipts(deptA, forged)).toEqual([
      expect.objectContaining({ kind: 'rejected', code: 'not_provider' }),
    ]);
    const consent = await api(deptB.contracts).post(
      `/v1/channels/${channel}/requests/${request}/consent`,
      {},
      deptB.contracts.tokens.dataadmin,
    );
    expect(consent.status).toBe(202);
    await everywhere(request, 'granted');
    const grant = (await api(deptA.contracts).get(`/v1/channels/${channel}/grants/${request}`)).body;
    expect(grant).toMatchObject({ live: true, grant: { requester: a.id, provider: b.id, status: 'active' } });

    // Block time passes the grant's end; the next block expires it everywhere.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, (grant.grant.expiresAt as number) - Date.now() + 100)),
    );
    await txs.send(c, 'test.note', { note: 'time passes' });
    await waitFor(
      'the grant to expire on all three departments',
      async () => {
        const views = await Promise.all(
          departments.map((d) => api(d.contracts).get(`/v1/channels/${channel}/grants/${request}`)),
        );
        return views.every((v) => v.body.grant?.status === 'expired');
      },
      30_000,
    );

    // Identical digests at every height, on every department.
    const all = await waitFor(
      'three identical digest lists',
      async () => {
        const lists = await Promise.all(departments.map(digests));
        const [first] = lists;
        return first.length > 0 && lists.every((l) => JSON.stringify(l) === JSON.stringify(first)) ? lists : undefined;
      },
      30_000,
    );
    const head = all[0][all[0].length - 1];
    expect(all[0].map((d) => d.height)).toEqual([...Array(head.height + 1).keys()]);

    // Each ledger collected the three state attestations of the head and they agree; no fork alerts.
    for (const dept of departments) {
      const attested = await waitFor(
        `${dept.member.id}'s ledger to hold three state attestations of block ${head.height}`,
        async () => {
          const res = await api(dept.ledger).get(`/v1/channels/${channel}/blocks/${head.height}/attestations`);
          if (res.status !== 200) return undefined;
          const states = (
            res.body.attestations as { body: { kind: string; from: string; stateDigest?: string } }[]
          ).filter((x) => x.body.kind === 'state');
          return states.length === 3 ? states : undefined;
        },
        30_000,
      );
      expect(attested.map((x) => [x.body.from, x.body.stateDigest]).sort()).toEqual(
        members.map((m) => [m.id, head.digest]).sort(),
      );
      const alerts = await api(dept.ledger).get(`/v1/alerts?channel=${channel}`);
      expect(alerts.body.alerts).toEqual([]);
    }

    // Rebuilding a's rule state from genesis on a fresh PostgreSQL schema, from the Kafka topic, gives the same digest at every height.
    const replica = await startContracts(a, await writeKeysFile(dir, a), deptA.ledger, deptA.bus, {
      ACCORD_DATABASE: pgUrl,
      ACCORD_DATABASE_SCHEMA: schemas[schemas.length - 1],
      ACCORD_BUS: `kafka:${kafkaBrokers}`,
      ACCORD_CONTRACTS_POLL_MS: '20',
    });
    try {
      const rebuilt = await waitFor(
        'the rebuild to reach the head',
        async () => {
          const list = await api(replica).get(`/v1/channels/${channel}/digests?limit=1000`);
          const items = list.status === 200 ? (list.body.items as Digest[]) : [];
          return items.length === all[0].length ? items : undefined;
        },
        60_000,
      );
      expect(rebuilt).toEqual(all[0]);
    } finally {
      await replica.close();
    }
  });
});
