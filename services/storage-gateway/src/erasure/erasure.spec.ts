import { randomBytes } from 'node:crypto';
import { waitFor } from '@accord/event-bus/testing';
import { MAX_STRONG_RECORD_BYTES, STORAGE_ANCHOR } from '@accord/data-plane';
import type { ObjectStore } from '@accord/object-store';
import { DepartmentTxPublisher, OBJECT_STORE } from '@accord/service-kit';
import { gatewayApi, gatewayDb, type GatewayDepartment } from '../testing/gateway-department.fixture';
import {
  expectDocumentedErrors,
  grantTo,
  publishRecord,
  registerDataset,
  rowWhen,
  rows,
  startStrongModeWorld,
  verifiedProof,
  type StrongModeWorld,
} from '../strong-mode/testing/strong-mode.fixture';
import { ObjectVault } from '../vault/object-vault';

const CHUNK = 4096;

/**
 * Stores `bytes` as an object of `dataset` version 1 in the department's
 * vault (what an upload does), then anchors it with a storage.anchor tx
 * signed by the department (for the owner) or just names that anchor (for
 * a verified copy held by a grantee). Answers the object id.
 */
async function storeObject(
  d: GatewayDepartment,
  spec: { channel: string; dataset: string; origin: 'upload' | 'copy'; anchorTxId?: string },
  bytes: Buffer,
): Promise<{ objectId: string; anchorTxId: string }> {
  const app = d.gateway.service.app;
  const vault = app.get(ObjectVault);
  const db = gatewayDb(d.gateway);
  const writer = await vault.create({
    origin: spec.origin,
    channel: spec.channel,
    dataset: spec.dataset,
    version: 1,
    mediaType: 'application/octet-stream',
    sizeBytes: bytes.length,
    status: spec.origin === 'upload' ? 'anchoring' : 'available',
    now: Date.now(),
    chunkSize: CHUNK,
  });
  await writer.write(bytes);
  await writer.flush();
  await vault.recordPieces(db.manager, writer.objectId, writer.takePieces());
  const digest = writer.digest();
  const anchorTxId =
    spec.anchorTxId ??
    (
      await app.get(DepartmentTxPublisher).publish({
        channel: spec.channel,
        type: STORAGE_ANCHOR,
        payload: {
          dataset: spec.dataset,
          version: 1,
          sizeBytes: bytes.length,
          mediaType: 'application/octet-stream',
          sha256: digest.sha256,
          chunkSize: CHUNK,
          chunkRoot: digest.chunkRoot,
        },
      })
    ).txId;
  await db.query(
    'UPDATE gateway_object SET sha256 = $2, chunk_root = $3, leaf_hashes = $4, anchor_tx_id = $5, completed_at = $6 WHERE object_id = $1',
    [writer.objectId, digest.sha256, digest.chunkRoot, digest.leafHashes, anchorTxId, Date.now()],
  );
  return { objectId: writer.objectId, anchorTxId };
}

// Two departments on one channel (ledger, contracts and gateway each;
// embedded log, PGlite, local object store): a owns the datasets and
// erases, b was granted a record's key and holds a verified copy of an
// object. After the erasure nobody can decrypt, while every proof still verifies.
describe('erasure by key destruction', () => {
  let world: StrongModeWorld;
  let a: GatewayDepartment;
  let b: GatewayDepartment;
  let residents: string;
  let traffic: string;
  const ids: Record<string, string> = {};
  const person = JSON.stringify({ name: 'Erin Example', nationalId: 'Z-1204' });

  const erase = (d: GatewayDepartment, body: object, role: 'dataadmin' | 'provider' | 'user' = 'dataadmin') =>
    gatewayApi(d.gateway, role).post('/v1/erasures', { channel: world.channel, reason: 'citizen request', ...body });
  const storeOf = (d: GatewayDepartment) => d.gateway.service.app.get<ObjectStore>(OBJECT_STORE);

  beforeAll(async () => {
    world = await startStrongModeWorld('erasure', ['a', 'b']);
    [a, b] = world.departments as [GatewayDepartment, GatewayDepartment];
    residents = await registerDataset(world, 'residents', 'strong');
    traffic = await registerDataset(world, 'traffic', 'light');
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  describe('a strong-mode record', () => {
    beforeAll(async () => {
      ids.record = await publishRecord(world, residents, 'erin', person);
      ids.grant = await grantTo(world, b, residents);
      await rowWhen(b, "b's key share", 'SELECT 1 FROM gateway_key_share WHERE record_tx_id = $1 AND recipient = $2', [
        ids.record,
        b.member.id,
      ]);
      await gatewayApi(b.gateway, 'user').get(`/v1/records/${ids.record}/content`).expect(200, person);
    }, 60_000);

    it('destroys the key at once, then publishes storage.erase; everyone drops the key shares', async () => {
      const res = await erase(a, { target: 'record', tx: ids.record });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: 'pending',
        channel: world.channel,
        dataset: residents,
        target: 'record',
        tx: ids.record,
        keysDestroyed: 1,
        objectsRemoved: 0,
      });
      ids.recordErase = res.body.txId;
      expect(await rows(a, 'SELECT wrapped_key, erased_by FROM gateway_record WHERE tx_id = $1', [ids.record])).toEqual(
        [{ wrapped_key: null, erased_by: ids.recordErase }],
      );
      await rowWhen(
        b,
        "b's share of the key destroyed",
        'SELECT wrapped_key FROM gateway_key_share WHERE record_tx_id = $1',
        [ids.record],
        (r) => r.wrapped_key === null,
      );
      expect(await rows(a, 'SELECT wrapped_key FROM gateway_key_share WHERE record_tx_id = $1', [ids.record])).toEqual([
        { wrapped_key: null },
      ]);
    });

    it('leaves nobody able to decrypt: 410 content_erased at the owner and the grantee', async () => {
      await rowWhen(
        b,
        'the erasure at b',
        'SELECT erased_by FROM gateway_record WHERE tx_id = $1',
        [ids.record],
        (r) => r.erased_by !== null,
      );
      for (const [d, role] of [
        [a, 'provider'],
        [a, 'user'],
        [b, 'user'],
      ] as const)
        await gatewayApi(d.gateway, role)
          .get(`/v1/records/${ids.record}/content`)
          .expect(410)
          .expect((r) => expect(r.body.error).toBe('content_erased'));
      const listed = await gatewayApi(a.gateway, 'user').get(`/v1/records?channel=${world.channel}`).expect(200);
      expect(listed.body.records).toEqual([expect.objectContaining({ txId: ids.record, erasedBy: ids.recordErase })]);
    });

    it('keeps the ciphertext on the chain, and the record and erase txs still prove', async () => {
      const recordProof = await verifiedProof(a, world.channel, ids.record as string);
      const [row] = await rows(b, 'SELECT ciphertext FROM gateway_record WHERE tx_id = $1', [ids.record]);
      expect(recordProof.envelope.body.payload).toMatchObject({ ciphertext: row?.ciphertext });
      const eraseProof = await verifiedProof(b, world.channel, ids.recordErase as string);
      expect(eraseProof.envelope.body).toMatchObject({
        type: 'storage.erase',
        from: a.member.id,
        payload: { dataset: residents, target: 'record', tx: ids.record, reason: 'citizen request' },
      });
    });

    it('answers a repeated erasure with 409 already_erased', async () => {
      await erase(a, { target: 'record', tx: ids.record })
        .expect(409)
        .expect((r) => expect(r.body.error).toBe('already_erased'));
    });
  });

  describe('an anchored object', () => {
    const bytes = randomBytes(3 * 65_536 + 1234);
    let owned: { objectId: string; anchorTxId: string };
    let copy: { objectId: string; anchorTxId: string };

    beforeAll(async () => {
      owned = await storeObject(a, { channel: world.channel, dataset: traffic, origin: 'upload' }, bytes);
      ids.anchor = owned.anchorTxId;
      await rowWhen(
        a,
        'the object available',
        'SELECT status FROM gateway_object WHERE object_id = $1',
        [owned.objectId],
        (r) => r.status === 'available',
      );
      // b holds a verified copy of it (what a transfer leaves behind).
      copy = await storeObject(
        b,
        { channel: world.channel, dataset: traffic, origin: 'copy', anchorTxId: owned.anchorTxId },
        bytes,
      );
      for (const [d, id] of [
        [a, owned.objectId],
        [b, copy.objectId],
      ] as const)
        expect((await storeOf(d).list(`objects/${id}/`)).length).toBeGreaterThan(1);
    }, 60_000);

    it("destroys the key, publishes storage.erase and removes the owner's stored ciphertext", async () => {
      const res = await erase(a, { target: 'object', tx: owned.anchorTxId });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ dataset: traffic, target: 'object', keysDestroyed: 1, objectsRemoved: 1 });
      ids.objectErase = res.body.txId;
      expect(
        await rows(a, 'SELECT wrapped_key, status, erased_at FROM gateway_object WHERE object_id = $1', [
          owned.objectId,
        ]),
      ).toEqual([{ wrapped_key: null, status: 'erased', erased_at: expect.anything() }]);
      expect(await storeOf(a).list(`objects/${owned.objectId}/`)).toEqual([]);
      expect(await rows(a, 'SELECT 1 FROM gateway_object_piece WHERE object_id = $1', [owned.objectId])).toEqual([]);
      const vault = a.gateway.service.app.get(ObjectVault);
      const object = await vault.get(owned.objectId);
      await expect(vault.readRange(object, { start: 0, end: 99 })).rejects.toMatchObject({ code: 'content_erased' });
    });

    it("has the grantee's gateway destroy its copy's key and remove its stored ciphertext", async () => {
      await rowWhen(
        b,
        "b's copy erased",
        'SELECT wrapped_key, status FROM gateway_object WHERE object_id = $1',
        [copy.objectId],
        (r) => r.status === 'erased' && r.wrapped_key === null,
      );
      // The projected erasure triggers b's clean-up: nobody calls it.
      // The store's objects go first, then the piece rows (removeStored): wait for both.
      await waitFor(
        "b's copy removed from its object store and its pieces forgotten",
        async () =>
          (await storeOf(b).list(`objects/${copy.objectId}/`)).length === 0 &&
          (await rows(b, 'SELECT 1 FROM gateway_object_piece WHERE object_id = $1', [copy.objectId])).length === 0
            ? true
            : undefined,
        30_000,
      );
    });

    it('keeps the anchor and its proof, with hash and root, and the erase tx proves too', async () => {
      const anchorProof = await verifiedProof(b, world.channel, owned.anchorTxId);
      const [object] = await rows(a, 'SELECT sha256, chunk_root FROM gateway_object WHERE object_id = $1', [
        owned.objectId,
      ]);
      expect(anchorProof.envelope.body.payload).toMatchObject({
        sha256: object?.sha256,
        chunkRoot: object?.chunk_root,
        sizeBytes: bytes.length,
      });
      await rowWhen(
        a,
        'the anchor marked erased',
        'SELECT erased_by FROM gateway_anchor WHERE tx_id = $1',
        [owned.anchorTxId],
        (r) => r.erased_by === ids.objectErase,
      );
      await verifiedProof(a, world.channel, ids.objectErase as string);
    });

    it('answers a repeated erasure with 409 already_erased', async () => {
      await erase(a, { target: 'object', tx: owned.anchorTxId })
        .expect(409)
        .expect((r) => expect(r.body.error).toBe('already_erased'));
    });
  });

  describe('bad input', () => {
    it('refuses callers without the dataadmin role (403 forbidden)', async () => {
      for (const role of ['provider', 'user'] as const)
        await erase(a, { target: 'record', tx: 'ab'.repeat(32) }, role)
          .expect(403)
          .expect((r) => expect(r.body.error).toBe('forbidden'));
    });

    it("refuses to erase another department's record or object (403 not_owner)", async () => {
      const record = await publishRecord(world, residents, 'frank', '{"name":"Frank"}');
      await rowWhen(
        b,
        'the record at b',
        'SELECT height FROM gateway_record WHERE tx_id = $1',
        [record],
        (r) => Number(r.height) >= 0,
      );
      await erase(b, { target: 'record', tx: record })
        .expect(403)
        .expect((r) => expect(r.body.error).toBe('not_owner'));
      await erase(b, { target: 'object', tx: ids.anchor })
        .expect(403)
        .expect((r) => expect(r.body.error).toBe('not_owner'));
    });

    it('answers unknown targets with 404 (record_not_found, object_not_found)', async () => {
      await erase(a, { target: 'record', tx: 'cd'.repeat(32) })
        .expect(404)
        .expect((r) => expect(r.body.error).toBe('record_not_found'));
      await erase(a, { target: 'object', tx: 'cd'.repeat(32) })
        .expect(404)
        .expect((r) => expect(r.body.error).toBe('object_not_found'));
      // A record tx is not an anchor.
      await erase(a, { target: 'object', tx: ids.record })
        .expect(404)
        .expect((r) => expect(r.body.error).toBe('object_not_found'));
    });

    it('documents exactly the error statuses the strong-mode and erasure routes answer', async () => {
      const { provider, user, operations, dataadmin } = a.gateway.tokens;
      const record = { channel: world.channel, dataset: residents, record: 'gina', mediaType: 'application/json' };
      const erasure = { channel: world.channel, target: 'record', tx: ids.record, reason: 'citizen request' };
      const unknown = 'ef'.repeat(32);
      await expectDocumentedErrors(
        a,
        ['/v1/records', '/v1/records/{txId}/content', '/v1/erasures'],
        [
          { method: 'POST', path: '/v1/records', token: null, body: record, status: 401, error: 'unauthenticated' },
          { method: 'POST', path: '/v1/records', token: user, body: record, status: 403, error: 'forbidden' },
          {
            method: 'POST',
            path: '/v1/records',
            token: provider,
            body: record,
            status: 400,
            error: 'validation_failed',
          },
          {
            method: 'POST',
            path: '/v1/records',
            token: provider,
            body: { ...record, channel: 'nowhere', content: '{}' },
            status: 404,
            error: 'channel_not_found',
          },
          {
            method: 'POST',
            path: '/v1/records',
            token: provider,
            body: { ...record, mediaType: 'text/csv', content: 'x'.repeat(MAX_STRONG_RECORD_BYTES + 1) },
            status: 413,
            error: 'record_too_large',
          },
          {
            method: 'GET',
            path: `/v1/records?channel=${world.channel}`,
            token: null,
            status: 401,
            error: 'unauthenticated',
          },
          { method: 'GET', path: '/v1/records?channel=Bad!', token: user, status: 400, error: 'validation_failed' },
          {
            method: 'GET',
            path: `/v1/records?channel=${world.channel}`,
            token: operations,
            status: 403,
            error: 'forbidden',
          },
          { method: 'GET', path: `/v1/records/${unknown}/content`, token: null, status: 401, error: 'unauthenticated' },
          { method: 'GET', path: '/v1/records/nothex/content', token: user, status: 400, error: 'validation_failed' },
          { method: 'GET', path: `/v1/records/${unknown}/content`, token: operations, status: 403, error: 'forbidden' },
          {
            method: 'GET',
            path: `/v1/records/${unknown}/content`,
            token: user,
            status: 404,
            error: 'record_not_found',
          },
          {
            method: 'GET',
            path: `/v1/records/${ids.record}/content`,
            token: user,
            status: 410,
            error: 'content_erased',
          },
          { method: 'POST', path: '/v1/erasures', token: null, body: erasure, status: 401, error: 'unauthenticated' },
          { method: 'POST', path: '/v1/erasures', token: provider, body: erasure, status: 403, error: 'forbidden' },
          { method: 'POST', path: '/v1/erasures', token: dataadmin, body: {}, status: 400, error: 'validation_failed' },
          {
            method: 'POST',
            path: '/v1/erasures',
            token: dataadmin,
            body: { ...erasure, tx: unknown },
            status: 404,
            error: 'record_not_found',
          },
          {
            method: 'POST',
            path: '/v1/erasures',
            token: dataadmin,
            body: erasure,
            status: 409,
            error: 'already_erased',
          },
        ],
        [
          {
            method: 'POST',
            route: '/v1/records',
            status: 409,
            why: 'not_channel_member needs a projected channel this department has left; the channel here keeps every member',
          },
        ],
      );
    });

    it('validates the body (400)', async () => {
      await erase(a, { target: 'dataset', tx: 'ab'.repeat(32) }).expect(400);
      await erase(a, { target: 'record', tx: 'not-a-tx' }).expect(400);
      await erase(a, { target: 'record', tx: 'ab'.repeat(32), reason: '' }).expect(400);
    });
  });
});
