import { randomBytes, randomUUID } from 'node:crypto';
import { SEGMENT_HEADER_BYTES } from '@accord/data-plane';
import { waitFor } from '@accord/event-bus/testing';
import { checkErrorResponses, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { gatewayApi } from '../testing/gateway-department.fixture';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { storageGatewayService } from '../storage-gateway.definition';
import { headerKey } from '../vault/object-writer';
import { ObjectScrubber } from './object-scrubber';
import { ScrubRunner } from './scrub-run';
import { ScrubRepository } from './scrub.repository';
import type { ScrubFindingView, ScrubRunReportView } from './scrubber.dto';
import { ScrubberService } from './scrubber.service';
import {
  appendStoredBytes,
  flipStoredByte,
  objectStoreOf,
  storeAvailableObject,
  type StoredObjectSpec,
  type StoredTestObject,
} from './testing/stored-object.builder';
import { TokenBucket, type Pacing } from './token-bucket';

jest.setTimeout(60_000);

const SEGMENT = 65536;
/** Ciphertext of an object of `size` bytes: header, plaintext and one tag per segment. */
const ciphertextOf = (size: number) => SEGMENT_HEADER_BYTES + size + Math.max(1, Math.ceil(size / SEGMENT)) * 16;

describe('integrity scrubber', () => {
  let gw: ServiceUnderTest<StorageGatewayConfig>;
  const ops = () => gatewayApi(gw, 'operations');
  const store = (spec: Partial<StoredObjectSpec> = {}) =>
    storeAvailableObject(gw.service.app, { plaintext: randomBytes(100_000), chunkSize: 16_384, ...spec });
  const runNow = async (): Promise<ScrubRunReportView> =>
    (await ops().post('/v1/scrubber/runs?wait=true').expect(200)).body as ScrubRunReportView;
  const findingsOf = (report: ScrubRunReportView, object: StoredTestObject): ScrubFindingView[] =>
    report.findings.filter((f) => f.objectId === object.objectId);

  beforeAll(async () => {
    gw = await startServiceForTest(storageGatewayService, { env: { ACCORD_GATEWAY_SCRUB_INTERVAL_MS: '0' } });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('finds nothing wrong with intact objects, and counts the objects and bytes it read', async () => {
    const onePiece = await store({ anchor: {} });
    const twoPieces = await store({ plaintext: randomBytes(150_000), pieceBreaks: [SEGMENT] });
    expect(twoPieces.pieces).toHaveLength(2);

    const report = await runNow();

    expect(report.findings).toEqual([]);
    expect(report.run).toMatchObject({ status: 'finished', objectsChecked: 2, findings: 0 });
    expect(report.run.bytesRead).toBe(ciphertextOf(onePiece.digest.size) + ciphertextOf(twoPieces.digest.size));
    expect(report.run.finishedAt).not.toBeNull();
  });

  it('reports a flipped byte in a stored piece as tampered, with a metric and an error log', async () => {
    const object = await store({ plaintext: randomBytes(150_000), pieceBreaks: [SEGMENT], dataset: 'dept-a/cams' });
    await flipStoredByte(objectStoreOf(gw.service.app), object.pieces[1].storeKey, 100);

    const report = await runNow();

    expect(findingsOf(report, object)).toEqual([
      expect.objectContaining({ kind: 'tampered', dataset: 'dept-a/cams', channel: 'scrub-channel' }),
    ]);
    const metrics = (await request(gw.url).get('/metrics').set('Authorization', `Bearer ${ops().token}`)).text;
    expect(metrics).toMatch(/accord_gateway_scrub_findings_total\{[^}]*kind="tampered"[^}]*\} [1-9]/);
    expect(metrics).toMatch(new RegExp(`accord_gateway_scrub_open_findings\\{[^}]*\\} ${report.run.findings}\\b`));
    expect(metrics).toMatch(/accord_gateway_scrub_last_run_timestamp_seconds\{[^}]*\} \d/);
    const alert = gw.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.level === 'error' && line.objectId === object.objectId);
    expect(alert).toMatchObject({ kind: 'tampered', dataset: 'dept-a/cams', runId: report.run.runId });
    expect(alert?.detail).toEqual(expect.any(String));
  });

  it('reports an altered header as tampered', async () => {
    const object = await store();
    await flipStoredByte(objectStoreOf(gw.service.app), headerKey(object.objectId), SEGMENT_HEADER_BYTES - 1);

    expect(findingsOf(await runNow(), object)).toEqual([expect.objectContaining({ kind: 'tampered' })]);
  });

  it('reports bytes appended to a piece or to the header as size_mismatch, though every read range still decrypts', async () => {
    const grownPiece = await store({ plaintext: randomBytes(150_000), pieceBreaks: [SEGMENT] });
    await appendStoredBytes(objectStoreOf(gw.service.app), grownPiece.pieces[1].storeKey, randomBytes(10));
    const grownHeader = await store();
    await appendStoredBytes(objectStoreOf(gw.service.app), headerKey(grownHeader.objectId), randomBytes(3));

    const report = await runNow();

    expect(findingsOf(report, grownPiece)).toEqual([
      expect.objectContaining({
        kind: 'size_mismatch',
        detail: `${grownPiece.pieces[1].storeKey} holds ${grownPiece.pieces[1].byteSize + 10} bytes in the object store, ${grownPiece.pieces[1].byteSize} were written`,
      }),
    ]);
    expect(findingsOf(report, grownHeader)).toEqual([
      expect.objectContaining({ kind: 'size_mismatch', detail: expect.stringContaining('header holds 27 bytes') }),
    ]);
  });

  it('reports a removed piece, a removed header and a lost piece row as missing', async () => {
    const noPiece = await store({ plaintext: randomBytes(150_000), pieceBreaks: [SEGMENT] });
    await objectStoreOf(gw.service.app).remove(noPiece.pieces[0].storeKey);
    const noHeader = await store();
    await objectStoreOf(gw.service.app).remove(headerKey(noHeader.objectId));
    const noRow = await store({ plaintext: randomBytes(150_000), pieceBreaks: [SEGMENT] });
    await gw.service.app
      .get(DataSource)
      .query('DELETE FROM gateway_object_piece WHERE object_id = $1 AND first_segment = 1', [noRow.objectId]);

    const report = await runNow();

    expect(findingsOf(report, noPiece)).toEqual([
      expect.objectContaining({ kind: 'missing', detail: expect.stringContaining(noPiece.pieces[0].storeKey) }),
    ]);
    expect(findingsOf(report, noHeader)).toEqual([
      expect.objectContaining({ kind: 'missing', detail: expect.stringContaining('header') }),
    ]);
    expect(findingsOf(report, noRow)).toEqual([
      expect.objectContaining({ kind: 'missing', detail: expect.stringContaining('segments 1..2') }),
    ]);
  });

  it("reports a row's altered sha256, or an anchor that disagrees, as hash_mismatch or size_mismatch", async () => {
    const rowAltered = await store();
    await gw.service.app
      .get(DataSource)
      .query('UPDATE gateway_object SET sha256 = $2 WHERE object_id = $1', [rowAltered.objectId, 'ab'.repeat(32)]);
    const otherRoot = await store({ anchor: { chunkRoot: 'cd'.repeat(32) } });
    const otherSize = await store({ anchor: { sizeBytes: 99_999 } });

    const report = await runNow();

    expect(findingsOf(report, rowAltered)).toEqual([
      expect.objectContaining({
        kind: 'hash_mismatch',
        detail: expect.stringMatching(/^the object row has sha256 abab/),
      }),
    ]);
    expect(findingsOf(report, otherRoot)).toEqual([
      expect.objectContaining({
        kind: 'hash_mismatch',
        detail: expect.stringContaining(`anchor ${otherRoot.anchorTxId}`),
      }),
    ]);
    expect(findingsOf(report, otherSize)).toEqual([expect.objectContaining({ kind: 'size_mismatch' })]);
  });

  it('skips erased objects and objects not available yet', async () => {
    const db = gw.service.app.get(DataSource);
    const erased = await store();
    await db.query(`UPDATE gateway_object SET wrapped_key = NULL, status = 'erased' WHERE object_id = $1`, [
      erased.objectId,
    ]);
    const uploading = await store();
    await db.query(`UPDATE gateway_object SET status = 'uploading' WHERE object_id = $1`, [uploading.objectId]);
    await objectStoreOf(gw.service.app).remove(headerKey(erased.objectId));
    await objectStoreOf(gw.service.app).remove(headerKey(uploading.objectId));

    const report = await runNow();

    expect(findingsOf(report, erased)).toEqual([]);
    expect(findingsOf(report, uploading)).toEqual([]);
  });

  it('reads no faster than its budget: the bucket sleeps for everything beyond one burst', async () => {
    const object = await store({ plaintext: randomBytes(300_000), pieceBreaks: [2 * SEGMENT] });
    const sleeps: number[] = [];
    let now = 0;
    const pacing: Pacing = { now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
    const rate = 65_536;
    const bucket = new TokenBucket(rate, rate, pacing);

    const scrub = await gw.service.app
      .get(ObjectScrubber)
      .scrub({ objectId: object.objectId, segmentSize: SEGMENT }, bucket, new AbortController().signal);

    expect(scrub?.problems).toEqual([]);
    expect(scrub?.bytesRead).toBe(ciphertextOf(300_000));
    // Every byte beyond the first second's burst was paid for by a sleep, one segment at a time.
    const slept = sleeps.reduce((a, b) => a + b, 0);
    expect(slept).toBeGreaterThanOrEqual(((ciphertextOf(300_000) - rate) / rate) * 1000);
    expect(sleeps.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(Math.ceil(((SEGMENT + 16) / rate) * 1000));
  });

  it('stops a run at the shutdown signal, keeping its progress and leaving it unfinished', async () => {
    await store();
    const scrubs = gw.service.app.get(ScrubRepository);
    const runId = randomUUID();
    await scrubs.startRun(runId, Date.now());
    const stop = new AbortController();
    // The first object is read within the burst; the wait for the second is where the shutdown comes.
    const pacing: Pacing = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
          stop.abort(new Error('shutting down'));
        }),
    };

    const outcome = await gw.service.app
      .get(ScrubRunner)
      .run(runId, new TokenBucket(65_536, 150_000, pacing), stop.signal);

    expect(outcome).toBe('stopped');
    const [{ count }]: { count: string }[] = await gw.service.app
      .get(DataSource)
      .query(`SELECT count(*) AS count FROM gateway_object WHERE status = 'available' AND wrapped_key IS NOT NULL`);
    const run = await scrubs.findRun(runId);
    expect(run?.finishedAt).toBeNull();
    expect(run?.objectsChecked).toBeLessThan(Number(count));
    const shown = await gw.service.app.get(ScrubberService).report(runId);
    expect(shown.run.status).toBe('stopped');
  });

  it('answers a second request while a run goes with that same run', async () => {
    const scrubber = gw.service.app.get(ScrubberService);
    const [first, second] = await Promise.all([scrubber.start(), scrubber.start()]);
    expect(second.runId).toBe(first.runId);
    await first.done;
    const next = await scrubber.start();
    expect(next.runId).not.toBe(first.runId);
    await next.done;
  });

  describe('HTTP API', () => {
    it('is for the operations role only', async () => {
      for (const role of ['user', 'provider', 'dataadmin', 'sysadmin'] as const) {
        await gatewayApi(gw, role).get('/v1/scrubber').expect(403);
        await gatewayApi(gw, role).post('/v1/scrubber/runs').expect(403);
        await gatewayApi(gw, role).get(`/v1/scrubber/runs/${randomUUID()}`).expect(403);
      }
      await request(gw.url).get('/v1/scrubber').expect(401);
    });

    it('starts a run in the background (202) and shows it by id', async () => {
      const started = await ops().post('/v1/scrubber/runs').expect(202);
      expect(started.body).toEqual({ runId: expect.any(String), status: 'running' });
      await gw.service.app
        .get(ScrubberService)
        .start()
        .then((run) => run.done);
      const shown = await ops().get(`/v1/scrubber/runs/${started.body.runId}`).expect(200);
      expect(shown.body.run).toMatchObject({ runId: started.body.runId, status: 'finished' });
      expect(shown.body.findings).toEqual(expect.any(Array));
    });

    it('shows the schedule and the last finished run with its findings', async () => {
      const report = await runNow();
      const status = await ops().get('/v1/scrubber').expect(200);
      expect(status.body).toEqual({
        schedule: { intervalMs: 0, bytesPerSecond: 64 * 1024 * 1024 },
        running: false,
        lastRun: {
          runId: report.run.runId,
          startedAt: report.run.startedAt,
          finishedAt: report.run.finishedAt,
          objectsChecked: report.run.objectsChecked,
          bytesRead: report.run.bytesRead,
          findings: report.run.findings,
        },
        findings: report.findings,
      });
      expect(report.findings.length).toBeGreaterThan(0);
    });

    it('documents exactly the error statuses its routes answer', async () => {
      const token = ops().token;
      const other = gw.tokens.user;
      const report = await checkErrorResponses(gw.url, gw.service.openApi, [
        { method: 'GET', path: '/v1/scrubber', token: null, status: 401, error: 'unauthenticated' },
        { method: 'GET', path: '/v1/scrubber', token: other, status: 403, error: 'forbidden' },
        { method: 'POST', path: '/v1/scrubber/runs', token: null, status: 401, error: 'unauthenticated' },
        { method: 'POST', path: '/v1/scrubber/runs', token: other, status: 403, error: 'forbidden' },
        { method: 'POST', path: '/v1/scrubber/runs?wait=1', token, status: 400, error: 'validation_failed' },
        {
          method: 'GET',
          path: `/v1/scrubber/runs/${randomUUID()}`,
          token: null,
          status: 401,
          error: 'unauthenticated',
        },
        { method: 'GET', path: `/v1/scrubber/runs/${randomUUID()}`, token: other, status: 403, error: 'forbidden' },
        { method: 'GET', path: '/v1/scrubber/runs/x', token, status: 400, error: 'validation_failed' },
        { method: 'GET', path: `/v1/scrubber/runs/${randomUUID()}`, token, status: 404, error: 'scrub_run_not_found' },
      ]);
      const ofScrubber = (key: string) => (key.split(' ')[1] ?? '').startsWith('/v1/scrubber');
      expect([...report.unexpected, ...report.undocumented, ...report.unproduced.filter(ofScrubber)]).toEqual([]);
    });

    it('answers 404 for an unknown run and 400 for an id that is not one', async () => {
      const missing = await ops().get(`/v1/scrubber/runs/${randomUUID()}`).expect(404);
      expect(missing.body.error).toBe('scrub_run_not_found');
      await ops().get('/v1/scrubber/runs/not-a-uuid').expect(400);
      await ops().post('/v1/scrubber/runs?wait=maybe').expect(400);
    });
  });
});

describe('integrity scrubber schedule and shutdown', () => {
  it('runs by itself one interval after the start', async () => {
    const gw = await startServiceForTest(storageGatewayService, { env: { ACCORD_GATEWAY_SCRUB_INTERVAL_MS: '300' } });
    try {
      await storeAvailableObject(gw.service.app, { plaintext: randomBytes(10_000) });
      const last = await waitFor(
        'a scheduled scrub run to finish',
        async () => (await gatewayApi(gw, 'operations').get('/v1/scrubber').expect(200)).body.lastRun ?? undefined,
        20_000,
      );
      expect(last).toMatchObject({ objectsChecked: 1, findings: 0 });
    } finally {
      await gw.close();
    }
  });

  it('stops a running scrub when the gateway closes instead of reading on', async () => {
    // 4 MiB at 64 KiB/s would take a minute; closing must not wait for it.
    const gw = await startServiceForTest(storageGatewayService, {
      env: { ACCORD_GATEWAY_SCRUB_INTERVAL_MS: '0', ACCORD_GATEWAY_SCRUB_BYTES_PER_SEC: '65536' },
    });
    try {
      await storeAvailableObject(gw.service.app, { plaintext: randomBytes(4 * 1024 * 1024) });
      const started = await gatewayApi(gw, 'operations').post('/v1/scrubber/runs').expect(202);
      const run = await gw.service.app.get(ScrubberService).report(started.body.runId);
      expect(run.run.status).toBe('running');
    } finally {
      const closing = Date.now();
      await gw.close();
      expect(Date.now() - closing).toBeLessThan(20_000);
    }
  });
});
