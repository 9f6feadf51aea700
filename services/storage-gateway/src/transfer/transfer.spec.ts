import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRulesChannel, TxPublisher } from '@accord/contracts-service/testing';
import { ACCORD_GRANT_HEADER, signRequest, TRANSFER_SIGNATURE_TAG } from '@accord/data-plane';
import { waitFor } from '@accord/event-bus/testing';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { odrlPolicy, registration, TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import request from 'supertest';
import { appendStoredBytes, objectStoreOf } from '../scrubber/testing/stored-object.builder';
import { storeAnchoredObject, type AnchoredObject } from '../testing/anchored-object.fixture';
import {
  freePort,
  gatewayApi,
  gatewayDb,
  gatewayKnowsChannel,
  grantSeenBy,
  startGatewayDepartment,
  type GatewayDepartment,
} from '../testing/gateway-department.fixture';
import { EXCHANGE_PATH } from './exchange.protocol';
import type { TransferView } from './transfer.repository';

jest.setTimeout(120_000);

/**
 * Signed transfers between three departments in this process (embedded log,
 * PGlite, local object stores): a provider (a), a grantee (b) and a member
 * without a grant (c). b's gateway fetches a's anchored object, verifies it
 * chunk by chunk and keeps a copy; the access limit holds under concurrent
 * requests; every forged, replayed or tampered request is refused; bytes
 * altered on the way are refused and nothing of them is kept.
 */
describe('signed transfers between gateways', () => {
  const run = randomBytes(4).toString('hex');
  const channel = `xfer-${run}`;
  const [a, b, c] = ['a', 'b', 'c'].map((d) => testMember(`dept-${d}-${run}`));
  const depts: GatewayDepartment[] = [];
  let dir: string;
  let txs: TxPublisher;
  let tamperer: Server;
  const content = randomBytes(700_000);
  let video: AnchoredObject;
  let grant: string;

  /** A GET of a's exchange endpoint signed by `signer` (default b) for `grantId`. */
  const signedGet = (
    grantId: string,
    options: { signer?: typeof b; range?: string; created?: number; nonce?: string; query?: string } = {},
  ) => {
    const signer = options.signer ?? b;
    const query = options.query ?? `anchor=${video.anchorTxId}`;
    const headers: Record<string, string> = { [ACCORD_GRANT_HEADER]: grantId };
    if (options.range !== undefined) headers.range = options.range;
    const created = options.created ?? Math.floor(Date.now() / 1000);
    const signature = signRequest(
      { method: 'GET', path: EXCHANGE_PATH, query, headers },
      {
        created,
        expires: created + 60,
        nonce: options.nonce ?? randomBytes(12).toString('hex'),
        keyId: signer.id,
        tag: TRANSFER_SIGNATURE_TAG,
      },
      signer.keys.ed25519.privateKey,
    );
    return { url: `${EXCHANGE_PATH}?${query}`, headers: { ...headers, ...signature } };
  };

  const requestGrant = async (requester: typeof b, dataset: string): Promise<string> => {
    const id = await txs.send(requester, 'access.request', { dataset, purpose: 'planning', durationMs: 90_000 });
    await grantSeenBy(depts[0].gateway, id);
    await grantSeenBy(depts[['a', 'b', 'c'].indexOf(requester === b ? 'b' : requester === c ? 'c' : 'a')].gateway, id);
    return id;
  };

  const transferOf = (dept: GatewayDepartment, grantId: string) =>
    gatewayApi(dept.gateway, 'user').post('/v1/transfers', { grant: grantId });

  const settled = (dept: GatewayDepartment, id: string) =>
    waitFor(
      `transfer ${id} to end`,
      async () => {
        const res = await gatewayApi(dept.gateway, 'user').get(`/v1/transfers/${id}`);
        return res.body.status === 'running' ? undefined : (res.body as TransferView);
      },
      60_000,
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-transfer-'));
    const ports = await Promise.all([a, b, c, 'tamperer'].map(() => freePort()));
    const url = (i: number) => `http://127.0.0.1:${ports[i]}`;
    for (const [i, member] of [a, b, c].entries()) {
      const peers = Object.fromEntries(
        [a, b, c]
          .map((m, j) => [m.id, m === a && member === c ? url(3) : url(j)] as const)
          .filter(([id]) => id !== member.id),
      );
      depts.push(
        await startGatewayDepartment({
          member,
          dir,
          ...(i === 0 ? {} : { bus: depts[0].bus }),
          env: { ACCORD_DATA_DIR: join(dir, member.id) },
          ledgerEnv: { ACCORD_LEDGER_CHANNELS: channel },
          gatewayPort: ports[i],
          peers,
        }),
      );
    }
    // c reaches a only through a proxy that flips one byte of the answer's first chunk.
    tamperer = createServer((req, res) => {
      const upstream = httpRequest(`${url(0)}${req.url}`, { headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        let seen = 0;
        answer.on('data', (data: Buffer) => {
          const copy = Buffer.from(data);
          if (seen <= 2000 && seen + copy.length > 2000) copy[2000 - seen] ^= 0x01;
          seen += copy.length;
          res.write(copy);
        });
        answer.on('end', () => res.end());
      });
      upstream.end();
    }).listen(ports[3], '127.0.0.1');
    await createRulesChannel(depts[0], channel, [a, b, c], TEST_RULES as unknown as JsonObject);
    for (const dept of depts) await gatewayKnowsChannel(dept.gateway, channel);
    txs = new TxPublisher(depts[0].bus, channel);
    await txs.send(
      a,
      'dataset.register',
      registration('video', { policy: odrlPolicy({ maxAccesses: 3 }) }) as unknown as JsonObject,
    );
    await txs.send(a, 'dataset.register', registration('damaged') as unknown as JsonObject);
    // Requests cost points: b and c earn theirs by registering a dataset each.
    for (const member of [b, c])
      await txs.send(member, 'dataset.register', registration('own') as unknown as JsonObject);
    video = await storeAnchoredObject(depts[0].gateway, {
      channel,
      dataset: `${a.id}/video`,
      mediaType: 'video/mp4',
      bytes: content,
      chunkSize: 65_536,
    });
    // Every gateway holds the anchor before anyone asks.
    for (const dept of depts)
      await waitFor('the anchor everywhere', async () =>
        (
          (await gatewayDb(dept.gateway).query('SELECT 1 FROM gateway_anchor WHERE tx_id = $1', [
            video.anchorTxId,
          ])) as unknown[]
        ).length === 1
          ? true
          : undefined,
      );
    grant = await requestGrant(b, `${a.id}/video`);
  }, 120_000);

  afterAll(async () => {
    tamperer?.close();
    for (const dept of depts.reverse()) await dept.close();
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('fetches the granted object, verifies every chunk, keeps a copy and records the access on the chain', async () => {
    const started = await transferOf(depts[1], grant).expect(202);
    expect(started.body).toMatchObject({ status: 'running', grant, provider: a.id, anchorTx: video.anchorTxId });
    const done = await settled(depts[1], started.body.transferId);
    expect(done).toMatchObject({ status: 'completed', bytesVerified: content.length, progress: 100, error: null });
    const copy = await gatewayApi(depts[1].gateway, 'user')
      .get(done.contentUrl as string)
      .buffer(true)
      .expect(200);
    expect(Buffer.compare(copy.body as Buffer, content)).toBe(0);
    const ranged = await gatewayApi(depts[1].gateway, 'user')
      .get(done.contentUrl as string)
      .set('Range', 'bytes=100000-100099')
      .buffer(true)
      .expect(206);
    expect(Buffer.compare(ranged.body as Buffer, content.subarray(100_000, 100_100))).toBe(0);
    // The provider recorded the use before serving; the rules applied it.
    const uses = (await gatewayDb(depts[0].gateway).query('SELECT * FROM gateway_use WHERE tx_id = $1', [
      done.useTx,
    ])) as {
      outcome: string;
      range_start: string;
      range_end: string;
    }[];
    expect(uses[0]).toMatchObject({ outcome: 'used', range_start: '0', range_end: String(content.length - 1) });
    const contractsGrant = await request(depts[0].contracts.url)
      .get(`/v1/channels/${channel}/grants/${grant}`)
      .set('Authorization', `Bearer ${depts[0].contracts.tokens.user}`)
      .expect(200);
    expect(contractsGrant.body.grant).toMatchObject({ accessesUsed: 1, bytesUsed: content.length });
  });

  it('serves a range as whole chunks with their proofs, and refuses a range outside the object with 416', async () => {
    const ranged = signedGet(grant, { range: 'bytes=70000-70010' });
    const res = await request(depts[0].gateway.url)
      .get(ranged.url)
      .set(ranged.headers)
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(res.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/);
    expect((res.body as Buffer).toString('latin1')).toContain('Content-Range: bytes 65536-131071/700000');
    const outside = signedGet(grant, { range: 'bytes=800000-800010' });
    const refused = await request(depts[0].gateway.url).get(outside.url).set(outside.headers).expect(416);
    expect(refused.headers['content-range']).toBe('bytes */700000');
  });

  it('refuses unsigned, forged, replayed, expired and tampered requests, and grants it does not know', async () => {
    const gw = () => request(depts[0].gateway.url);
    await gw()
      .get(`${EXCHANGE_PATH}?anchor=${video.anchorTxId}`)
      .set(ACCORD_GRANT_HEADER, grant)
      .expect(401)
      .expect((r) => expect(r.body.error).toBe('signature.missing'));
    const byC = signedGet(grant, { signer: c });
    await gw()
      .get(byC.url)
      .set(byC.headers)
      .expect(403)
      .expect((r) => expect(r.body.error).toBe('not_grantee'));
    const once = signedGet(grant, { range: 'bytes=0-10', nonce: `replay-${run}` });
    await gw().get(once.url).set(once.headers).expect(206);
    await gw()
      .get(once.url)
      .set(once.headers)
      .expect(401)
      .expect((r) => expect(r.body.error).toBe('request_replayed'));
    const old = signedGet(grant, { created: Math.floor(Date.now() / 1000) - 3600 });
    await gw()
      .get(old.url)
      .set(old.headers)
      .expect(401)
      .expect((r) => expect(r.body.error).toBe('signature.expired'));
    const tampered = signedGet(grant, { range: 'bytes=0-10' });
    await gw()
      .get(tampered.url)
      .set({ ...tampered.headers, range: 'bytes=0-600000' })
      .expect(401)
      .expect((r) => expect(r.body.error).toBe('signature.invalid'));
    const unknown = signedGet('ab'.repeat(32));
    await gw()
      .get(unknown.url)
      .set(unknown.headers)
      .expect(404)
      .expect((r) => expect(r.body.error).toBe('grant_not_found'));
  });

  it('holds "at most 3 accesses" under concurrent requests: the log decides who gets the last ones', async () => {
    const limited = await requestGrant(b, `${a.id}/video`);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => {
        const signed = signedGet(limited, { range: 'bytes=0-10' });
        return request(depts[0].gateway.url).get(signed.url).set(signed.headers).buffer(true).parse(binary);
      }),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 206)).toHaveLength(3);
    for (const refused of answers.filter((r) => r.status !== 206)) {
      expect(refused.status).toBe(403);
      expect(['use_rejected', 'grant_not_live']).toContain(JSON.parse((refused.body as Buffer).toString()).error);
    }
  });

  it('refuses bytes altered on the way: the transfer fails and nothing of it is kept', async () => {
    const cGrant = await requestGrant(c, `${a.id}/video`);
    const started = await transferOf(depts[2], cGrant).expect(202);
    const done = await settled(depts[2], started.body.transferId);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('transfer_verification_failed');
    expect(done.contentUrl).toBeNull();
    const copies = (await gatewayDb(depts[2].gateway).query(
      `SELECT status, wrapped_key FROM gateway_object WHERE origin = 'copy'`,
    )) as { status: string; wrapped_key: string | null }[];
    expect(copies).toEqual([{ status: 'failed', wrapped_key: null }]);
    const pieces = (await gatewayDb(depts[2].gateway).query('SELECT count(*)::int AS n FROM gateway_object_piece')) as {
      n: number;
    }[];
    expect(pieces[0].n).toBe(0);
  });

  it('refuses an object whose stored piece grew behind its back with object_quarantined, before recording an access', async () => {
    const damaged = await storeAnchoredObject(depts[0].gateway, {
      channel,
      dataset: `${a.id}/damaged`,
      mediaType: 'application/octet-stream',
      bytes: randomBytes(200_000),
      chunkSize: 65_536,
    });
    const [piece] = (await gatewayDb(depts[0].gateway).query(
      'SELECT store_key FROM gateway_object_piece WHERE object_id = $1',
      [damaged.objectId],
    )) as { store_key: string }[];
    await appendStoredBytes(objectStoreOf(depts[0].gateway.service.app), piece.store_key, randomBytes(7));
    const damagedGrant = await requestGrant(b, `${a.id}/damaged`);
    const signed = signedGet(damagedGrant, { query: `anchor=${damaged.anchorTxId}` });
    const refused = await request(depts[0].gateway.url).get(signed.url).set(signed.headers).expect(409);
    expect(refused.body).toMatchObject({ error: 'object_quarantined', details: { kind: 'stored_part' } });
    expect(refused.body.message).toContain(`${piece.store_key} holds`);
    const uses = (await gatewayDb(depts[0].gateway).query(
      'SELECT count(*)::int AS n FROM gateway_use WHERE grant_id = $1',
      [damagedGrant],
    )) as { n: number }[];
    expect(uses[0].n).toBe(0);
    // The requester sees the provider's code in its transfer's error.
    const done = await settled(depts[1], (await transferOf(depts[1], damagedGrant).expect(202)).body.transferId);
    expect(done.error).toMatchObject({
      code: 'transfer_refused',
      message: expect.stringContaining('409 object_quarantined'),
    });
  });

  it('refuses to start a transfer without a live grant or a configured provider', async () => {
    await transferOf(depts[1], 'cd'.repeat(32))
      .expect(404)
      .expect((r) => expect(r.body.error).toBe('grant_not_found'));
    await transferOf(depts[0], grant)
      .expect(403)
      .expect((r) => expect(r.body.error).toBe('not_grantee'));
  });
});

/** supertest parser keeping a binary body as a Buffer. */
function binary(res: request.Response, done: (error: Error | null, body: unknown) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
