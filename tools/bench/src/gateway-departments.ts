/**
 * The departments of the storage gateway benchmark: each with its keys and
 * API token, and its ledger, contracts service and storage gateway each in
 * a process of its own on the real PostgreSQL (a schema per service),
 * Kafka (one fresh channel) and MinIO (a bucket per department).
 */
import { randomBytes } from 'node:crypto';
import { computeTxId, ed25519Signer, encodeEnvelope, signTx, type JsonObject, type TxEnvelope } from '@accord/protocol';
import { departmentLayout, ensureDepartmentKeys, ensureDevApiToken, type DepartmentKeys } from '@accord/service-kit';
import { LedgerApiClient } from './ledger-api.client';
import { startLedgerNodes, type LedgerNode } from './ledger-nodes.launcher';
import { startServiceProcess, type ServiceProcess } from './gateway-service.process';
import { freePort } from './service-process.util';
import type { StorageGatewayBenchConfig } from './storage-gateway-bench.config';

export interface BenchDepartment {
  readonly id: string;
  readonly keys: DepartmentKeys;
  readonly keysFile: string;
  /** The dev token (every role) of all its services. */
  readonly token: string;
  readonly apiTokens: string;
  readonly dataDir: string;
  readonly schemas: { readonly ledger: string; readonly contracts: string; readonly gateway: string };
  readonly bucket: string;
}

export interface RunningDepartment extends BenchDepartment {
  readonly ledger: LedgerNode;
  readonly contracts: ServiceProcess;
  readonly gateway: ServiceProcess;
}

export async function makeDepartment(dir: string, run: string, letter: string): Promise<BenchDepartment> {
  const id = `bench-gw-${letter}-${run}`;
  const layout = departmentLayout(dir, id);
  const { keys } = await ensureDepartmentKeys(layout, id);
  const token = await ensureDevApiToken(layout);
  if (token.createdToken === undefined) throw new Error(`${layout.devTokenFile} existed already`);
  const schema = (service: string): string => `bench_gw_${run}_${letter}_${service}`;
  return {
    id,
    keys,
    keysFile: layout.keysFile,
    token: token.createdToken,
    apiTokens: JSON.stringify(token.entries),
    dataDir: dir,
    schemas: { ledger: schema('ledger'), contracts: schema('contracts'), gateway: schema('gateway') },
    bucket: `bench-gw-${run}-${letter}`,
  };
}

/** Everything a service of the department reads (its own schema and port come on top). */
function commonEnv(config: StorageGatewayBenchConfig, d: BenchDepartment, schema: string): Record<string, string> {
  return {
    ACCORD_DEPARTMENT: d.id,
    ACCORD_API_TOKENS: d.apiTokens,
    ACCORD_KEYS_FILE: d.keysFile,
    ACCORD_DATA_DIR: d.dataDir,
    ACCORD_LOG_LEVEL: 'warn',
    ACCORD_DATABASE: config.pgUrl,
    ACCORD_DATABASE_SCHEMA: schema,
    ACCORD_BUS: `kafka:${config.kafkaBrokers.join(',')}`,
  };
}

/** Starts every department's ledger, then contracts service, then gateway (which know each other as peers). */
export async function startDepartments(
  config: StorageGatewayBenchConfig,
  channel: string,
  departments: readonly BenchDepartment[],
  started: { stop(): Promise<void> }[],
): Promise<RunningDepartment[]> {
  const ledgers = await startLedgerNodes(
    'processes',
    departments.map((d) => ({
      department: d.id,
      keysFile: d.keysFile,
      apiTokens: d.apiTokens,
      pgUrl: config.pgUrl,
      schema: d.schemas.ledger,
      kafkaBrokers: config.kafkaBrokers,
      channels: [channel],
      sigWorkers: 0,
      groupCommit: 16,
    })),
  );
  started.push(...ledgers);
  const contracts: ServiceProcess[] = [];
  for (const [i, d] of departments.entries()) {
    const ledger = ledgers[i] as LedgerNode;
    const service = await startServiceProcess({
      label: `contracts ${d.id}`,
      packageName: '@accord/contracts-service',
      env: {
        ...commonEnv(config, d, d.schemas.contracts),
        ACCORD_LEDGER_URL: ledger.url,
        ACCORD_LEDGER_TOKEN: d.token,
      },
    });
    started.push(service);
    contracts.push(service);
  }
  const ports = await Promise.all(departments.map(() => freePort()));
  const running: RunningDepartment[] = [];
  for (const [i, d] of departments.entries()) {
    const ledger = ledgers[i] as LedgerNode;
    const peers = departments
      .map((p, j) => `${p.id}=http://127.0.0.1:${ports[j]}`)
      .filter((_, j) => j !== i)
      .join(',');
    const gateway = await startServiceProcess({
      label: `gateway ${d.id}`,
      packageName: '@accord/storage-gateway-service',
      port: ports[i],
      nodeArgs: config.gatewayNodeArgs,
      env: {
        ...commonEnv(config, d, d.schemas.gateway),
        ACCORD_LEDGER_URL: ledger.url,
        ACCORD_LEDGER_TOKEN: d.token,
        ACCORD_OBJECT_STORE: `minio:${config.minio.endpoint}`,
        ACCORD_OBJECT_STORE_ACCESS_KEY: config.minio.accessKey,
        ACCORD_OBJECT_STORE_SECRET_KEY: config.minio.secretKey,
        ACCORD_OBJECT_STORE_BUCKET: d.bucket,
        ACCORD_GATEWAY_PEERS: peers,
        // No scrub while measuring: it would read the objects at the same time.
        ACCORD_GATEWAY_SCRUB_INTERVAL_MS: '0',
      },
    });
    started.push(gateway);
    running.push({ ...d, ledger, contracts: contracts[i] as ServiceProcess, gateway });
  }
  return running;
}

/** Signs txs as the bench's departments and submits them to a ledger's API. */
export class TxSubmitter {
  private readonly nonces = new Map<string, number>();
  private readonly client: LedgerApiClient;

  constructor(
    ledgerUrl: string,
    token: string,
    private readonly channel: string,
  ) {
    this.client = new LedgerApiClient(ledgerUrl, token);
  }

  /** The genesis of an alliance channel of `members`, signed by the first; default rule parameters. */
  async createChannel(members: readonly BenchDepartment[]): Promise<void> {
    const [founder] = members;
    if (founder === undefined) throw new Error('a channel needs members');
    const genesis = this.sign(
      founder,
      'channel.genesis',
      {
        kind: 'alliance',
        members: members.map((m) => ({ id: m.id, ed25519: m.keys.ed25519.publicKey, x25519: m.keys.x25519.publicKey })),
        policy: { maxTxPerBlock: 100, batchTimeoutMs: 20 },
      },
      0,
    );
    await this.client.postJson('/v1/channels', genesis, 202);
  }

  /** Submits a tx of `from`; its txId. */
  async send(from: BenchDepartment, type: string, payload: JsonObject): Promise<string> {
    // Far from 0 and from each other, so they never meet the nonces the services draw.
    const nonce = this.nonces.get(from.id) ?? 2 ** 50 + randomBytes(4).readUInt32BE(0);
    this.nonces.set(from.id, nonce + 1);
    const envelope = this.sign(from, type, payload, nonce);
    const status = await this.client.submitTx(this.channel, encodeEnvelope(envelope));
    if (status !== 202) throw new Error(`submitting ${type} of ${from.id}: HTTP ${status}`);
    return computeTxId(envelope.body);
  }

  close(): void {
    this.client.close();
  }

  private sign(from: BenchDepartment, type: string, payload: JsonObject, nonce: number): TxEnvelope {
    return signTx(
      { v: 1, channel: this.channel, type, from: from.id, nonce, ts: Date.now(), payload },
      ed25519Signer(from.keys.ed25519.privateKey),
    );
  }
}
