import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';
import { createRulesChannel, TxPublisher } from '@accord/contracts-service/testing';
import { kafkaTestBrokers, waitFor } from '@accord/event-bus/testing';
import { dropTestBucket, minioTestConfig, minioTestSettings } from '@accord/object-store/testing';
import { dropTestSchema, postgresTestUrl } from '@accord/persistence/testing';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import request from 'supertest';
import {
  freePort,
  gatewayApi,
  gatewayDb,
  gatewayKnowsChannel,
  grantSeenBy,
  startGatewayDepartment,
  writeGatewayKek,
  type GatewayDepartment,
} from './testing/gateway-department.fixture';
import { keystream, keystreamDigest } from './testing/keystream.fixture';
import { verifiedProof } from './strong-mode/testing/strong-mode.fixture';
import { createUpload, patchUpload, uploadOffset } from './testing/raw-tus.client';
import { objectAvailable } from './testing/tus-test.helpers';
import type { TransferView } from './transfer/transfer.repository';

jest.setTimeout(600_000);

const MiB = 1024 * 1024;
const VIDEO_BYTES = 300 * MiB + 12_345;

/**
 * Three departments, each with its ledger, contracts service and storage
 * gateway in this process on the real Kafka, PostgreSQL and MinIO (a
 * schema per service, a bucket per gateway, a fresh channel). A provider
 * uploads a video of a few hundred MiB with the tus protocol, interrupted
 * and resumed; it is anchored, granted, transferred to another department,
 * verified chunk by chunk and recorded; an access limit holds under 20
 * concurrent fetches; the scrubber catches an object altered in MinIO.
 */
describe('storage gateways of three departments on Kafka + PostgreSQL + MinIO', () => {
  const pgUrl = postgresTestUrl();
  const kafkaBrokers = kafkaTestBrokers().join(',');
  const minio = minioTestSettings();
  const run = randomBytes(4).toString('hex');
  const channel = `gateway-${run}`;
  const members = ['a', 'b', 'c'].map((d) => testMember(`dept-${d}-${run}`));
  const [a, b, c] = members;
  const schema = (i: number, service: string) => `gw_it_${run}_${i}_${service}`;
  const bucket = (i: number) => `accord-it-${run}-${i}`;
  const depts: GatewayDepartment[] = [];
  let dir: string;
  let txs: TxPublisher;

  const requestGrant = async (requester: GatewayDepartment, dataset: string): Promise<string> => {
    const id = await txs.send(requester.member, 'access.request', { dataset, purpose: 'planning', durationMs: 90_000 });
    await grantSeenBy(depts[0].gateway, id);
    await grantSeenBy(requester.gateway, id);
    return id;
  };
  const settled = (dept: GatewayDepartment, id: string) =>
    waitFor(
      `transfer ${id} to end`,
      async () => {
        const res = await gatewayApi(dept.gateway, 'user').get(`/v1/transfers/${id}`);
        return res.body.status === 'running' ? undefined : (res.body as TransferView);
      },
      300_000,
    );
  /** SHA-256 of an object's content as the gateway streams it. */
  const sha256Of = (dept: GatewayDepartment, objectId: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      httpGet(
        new URL(`/v1/objects/${objectId}/content`, dept.gateway.url),
        { headers: { Authorization: `Bearer ${dept.gateway.tokens.user}` } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`content answered ${res.statusCode}`));
          res.on('data', (chunk: Buffer) => hash.update(chunk));
          res.on('end', () => resolve(hash.digest('hex')));
          res.on('error', reject);
        },
      ).on('error', reject);
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-gateway-it-'));
    const ports = await Promise.all(members.map(() => freePort()));
    for (const [i, member] of members.entries()) {
      depts.push(
        await startGatewayDepartment({
          member,
          dir,
          env: { ACCORD_DATABASE: pgUrl, ACCORD_BUS: `kafka:${kafkaBrokers}` },
          ledgerEnv: { ACCORD_DATABASE_SCHEMA: schema(i, 'ledger'), ACCORD_LEDGER_CHANNELS: channel },
          contractsEnv: { ACCORD_DATABASE_SCHEMA: schema(i, 'contracts'), ACCORD_CONTRACTS_POLL_MS: '20' },
          gatewayEnv: {
            ACCORD_DATABASE_SCHEMA: schema(i, 'gateway'),
            ACCORD_OBJECT_STORE: `minio:${minio.endpoint}`,
            ACCORD_OBJECT_STORE_ACCESS_KEY: minio.accessKey,
            ACCORD_OBJECT_STORE_SECRET_KEY: minio.secretKey,
            ACCORD_OBJECT_STORE_BUCKET: bucket(i),
            ACCORD_GATEWAY_KEK_FILE: await writeGatewayKek(dir, member.id),
          },
          gatewayPort: ports[i],
          peers: Object.fromEntries(
            members.flatMap((m, j) => (m === member ? [] : [[m.id, `http://127.0.0.1:${ports[j]}`] as const])),
          ),
        }),
      );
    }
    await createRulesChannel(depts[0], channel, members, TEST_RULES as unknown as JsonObject);
    for (const dept of depts) await gatewayKnowsChannel(dept.gateway, channel);
    txs = new TxPublisher(depts[0].bus, channel);
    await txs.send(
      a,
      'dataset.register',
      registration('traffic-video', { dataType: 'video' }) as unknown as JsonObject,
    );
    await txs.send(
      a,
      'dataset.register',
      registration('permits', { policy: odrlPolicy({ maxAccesses: 5 }) }) as unknown as JsonObject,
    );
    await txs.send(
      a,
      'dataset.register',
      registration('residents', { governance: 'strong', sensitivity: 'public' }) as unknown as JsonObject,
    );
    // Requests cost points: b and c earn theirs by registering a dataset each.
    for (const member of [b, c])
      await txs.send(member, 'dataset.register', registration('own') as unknown as JsonObject);
  }, 600_000);

  afterAll(async () => {
    for (const dept of depts.reverse()) await dept.close();
    await dropTestSchema(
      pgUrl,
      ...members.flatMap((_, i) => ['ledger', 'contracts', 'gateway'].map((s) => schema(i, s))),
    );
    for (const i of members.keys()) await dropTestBucket(minioTestConfig(bucket(i)));
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  let videoObject: string;
  let videoAnchor: string;

  it('uploads a video of 300 MiB with an interruption and a resume, encrypted in MinIO, and anchors it', async () => {
    const [deptA] = depts;
    const expected = await keystreamDigest(run, VIDEO_BYTES);
    const path = await createUpload(deptA.gateway, VIDEO_BYTES, {
      channel,
      dataset: `${a.id}/traffic-video`,
      version: '1',
      mediaType: 'video/mp4',
    });
    const cut = await patchUpload(deptA.gateway, path, 0, keystream(run, 0, VIDEO_BYTES), { cutAfter: 120 * MiB });
    expect(cut.status).toBe(0);
    // As a tus client does: HEAD for the offset, PATCH from there; 409 while the server still finishes
    // the interrupted PATCH (its lease, or an offset that moved on meanwhile): ask again.
    const { resumedAt, done } = await waitFor(
      'the upload to resume from the offset the server kept',
      async () => {
        const offset = await uploadOffset(deptA.gateway, path);
        const answer = await patchUpload(deptA.gateway, path, offset, keystream(run, offset, VIDEO_BYTES));
        return answer.status === 409 ? undefined : { resumedAt: offset, done: answer };
      },
      120_000,
    );
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(120 * MiB + 1 * MiB);
    expect(done.status).toBe(204);
    expect(Number(done.headers['upload-offset'])).toBe(VIDEO_BYTES);
    videoObject = String(done.headers['accord-object-id']);
    const object = await objectAvailable(deptA.gateway, videoObject);
    expect(object).toMatchObject({ sha256: expected.sha256, chunkRoot: expected.chunkRoot, sizeBytes: VIDEO_BYTES });
    videoAnchor = object.anchorTxId as string;
    // The ledger holds the anchor; MinIO holds ciphertext only (no 4 KiB of the plaintext appears in a piece).
    const anchor = await request(deptA.ledger.url)
      .get(`/v1/txs/${videoAnchor}`)
      .set('Authorization', `Bearer ${deptA.ledger.tokens.user}`)
      .expect(200);
    expect(anchor.body).toMatchObject({ code: 'valid' });
    const client = minioClient(minio);
    const pieces = (await gatewayDb(deptA.gateway).query(
      'SELECT store_key FROM gateway_object_piece WHERE object_id = $1 ORDER BY first_segment LIMIT 1',
      [videoObject],
    )) as { store_key: string }[];
    const stored = await readAll(await client.getPartialObject(bucket(0), pieces[0].store_key, 0, 1 * MiB));
    const plaintext = await readAll(keystream(run, 0, 1 * MiB));
    expect(stored.includes(plaintext.subarray(100_000, 104_096))).toBe(false);
    expect(await sha256Of(deptA, videoObject)).toBe(expected.sha256);
  });

  it('transfers it to a granted department, verified chunk by chunk, recorded on the chain and kept in its MinIO', async () => {
    const [deptA, deptB] = depts;
    const grant = await requestGrant(deptB, `${a.id}/traffic-video`);
    const started = await gatewayApi(deptB.gateway, 'user').post('/v1/transfers', { grant }).expect(202);
    const done = await settled(deptB, started.body.transferId);
    expect(done).toMatchObject({ status: 'completed', bytesVerified: VIDEO_BYTES, anchorTx: videoAnchor });
    expect(await sha256Of(deptB, done.objectId as string)).toBe((await keystreamDigest(run, VIDEO_BYTES)).sha256);
    const use = await request(deptA.ledger.url)
      .get(`/v1/txs/${done.useTx}`)
      .set('Authorization', `Bearer ${deptA.ledger.tokens.user}`)
      .expect(200);
    expect(use.body).toMatchObject({ code: 'valid' });
    const grantState = await request(deptB.contracts.url)
      .get(`/v1/channels/${channel}/grants/${grant}`)
      .set('Authorization', `Bearer ${deptB.contracts.tokens.user}`)
      .expect(200);
    expect(grantState.body.grant).toMatchObject({ accessesUsed: 1, bytesUsed: VIDEO_BYTES });
    const copyPieces = (await gatewayDb(deptB.gateway).query(
      'SELECT count(*)::int AS n FROM gateway_object_piece WHERE object_id = $1',
      [done.objectId],
    )) as { n: number }[];
    expect(copyPieces[0].n).toBeGreaterThan(0);
  });

  it('holds "at most 5 accesses" under 20 concurrent transfers', async () => {
    const [deptA, , deptC] = depts;
    const permits = randomBytes(3 * MiB);
    const path = await createUpload(deptA.gateway, permits.length, {
      channel,
      dataset: `${a.id}/permits`,
      version: '1',
      mediaType: 'text/csv',
    });
    const uploaded = await patchUpload(deptA.gateway, path, 0, streamOf(permits));
    await objectAvailable(deptA.gateway, String(uploaded.headers['accord-object-id']));
    const grant = await requestGrant(deptC, `${a.id}/permits`);
    const started = await Promise.all(
      Array.from({ length: 20 }, () => gatewayApi(deptC.gateway, 'user').post('/v1/transfers', { grant })),
    );
    expect(started.every((r) => r.status === 202)).toBe(true);
    const ended = await Promise.all(started.map((r) => settled(deptC, r.body.transferId)));
    const completed = ended.filter((t) => t.status === 'completed');
    expect(completed).toHaveLength(5);
    for (const refused of ended.filter((t) => t.status === 'failed'))
      expect(refused.error?.code).toBe('transfer_refused');
    const grantState = await request(deptA.contracts.url)
      .get(`/v1/channels/${channel}/grants/${grant}`)
      .set('Authorization', `Bearer ${deptA.contracts.tokens.user}`)
      .expect(200);
    expect(grantState.body.grant).toMatchObject({ accessesUsed: 5, status: 'exhausted' });
  });

  it('catches an object altered directly in MinIO with the scrubber', async () => {
    const [deptA] = depts;
    const client = minioClient(minio);
    const rows = (await gatewayDb(deptA.gateway).query(
      'SELECT store_key FROM gateway_object_piece WHERE object_id = $1 ORDER BY first_segment DESC LIMIT 1',
      [videoObject],
    )) as { store_key: string }[];
    const original = await readAll(await client.getObject(bucket(0), rows[0].store_key));
    const altered = Buffer.from(original);
    altered[1000] ^= 0xff;
    await client.putObject(bucket(0), rows[0].store_key, altered);
    const report = await gatewayApi(deptA.gateway, 'operations').post('/v1/scrubber/runs?wait=true').expect(200);
    expect(report.body.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ objectId: videoObject, kind: 'tampered' })]),
    );
    const metrics = await request(deptA.gateway.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/accord_gateway_scrub_findings_total\{[^}]*kind="tampered"[^}]*\} [1-9]/);
  });

  let residentsRecord: string;

  it('shares strong-mode records with the grantee only: the chain holds ciphertext, the key goes to the grantee', async () => {
    const [deptA, deptB, deptC] = depts;
    const content = JSON.stringify([{ citizen: 'c-1001', district: 'Haishu', permit: 'P-77' }]);
    const published = await gatewayApi(deptA.gateway, 'provider')
      .post('/v1/records', {
        channel,
        dataset: `${a.id}/residents`,
        record: 'batch-1',
        mediaType: 'application/json',
        content,
      })
      .expect(202);
    residentsRecord = published.body.txId as string;
    await requestGrant(deptB, `${a.id}/residents`);
    const shared = await waitFor(
      "the record's key shared with b",
      async () => {
        const res = await gatewayApi(deptB.gateway, 'user').get(`/v1/records/${residentsRecord}/content`);
        return res.status === 200 ? res : undefined;
      },
      60_000,
    );
    expect(shared.text).toBe(content);
    const onChain = await request(deptA.ledger.url)
      .get(`/v1/txs/${residentsRecord}`)
      .set('Authorization', `Bearer ${deptA.ledger.tokens.user}`)
      .expect(200);
    expect(JSON.stringify(onChain.body)).not.toContain('Haishu');
    await waitFor('the record at c', async () =>
      (
        (await gatewayDb(deptC.gateway).query('SELECT 1 FROM gateway_record WHERE tx_id = $1', [
          residentsRecord,
        ])) as unknown[]
      ).length === 1
        ? true
        : undefined,
    );
    const refused = await gatewayApi(deptC.gateway, 'user').get(`/v1/records/${residentsRecord}/content`).expect(404);
    expect(refused.body.error).toBe('record_not_shared');
  });

  it('erases by destroying keys: nothing decrypts any more, every proof still verifies', async () => {
    const [deptA, deptB] = depts;
    await gatewayApi(deptA.gateway, 'dataadmin')
      .post('/v1/erasures', { channel, target: 'record', tx: residentsRecord, reason: 'citizen asked for erasure' })
      .expect(202);
    await waitFor('the record erased at b', async () => {
      const res = await gatewayApi(deptB.gateway, 'user').get(`/v1/records/${residentsRecord}/content`);
      return res.status === 410 ? true : undefined;
    });
    await gatewayApi(deptA.gateway, 'provider').get(`/v1/records/${residentsRecord}/content`).expect(410);
    const erased = await gatewayApi(deptA.gateway, 'dataadmin')
      .post('/v1/erasures', { channel, target: 'object', tx: videoAnchor, reason: 'retention period over' })
      .expect(202);
    const client = minioClient(minio);
    await waitFor(
      'the video gone from both buckets',
      async () => {
        const left = await Promise.all(
          [0, 1].map(async (i) => {
            const names: string[] = [];
            for await (const item of client.listObjectsV2(bucket(i), 'objects/', true) as AsyncIterable<{
              name?: string;
            }>)
              if (item.name) names.push(item.name);
            const copies = (await gatewayDb(depts[i].gateway).query(
              `SELECT object_id FROM gateway_object WHERE anchor_tx_id = $1`,
              [videoAnchor],
            )) as { object_id: string }[];
            return names.filter((n) => copies.some((c) => n.startsWith(`objects/${c.object_id}/`))).length;
          }),
        );
        return left.every((n) => n === 0) ? true : undefined;
      },
      60_000,
    );
    await request(deptA.gateway.url)
      .get(`/v1/objects/${videoObject}/content`)
      .set('Authorization', `Bearer ${deptA.gateway.tokens.user}`)
      .expect(410);
    for (const tx of [videoAnchor, residentsRecord, erased.body.txId as string])
      expect((await verifiedProof(deptB, channel, tx)).envelope.body.channel).toBe(channel);
  });
});

function minioClient(settings: { endpoint: string; accessKey: string; secretKey: string }): Client {
  const url = new URL(settings.endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: settings.accessKey,
    secretKey: settings.secretKey,
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function streamOf(bytes: Buffer): Readable {
  return Readable.from([bytes]);
}
