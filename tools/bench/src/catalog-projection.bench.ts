// Catalog projection catch-up (docs/benchmarks.md "Catalog"): one department's
// ledger and contracts service (in this process, real Kafka + PostgreSQL)
// commit and apply a chain of N dataset registrations with DCAT-AP metadata;
// then a catalog with an empty database projects that existing chain, on
// PostgreSQL and on PGlite. Printed: the ledger's commit rate and the
// contracts' apply rate for the same chain in the same run (the baseline:
// the catalog must not be the slowest), and the catalog's catch-up rate in
// blocks/s and datasets/s. Asserts nothing.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalogService, type CatalogConfig } from '@accord/catalog-service';
import { contractsService, type ContractsConfig } from '@accord/contracts-service';
import { txRecordHeaders, txTopic } from '@accord/events';
import { ledgerService, type LedgerConfig } from '@accord/ledger-service';
import {
  ed25519Signer,
  encodeEnvelope,
  generateEd25519KeyPair,
  generateX25519KeyPair,
  sha256Hex,
  signTx,
  type JsonObject,
} from '@accord/protocol';
import { EVENT_BUS, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import type { EventBus } from '@accord/event-bus';
import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { loadBenchConfig } from './bench.config';
import { printTable, summarize, type Measurement } from './bench-stats';

const config = loadBenchConfig();
const pgUrl = config.pgUrl;
if (pgUrl === undefined) throw new Error('ACCORD_TEST_PG_URL is not set (scripts/bench.sh sets it)');
const COUNT = Math.max(100, Math.round(20_000 * config.scale));
const BATCH = 500;
const run = randomBytes(3).toString('hex');
const department = `bench-cat-${run}`;
const channel = `catalog-bench-${run}`;
const schemas = {
  ledger: `catbench_${run}_ledger`,
  contracts: `catbench_${run}_contracts`,
  catalog: `catbench_${run}_catalog`,
};

const DOMAINS = [
  'population',
  'legal-persons',
  'geography',
  'credit',
  'health',
  'education',
  'real-estate',
  'transport',
];
const THEMES = ['SOCI', 'ECON', 'REGI', 'ECON', 'HEAL', 'EDUC', 'ECON', 'TRAN'];

function registration(i: number): JsonObject {
  const d = i % DOMAINS.length;
  return {
    name: `dataset-${i}`,
    title: `${DOMAINS[d]} register ${i}`,
    description: `Records of the ${DOMAINS[d]} domain kept by the bureau, edition ${i % 97}`,
    domain: DOMAINS[d],
    dataType: i % 5 === 0 ? 'video' : 'table',
    sensitivity: 'internal',
    volumeBytes: 1000 + i,
    updateFrequency: 'monthly',
    governance: 'light',
    contentHash: sha256Hex(Buffer.from(`content-${i}`)),
    policy: { '@context': 'http://www.w3.org/ns/odrl.jsonld', '@type': 'Offer', permission: [{ action: 'use' }] },
    metadata: {
      keywords: [DOMAINS[d], `k${i % 50}`],
      themes: [THEMES[d]],
      spatial: { west: '121.28', south: '29.68', east: '121.92', north: '30.03' },
      temporal: { start: '2024-01-01' },
      distributions: [{ format: i % 5 === 0 ? 'MP4' : 'CSV', mediaType: i % 5 === 0 ? 'video/mp4' : 'text/csv' }],
    },
  };
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 900_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function count(db: DataSource, sql: string): Promise<number> {
  const [row] = (await db.query(sql)) as { n: string }[];
  return Number(row?.n ?? 0);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'accord-catalog-bench-'));
  const keys = {
    v: 1,
    department,
    ed25519: generateEd25519KeyPair(),
    x25519: generateX25519KeyPair(),
  };
  const keysFile = join(dir, 'keys.json');
  await writeFile(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const common = {
    ACCORD_DEPARTMENT: department,
    ACCORD_KEYS_FILE: keysFile,
    ACCORD_LOG_LEVEL: 'warn',
    ACCORD_DATABASE: pgUrl as string,
    ACCORD_BUS: `kafka:${config.kafkaBrokers.join(',')}`,
  };
  const services: ServiceUnderTest[] = [];
  try {
    const ledger = await startServiceForTest<LedgerConfig>(ledgerService, {
      env: { ...common, ACCORD_DATABASE_SCHEMA: schemas.ledger, ACCORD_LEDGER_CHANNELS: channel },
    });
    services.push(ledger);
    const bus = ledger.service.app.get<EventBus>(EVENT_BUS);
    const contracts = await startServiceForTest<ContractsConfig>(contractsService, {
      env: {
        ...common,
        ACCORD_DATABASE_SCHEMA: schemas.contracts,
        ACCORD_LEDGER_URL: ledger.url,
        ACCORD_LEDGER_TOKEN: ledger.tokens.user,
      },
      shared: { bus },
    });
    services.push(contracts);
    const signer = ed25519Signer(keys.ed25519.privateKey);
    const genesis = signTx(
      {
        v: 1,
        channel,
        type: 'channel.genesis',
        from: department,
        nonce: 0,
        ts: Date.now(),
        payload: {
          kind: 'private',
          owner: department,
          members: [{ id: department, ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey }],
          policy: { maxTxPerBlock: 500, batchTimeoutMs: 50, rules: {} },
        },
      },
      signer,
    );
    const created = await fetch(`${ledger.url}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ledger.tokens.sysadmin}`, 'content-type': 'application/json' },
      body: JSON.stringify(genesis),
    });
    if (created.status !== 202) throw new Error(`genesis: ${created.status} ${await created.text()}`);
    const contractsDb = contracts.service.app.get(DataSource);
    await waitUntil(
      'the genesis applied',
      async () => (await count(contractsDb, `SELECT count(*) AS n FROM contracts_channel WHERE height >= 0`)) > 0,
    );

    // The chain: N registrations, signed beforehand, published in batches as fast as the log takes them.
    const envelopes = Array.from({ length: COUNT }, (_, i) =>
      encodeEnvelope(
        signTx(
          {
            v: 1,
            channel,
            type: 'dataset.register',
            from: department,
            nonce: i + 1,
            ts: Date.now(),
            payload: registration(i),
          },
          signer,
        ),
      ),
    );
    const ledgerDb = ledger.service.app.get(DataSource);
    const started = performance.now();
    for (let i = 0; i < COUNT; i += BATCH)
      await bus.publish(
        txTopic(channel),
        envelopes.slice(i, i + BATCH).map((value) => ({ value, headers: txRecordHeaders('tx') })),
      );
    await waitUntil(
      'the ledger to commit the chain',
      async () => (await count(ledgerDb, 'SELECT count(*) AS n FROM ledger_tx')) >= COUNT + 1,
    );
    const committedS = (performance.now() - started) / 1000;
    await waitUntil(
      'the contracts to apply it',
      async () => (await count(contractsDb, 'SELECT count(*) AS n FROM contracts_dataset')) >= COUNT,
    );
    const appliedS = (performance.now() - started) / 1000;
    const [head] = (await ledgerDb.query('SELECT max(height) AS n FROM ledger_block')) as { n: string }[];
    const blocks = Number(head.n) + 1;

    const rows: Measurement[] = [
      summarize(`ledger commits the chain (${COUNT} txs, ${blocks} blocks)`, 'tx/s', [COUNT / committedS], 'baseline'),
      summarize('contracts apply it (from the first publish)', 'tx/s', [COUNT / appliedS]),
    ];
    for (const store of ['postgres', 'pglite'] as const) {
      const catalogEnv =
        store === 'postgres'
          ? { ...common, ACCORD_DATABASE_SCHEMA: `${schemas.catalog}` }
          : { ...common, ACCORD_DATABASE: `pglite:${join(dir, 'catalog-pglite')}` };
      const t0 = performance.now();
      const catalog = await startServiceForTest<CatalogConfig>(catalogService, {
        env: { ...catalogEnv, ACCORD_LEDGER_URL: ledger.url, ACCORD_LEDGER_TOKEN: ledger.tokens.user },
        shared: { bus },
      });
      services.push(catalog);
      const ready = performance.now();
      const catalogDb = catalog.service.app.get(DataSource);
      await waitUntil(
        `the catalog on ${store} to catch up`,
        async () => (await count(catalogDb, 'SELECT count(*) AS n FROM catalog_dataset')) >= COUNT,
      );
      const seconds = (performance.now() - ready) / 1000;
      const ratio = COUNT / seconds / (COUNT / committedS);
      rows.push(summarize(`catalog on ${store}: start to ready (migrations included)`, 'ms', [ready - t0]));
      rows.push(
        summarize(
          `catalog catch-up on ${store}: datasets`,
          'datasets/s',
          [COUNT / seconds],
          `${ratio.toFixed(2)}× the ledger's commit rate`,
        ),
      );
      rows.push(summarize(`catalog catch-up on ${store}: blocks`, 'blocks/s', [blocks / seconds]));
      await catalog.close();
      services.pop();
    }
    printTable(
      `Catalog projection catch-up (${COUNT} registrations, Kafka + PostgreSQL; catch-up timed from ready)`,
      rows,
    );
  } finally {
    for (const s of services.reverse()) await s.close().catch(() => undefined);
    const client = new Client({ connectionString: pgUrl });
    await client.connect();
    for (const schema of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
