import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as MinioClient } from 'minio';
import { Client as PgClient } from 'pg';
import { runCli } from '@accord/cli';
import { startTestNetwork, type TestNetwork } from '@accord/cli/testing';
import { waitFor } from '@accord/event-bus/testing';
import { dropTestBucket, minioTestConfig } from '@accord/object-store/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';

/** A department of the network as the attacks use it (the fields of SystemDepartment plus its signing key). */
export interface AttackDepartment {
  readonly id: string;
  readonly token: string;
  readonly urls: Readonly<Record<'ledger' | 'contracts' | 'catalog' | 'storage-gateway', string>>;
  /** Its Ed25519 private key (hex): an attacker who stole it, or the department signing its own requests. */
  readonly ed25519PrivateKey: string;
}

/** An HTTP answer: status, parsed JSON body (or the raw text), headers. */
export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** An object as `GET /v1/objects/:id` shows it. */
export interface GatewayObjectView {
  readonly objectId: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly chunkRoot: string;
  readonly chunkSize: number;
  readonly anchorTxId: string;
  readonly status: string;
}

/** A transfer as `GET /v1/transfers/:id` shows it. */
export interface TransferView {
  readonly transferId: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly objectId: string | null;
  readonly useTx: string | null;
  readonly contentUrl: string | null;
  readonly bytesVerified: number;
}

/** One `accord` run in this process. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

const POLICY = { '@context': 'http://www.w3.org/ns/odrl.jsonld', '@type': 'Offer', permission: [{ action: 'use' }] };

/**
 * The network the data-plane attacks run on: `startTestNetwork({cluster:
 * true})` (three departments, each ledger, contracts, catalog and storage
 * gateway, on the shared Kafka, PostgreSQL and MinIO), plus what an
 * attacker with access to the servers behind a gateway has: the gateway's
 * MinIO bucket (`accord-<department>`) and PostgreSQL schema
 * (`<department>_storage_gateway`), and the departments' signing keys.
 */
export class GatewayAttackNetwork {
  private constructor(
    readonly network: TestNetwork,
    readonly departments: readonly AttackDepartment[],
    private readonly home: string,
    private readonly pg: PgClient,
    readonly minio: MinioClient,
  ) {}

  static async start(): Promise<GatewayAttackNetwork> {
    const home = await mkdtemp(join(tmpdir(), 'accord-gateway-attacks-'));
    const network = await startTestNetwork({ cluster: true, console: false, logLevel: 'warn' });
    const departments = network.departments.map((d) => ({
      id: d.id,
      token: d.token,
      urls: d.urls,
      ed25519PrivateKey: d.running.keys.ed25519.privateKey,
    }));
    const pg = new PgClient({ connectionString: postgresTestUrl() });
    await pg.connect();
    const config = minioTestConfig('unused');
    const minio = new MinioClient({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
    });
    return new GatewayAttackNetwork(network, departments, home, pg, minio);
  }

  get channel(): string {
    return this.network.channel;
  }

  /** Stops the network, then drops its schemas and gateway buckets from the shared servers. */
  async close(): Promise<void> {
    await this.network.destroy();
    await this.pg.end();
    const services = ['ledger', 'contracts', 'catalog', 'storage_gateway'];
    await dropTestSchema(
      postgresTestUrl(),
      ...this.departments.flatMap((d) => services.map((s) => `${d.id}_${s}`.replace(/-/g, '_').slice(0, 63))),
    );
    for (const d of this.departments) await dropTestBucket(minioTestConfig(bucketOf(d.id)));
    await rm(this.home, { recursive: true, force: true });
  }

  /** A JSON request with the department's dev token (every role). */
  async api<T = Record<string, unknown>>(
    dept: AttackDepartment,
    service: keyof AttackDepartment['urls'],
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Answer<T>> {
    const res = await fetch(`${dept.urls[service]}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${dept.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    return { status: res.status, body: parseJson(text) as T, headers: res.headers };
  }

  /** A query in the schema of `dept`'s storage gateway, as someone with the database's credentials. */
  async gatewayDb<T = Record<string, unknown>>(
    dept: AttackDepartment,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const schema = `${dept.id}_storage-gateway`.replace(/-/g, '_').slice(0, 63);
    await this.pg.query(`SET search_path TO "${schema}"`);
    return (await this.pg.query(sql, params)).rows as T[];
  }

  bucketOf(dept: AttackDepartment): string {
    return bucketOf(dept.id);
  }

  async readStored(dept: AttackDepartment, key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.minio.getObject(bucketOf(dept.id), key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Overwrites a stored object in the gateway's bucket, behind the gateway's back. */
  async writeStored(
    dept: AttackDepartment,
    key: string,
    bytes: Buffer,
    metadata?: Record<string, string>,
  ): Promise<void> {
    await this.minio.putObject(bucketOf(dept.id), key, bytes, bytes.length, metadata ?? {});
  }

  /** The store keys of an object's pieces, in segment order. */
  async pieceKeys(dept: AttackDepartment, objectId: string): Promise<string[]> {
    const rows = await this.gatewayDb<{ store_key: string }>(
      dept,
      'SELECT store_key FROM gateway_object_piece WHERE object_id = $1 ORDER BY first_segment',
      [objectId],
    );
    return rows.map((r) => r.store_key);
  }

  /** Runs `accord ...` in this process against the network (its own HOME, the network's data dir). */
  async accord(...argv: string[]): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { HOME: this.home, ACCORD_DATA_DIR: this.network.dataDir },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  /** Uploads `bytes` as version `version` of `owner/name` with `accord upload`, waits until anchored. */
  async upload(owner: AttackDepartment, name: string, bytes: Buffer, version = 1): Promise<GatewayObjectView> {
    const file = join(this.home, `${name}-v${version}-${randomBytes(3).toString('hex')}.bin`);
    await writeFile(file, bytes);
    const run = await this.accord(
      'upload',
      file,
      '--dept',
      owner.id,
      '--name',
      name,
      '--version',
      String(version),
      '--json',
    );
    if (run.code !== 0) throw new Error(`accord upload ${name} failed (${run.code}): ${run.err}`);
    const object = JSON.parse(run.out) as GatewayObjectView;
    if (object.status !== 'available') throw new Error(`uploaded ${name} is ${object.status}`);
    return object;
  }

  /** Registers `owner/name` (light governance, internal, open policy) and waits until every contracts service has it. */
  async register(
    owner: AttackDepartment,
    name: string,
    contentHash: string,
    volumeBytes: number,
    updateFrequency = 'once',
  ): Promise<void> {
    const answer = await this.api(owner, 'catalog', 'POST', `/v1/channels/${this.channel}/datasets`, {
      name,
      title: `Dataset ${name}`,
      description: `The ${name} data of ${owner.id}.`,
      domain: 'transport',
      dataType: 'video',
      sensitivity: 'internal',
      volumeBytes,
      updateFrequency,
      governance: 'light',
      contentHash,
      policy: { ...POLICY, assigner: owner.id, target: `${owner.id}/${name}` },
    });
    if (answer.status >= 300) throw new Error(`registering ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    for (const reader of this.departments)
      await waitUntil(`${owner.id}/${name} at ${reader.id}`, async () => {
        const seen = await this.api(
          reader,
          'contracts',
          'GET',
          `/v1/channels/${this.channel}/datasets/${owner.id}/${name}`,
        );
        return seen.status === 200 ? true : undefined;
      });
  }

  /**
   * Requests cost points on the network's channel: `dept` registers a
   * large, often updated dataset of its own, which earns it enough for the
   * requests of a spec file.
   */
  async earnPoints(dept: AttackDepartment): Promise<void> {
    await this.register(dept, 'earned-points', sha256Hex(Buffer.from(dept.id)), 2 ** 31, 'realtime');
  }

  /**
   * `requester` asks for `dataset` (one live grant per dataset and purpose); returns the grant id once the rules
   * granted it and both gateways (provider and requester) projected it.
   */
  async grant(
    requester: AttackDepartment,
    provider: AttackDepartment,
    dataset: string,
    durationMs = 3_600_000,
    purpose = 'planning',
  ): Promise<string> {
    const asked = await this.api<{ txId: string }>(
      requester,
      'contracts',
      'POST',
      `/v1/channels/${this.channel}/requests`,
      {
        dataset,
        purpose,
        durationMs,
      },
    );
    if (asked.status >= 300) throw new Error(`requesting ${dataset}: ${asked.status} ${JSON.stringify(asked.body)}`);
    const grantId = asked.body.txId;
    const receipt = await waitUntil(`the rules' answer to ${grantId}`, async () => {
      const res = await this.api<{ receipts: { receipt: { kind: string; code: string } }[] }>(
        requester,
        'contracts',
        'GET',
        `/v1/txs/${grantId}/receipts?waitMs=5000`,
      );
      return res.status === 200 ? res.body.receipts[0]?.receipt : undefined;
    });
    if (receipt.kind !== 'granted') throw new Error(`request for ${dataset}: ${receipt.kind} (${receipt.code})`);
    for (const dept of [provider, requester]) await this.grantProjected(dept, grantId);
    return grantId;
  }

  /** Waits until `dept`'s gateway projected the grant (and returns its row). */
  async grantProjected(dept: AttackDepartment, grantId: string, status?: string): Promise<{ status: string }> {
    return waitUntil(`grant ${grantId} at ${dept.id}'s gateway`, async () => {
      const rows = await this.gatewayDb<{ status: string }>(
        dept,
        'SELECT status FROM gateway_grant WHERE grant_id = $1',
        [grantId],
      );
      return rows[0] !== undefined && (status === undefined || rows[0].status === status) ? rows[0] : undefined;
    });
  }

  /** The grant as `dept`'s contracts service shows it (accessesUsed, bytesUsed, status). */
  async contractsGrant(dept: AttackDepartment, grantId: string): Promise<{ accessesUsed: number; status: string }> {
    const res = await this.api<{ grant: { accessesUsed: number; status: string } }>(
      dept,
      'contracts',
      'GET',
      `/v1/channels/${this.channel}/grants/${grantId}`,
    );
    return res.body.grant;
  }

  /** Starts a transfer of `grant` at the requester's gateway and waits until it ended. */
  async transfer(requester: AttackDepartment, grantId: string): Promise<TransferView> {
    const started = await this.api<TransferView>(requester, 'storage-gateway', 'POST', '/v1/transfers', {
      grant: grantId,
    });
    if (started.status !== 202)
      throw new Error(`transfer of ${grantId}: ${started.status} ${JSON.stringify(started.body)}`);
    return waitUntil(
      `transfer ${started.body.transferId} to end`,
      async () => {
        const res = await this.api<TransferView>(
          requester,
          'storage-gateway',
          'GET',
          `/v1/transfers/${started.body.transferId}`,
        );
        return res.body.status === 'running' ? undefined : res.body;
      },
      180_000,
    );
  }

  /** Runs a scrub on `dept`'s gateway now and returns its findings. */
  async scrub(dept: AttackDepartment): Promise<ScrubFinding[]> {
    const res = await this.api<{ findings: ScrubFinding[] }>(
      dept,
      'storage-gateway',
      'POST',
      '/v1/scrubber/runs?wait=true',
    );
    if (res.status !== 200) throw new Error(`scrub at ${dept.id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.findings;
  }

  /** `dept`'s gateway metrics (Prometheus text). */
  async metrics(dept: AttackDepartment): Promise<string> {
    return (
      await fetch(`${dept.urls['storage-gateway']}/metrics`, { headers: { Authorization: `Bearer ${dept.token}` } })
    ).text();
  }
}

export interface ScrubFinding {
  readonly objectId: string;
  readonly kind: string;
  readonly detail: string;
  readonly dataset: string;
}

/** Polls `read` until it answers a value; an error counts as not yet (and is named if the wait times out). */
export function waitUntil<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  let last: Error | undefined;
  return waitFor(
    () => `${what}${last ? ` (last error: ${last.message})` : ''}`,
    async () => {
      try {
        return await read();
      } catch (error) {
        last = error as Error;
        return undefined;
      }
    },
    timeoutMs,
  );
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function bucketOf(department: string): string {
  return `accord-${department}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
