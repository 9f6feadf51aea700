import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectDigester } from '@accord/data-plane';
import { createRulesChannel } from '@accord/contracts-service/testing';
import { waitFor } from '@accord/event-bus/testing';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry, type ServiceUnderTest } from '@accord/service-kit';
import fc from 'fast-check';
import { ReanchorService } from '../anchoring/reanchor.service';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import {
  gatewayDb,
  gatewayKnowsChannel,
  startGateway,
  startGatewayDepartment,
  type GatewayDepartment,
} from '../testing/gateway-department.fixture';
import { content, objectAvailable, testBytes, tusUpload } from '../testing/tus-test.helpers';

// One department (ledger, contracts, gateway in-process on the embedded log;
// the gateway's PGlite on disk so it can be restarted) uploads objects with
// the reference tus client, in several PATCHes, interrupted and resumed,
// across a restart of the gateway; each object is anchored on the ledger
// and then served, whole or by range, equal to what was uploaded.
const run = randomBytes(3).toString('hex');
const a = testMember(`dept-a-${run}`);
const b = testMember(`dept-b-${run}`);
const CHANNEL = `uploads-${run}`;
const CHUNK = 256 * 1024;

describe('tus uploads with tus-js-client, anchoring and reads', () => {
  let dir: string;
  let dept: GatewayDepartment;
  let gateway: ServiceUnderTest<StorageGatewayConfig>;
  let gatewayEnv: Record<string, string>;

  const metadata = (version: number) => ({
    channel: CHANNEL,
    dataset: `${a.id}/traffic`,
    version: String(version),
    mediaType: 'video/mp4',
    filename: 'ring-road.mp4',
  });

  const reference = (bytes: Buffer) => {
    const digester = new ObjectDigester();
    digester.update(bytes);
    return digester.digest();
  };

  const objectIdOf = async (uploadUrl: string): Promise<string> => {
    const rows: { object_id: string }[] = await gatewayDb(gateway).query(
      'SELECT object_id FROM gateway_upload WHERE upload_id = $1',
      [uploadUrl.split('/').pop()],
    );
    return rows[0]!.object_id;
  };

  /** The uploaded object is anchored with its digest and then served equal to `data`. */
  const expectAnchoredAndServed = async (objectId: string, data: Buffer) => {
    const digest = reference(data);
    const object = await objectAvailable(gateway, objectId);
    expect(object).toMatchObject({
      sizeBytes: data.length,
      sha256: digest.sha256,
      chunkRoot: digest.chunkRoot,
      chunkSize: digest.chunkSize,
    });
    const [anchor] = (await gatewayDb(gateway).query('SELECT * FROM gateway_anchor WHERE tx_id = $1', [
      object.anchorTxId,
    ])) as Record<string, unknown>[];
    expect(anchor).toMatchObject({
      owner: a.id,
      dataset: `${a.id}/traffic`,
      size_bytes: String(data.length),
      sha256: digest.sha256,
      chunk_root: digest.chunkRoot,
      chunk_size: digest.chunkSize,
      media_type: 'video/mp4',
    });
    const whole = await content(gateway, objectId).expect(200);
    expect(whole.headers.etag).toBe(`"sha256:${digest.sha256}"`);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect((whole.body as Buffer).equals(data)).toBe(true);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gw-upload-'));
    gatewayEnv = { ACCORD_DATABASE: `pglite:${join(dir, 'gateway-db')}` };
    dept = await startGatewayDepartment({ member: a, dir, env: { ACCORD_DATA_DIR: join(dir, 'a') }, gatewayEnv });
    gateway = dept.gateway;
    await createRulesChannel(dept, CHANNEL, [a, b], TEST_RULES as unknown as JsonObject);
    await gatewayKnowsChannel(gateway, CHANNEL);
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await dept?.close();
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it.each([false, true])(
    'uploads in several PATCHes (data during creation: %s), anchors, and serves the same bytes',
    async (uploadDataDuringCreation) => {
      const data = testBytes(3 * CHUNK + 12_345, uploadDataDuringCreation ? 2 : 1);
      const done = await tusUpload(gateway, data, {
        chunkSize: CHUNK,
        uploadDataDuringCreation,
        metadata: metadata(uploadDataDuringCreation ? 2 : 1),
      });
      expect(done.bytesSent).toBe(data.length);
      const objectId = done.lastHeaders('Accord-Object-Id')!;
      expect(objectId).toBeDefined();
      expect(done.lastHeaders('Accord-Anchor-Tx')).toMatch(/^[0-9a-f]{64}$/);
      await expectAnchoredAndServed(objectId, data);
    },
  );

  it('resumes an interrupted upload from the offset the server kept', async () => {
    const data = testBytes(4 * CHUNK + 999, 3);
    const first = await tusUpload(gateway, data, { chunkSize: CHUNK, metadata: metadata(3), stopAfterChunks: 2 });
    const objectId = await objectIdOf(first.url);
    const [row] = (await gatewayDb(gateway).query('SELECT upload_offset FROM gateway_upload WHERE object_id = $1', [
      objectId,
    ])) as { upload_offset: string }[];
    const kept = Number(row!.upload_offset);
    expect(kept).toBe(2 * CHUNK);

    const second = await tusUpload(gateway, data, { chunkSize: CHUNK, uploadUrl: first.url });
    expect(second.bytesSent).toBe(data.length - kept);
    expect(second.lastHeaders('Accord-Object-Id')).toBe(objectId);
    await expectAnchoredAndServed(objectId, data);
  });

  it('resumes after the gateway restarted (the writer is rebuilt from the stored bytes)', async () => {
    // Chunks that end inside a segment: the restarted writer goes on from a sealed tail.
    const data = testBytes(3 * CHUNK + 4321, 4);
    const chunkSize = CHUNK + 1000;
    const first = await tusUpload(gateway, data, { chunkSize, metadata: metadata(4), stopAfterChunks: 1 });
    const objectId = await objectIdOf(first.url);

    await gateway.close();
    gateway = await startGateway(dept, dept.keysFile, { ACCORD_DATA_DIR: join(dir, 'a'), ...gatewayEnv });

    // The same upload, at the restarted gateway's address.
    const uploadUrl = `${gateway.url}${new URL(first.url).pathname}`;
    const second = await tusUpload(gateway, data, { chunkSize, uploadUrl });
    expect(second.bytesSent).toBe(data.length - chunkSize);
    await expectAnchoredAndServed(objectId, data);
  });

  describe('reads of an available object', () => {
    const data = testBytes(CHUNK + 7777, 5);
    let objectId: string;

    beforeAll(async () => {
      const done = await tusUpload(gateway, data, { chunkSize: CHUNK, metadata: metadata(5) });
      objectId = done.lastHeaders('Accord-Object-Id')!;
      await objectAvailable(gateway, objectId);
    });

    it('answers 206 with Content-Range, and 416 with the size for a range outside', async () => {
      const part = await content(gateway, objectId, 'bytes=100-199').expect(206);
      expect(part.headers['content-range']).toBe(`bytes 100-199/${data.length}`);
      expect(part.headers['accept-ranges']).toBe('bytes');
      expect((part.body as Buffer).equals(data.subarray(100, 200))).toBe(true);
      const suffix = await content(gateway, objectId, 'bytes=-10').expect(206);
      expect((suffix.body as Buffer).equals(data.subarray(data.length - 10))).toBe(true);
      const outside = await content(gateway, objectId, `bytes=${data.length}-`).expect(416);
      expect(outside.headers['content-range']).toBe(`bytes */${data.length}`);
    });

    it('serves any range equal to the same slice of the input', async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(data.length - 1), fc.nat(200_000), async (start, length) => {
          const end = Math.min(start + length, data.length - 1);
          const res = await content(gateway, objectId, `bytes=${start}-${end}`).expect(206);
          expect((res.body as Buffer).equals(data.subarray(start, end + 1))).toBe(true);
        }),
        { numRuns: 8 },
      );
    });
  });

  it('does not serve an object while anchoring, and re-publishes an anchor that never committed', async () => {
    const data = testBytes(CHUNK, 6);
    const done = await tusUpload(gateway, data, { chunkSize: CHUNK, metadata: metadata(6) });
    const objectId = done.lastHeaders('Accord-Object-Id')!;
    const before = await objectAvailable(gateway, objectId);
    // As if the publish had failed and no anchor of it were ever committed.
    const db = gatewayDb(gateway);
    await db.query('DELETE FROM gateway_anchor WHERE tx_id = $1', [before.anchorTxId]);
    await db.query(
      `UPDATE gateway_object SET status = 'anchoring', anchor_tx_id = NULL, completed_at = 0 WHERE object_id = $1`,
      [objectId],
    );
    const refused = await content(gateway, objectId).expect(409);
    expect(JSON.parse((refused.body as Buffer).toString('utf8')).error).toBe('object_not_available');

    expect(await gateway.service.app.get(ReanchorService).runOnce()).toBe(1);
    const after = await objectAvailable(gateway, objectId);
    expect(after.anchorTxId).not.toBe(before.anchorTxId);
    await waitFor('the new anchor to be projected', async () => {
      const rows: unknown[] = await db.query('SELECT 1 FROM gateway_anchor WHERE tx_id = $1', [after.anchorTxId]);
      return rows.length === 1;
    });
  });
});
