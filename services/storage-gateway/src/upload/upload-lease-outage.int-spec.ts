import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { createRulesChannel } from '@accord/contracts-service/testing';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { dropTestBucket, minioTestConfig, minioTestSettings } from '@accord/object-store/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import { TcpProxy } from '@accord/service-kit/testing';
import {
  gatewayKnowsChannel,
  startGatewayDepartment,
  writeGatewayKek,
  type GatewayDepartment,
} from '../testing/gateway-department.fixture';
import { createUpload, patchUpload, uploadOffset } from '../testing/raw-tus.client';
import { testBytes } from '../testing/tus-test.helpers';

jest.setTimeout(180_000);

/**
 * A PATCH whose database goes away under it (the gateway's PostgreSQL
 * connections run through a loopback relay the test cuts) cannot give its
 * upload's lease back. The gateway gives it back once the database answers
 * again, so the client resumes at once instead of meeting `upload_busy`
 * for the rest of the lease's minute; the resumed upload completes.
 */
describe('an upload lease stranded by a database outage', () => {
  const pgUrl = postgresTestUrl();
  const minio = minioTestSettings();
  const run = randomBytes(4).toString('hex');
  const member = testMember(`dept-lease-${run}`);
  const peer = testMember(`dept-peer-${run}`);
  const channel = `lease-${run}`;
  const schema = (service: string) => `gw_lease_${run}_${service}`;
  const bucket = `accord-lease-${run}`;
  let dir: string;
  let proxy: TcpProxy;
  let dept: GatewayDepartment;
  let db: Client;

  /** The upload's lease holder, read from PostgreSQL directly (not through the relay). */
  const leaseOwner = async (uploadId: string): Promise<string | null> => {
    const { rows } = await db.query<{ lease_owner: string | null }>(
      `SELECT lease_owner FROM "${schema('gateway')}".gateway_upload WHERE upload_id = $1`,
      [uploadId],
    );
    return rows[0]?.lease_owner ?? null;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-lease-it-'));
    proxy = await TcpProxy.forUrl(pgUrl);
    dept = await startGatewayDepartment({
      member,
      dir,
      env: { ACCORD_DATABASE: pgUrl, ACCORD_BUS: `kafka:${kafkaTestBrokers().join(',')}` },
      ledgerEnv: { ACCORD_DATABASE_SCHEMA: schema('ledger'), ACCORD_LEDGER_CHANNELS: channel },
      contractsEnv: { ACCORD_DATABASE_SCHEMA: schema('contracts'), ACCORD_CONTRACTS_POLL_MS: '20' },
      gatewayEnv: {
        ACCORD_DATABASE: proxy.relayed(pgUrl),
        ACCORD_DATABASE_SCHEMA: schema('gateway'),
        ACCORD_OBJECT_STORE: `minio:${minio.endpoint}`,
        ACCORD_OBJECT_STORE_ACCESS_KEY: minio.accessKey,
        ACCORD_OBJECT_STORE_SECRET_KEY: minio.secretKey,
        ACCORD_OBJECT_STORE_BUCKET: bucket,
        ACCORD_GATEWAY_KEK_FILE: await writeGatewayKek(dir, member.id),
        ACCORD_LOG_LEVEL: 'fatal',
      },
    });
    await createRulesChannel(dept, channel, [member, peer], TEST_RULES as unknown as JsonObject);
    await gatewayKnowsChannel(dept.gateway, channel);
    db = new Client({ connectionString: pgUrl });
    await db.connect();
  });

  afterAll(async () => {
    await proxy?.restore();
    await dept?.close();
    await proxy?.cut();
    await db?.end();
    for (const service of ['ledger', 'contracts', 'gateway']) await dropTestSchema(pgUrl, schema(service));
    await dropTestBucket(minioTestConfig(bucket));
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('gives the lease back once the database answers again, and the upload resumes and completes', async () => {
    const bytes = testBytes(200_000, 11);
    const path = await createUpload(dept.gateway, bytes.length, {
      channel,
      dataset: `${member.id}/sensors`,
      version: '1',
      mediaType: 'application/octet-stream',
    });
    const uploadId = path.split('/').pop() as string;

    // A PATCH that has sent part of its body and holds the lease…
    const req: ClientRequest = httpRequest(new URL(path, dept.gateway.url), {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${dept.gateway.tokens.provider}`,
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(bytes.length),
      },
    });
    req.on('error', () => undefined);
    req.write(bytes.subarray(0, 50_000));
    const held = await waitFor('the PATCH to hold the lease', () => leaseOwner(uploadId).then((o) => o ?? undefined));

    // …loses its database, then its client: it can neither commit nor give the lease back.
    await proxy.cut();
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await leaseOwner(uploadId)).toBe(held);

    // The database answers again: the lease is given back well within its 60 s term.
    await proxy.restore();
    await waitFor(
      'the stranded lease to be given back',
      async () => ((await leaseOwner(uploadId)) === null ? true : undefined),
      15_000,
    );

    // The client resumes from the gateway's offset and finishes; nothing is busy.
    const offset = await waitFor('the gateway to answer HEAD', () =>
      uploadOffset(dept.gateway, path).then((o) => (Number.isInteger(o) ? o : undefined)),
    );
    const answer = await patchUpload(dept.gateway, path, offset, Readable.from([bytes.subarray(offset)]));
    expect({ status: answer.status, offset: answer.headers['upload-offset'] }).toEqual({
      status: 204,
      offset: String(bytes.length),
    });
  });
});
