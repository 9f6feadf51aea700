import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRulesChannel } from '@accord/contracts-service/testing';
import { waitFor } from '@accord/event-bus/testing';
import type { JsonObject } from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { TEST_RULES } from '@accord/rules/testing';
import { shutdownTelemetry } from '@accord/service-kit';
import request from 'supertest';
import {
  gatewayDb,
  gatewayKnowsChannel,
  startGatewayDepartment,
  type GatewayDepartment,
} from '../testing/gateway-department.fixture';
import { UploadExpiryService } from './upload-expiry.service';
import { encodeMetadata, testBytes } from '../testing/tus-test.helpers';

// Raw tus requests against one department's gateway: every refusal has its
// status, typed code and Tus-Resumable header, and a refused PATCH keeps
// nothing of its body while an interrupted one keeps what arrived.
const run = randomBytes(3).toString('hex');
const a = testMember(`dept-a-${run}`);
const b = testMember(`dept-b-${run}`);
const CHANNEL = `tus-${run}`;
const OCTETS = 'application/offset+octet-stream';

describe('tus protocol refusals and edge cases', () => {
  let dir: string;
  let dept: GatewayDepartment;

  const tus = () => {
    const token = dept.gateway.tokens.provider;
    const with_ = (r: request.Test) => r.set('Authorization', `Bearer ${token}`).set('Tus-Resumable', '1.0.0');
    const url = dept.gateway.url;
    return {
      post: (path = '/v1/uploads') => with_(request(url).post(path)),
      head: (path: string) => with_(request(url).head(path)),
      patch: (path: string, offset: number) =>
        with_(request(url).patch(path)).set('Upload-Offset', String(offset)).set('Content-Type', OCTETS),
      delete: (path: string) => with_(request(url).delete(path)),
    };
  };
  const metadata = (changes: Record<string, string> = {}) =>
    encodeMetadata({ channel: CHANNEL, dataset: `${a.id}/traffic`, version: '1', mediaType: 'text/csv', ...changes });
  const create = async (length: number): Promise<string> => {
    const res = await tus().post().set('Upload-Length', String(length)).set('Upload-Metadata', metadata()).expect(201);
    return res.headers.location as string;
  };
  const offsetOf = async (location: string): Promise<number> =>
    Number((await tus().head(location).expect(200)).headers['upload-offset']);
  const sha256 = (bytes: Buffer) => `sha256 ${createHash('sha256').update(bytes).digest('base64')}`;
  const expectError = (res: request.Response, status: number, error: string) => {
    expect({ status: res.status, error: (res.body as { error?: string }).error }).toEqual({ status, error });
    expect(res.headers['tus-resumable']).toBe('1.0.0');
  };
  // A HEAD answer has no body to name its error: the status says it.
  const expectHeadStatus = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['tus-resumable']).toBe('1.0.0');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gw-tus-'));
    dept = await startGatewayDepartment({ member: a, dir, env: { ACCORD_DATA_DIR: join(dir, 'a') } });
    await createRulesChannel(dept, CHANNEL, [a, b], TEST_RULES as unknown as JsonObject);
    await gatewayKnowsChannel(dept.gateway, CHANNEL);
  }, 120_000);

  afterAll(async () => {
    await dept?.close();
    await rm(dir, { recursive: true, force: true });
    await shutdownTelemetry();
  });

  it('announces its capabilities to anyone on OPTIONS', async () => {
    const res = await request(dept.gateway.url).options('/v1/uploads').expect(204);
    expect(res.headers).toMatchObject({
      'tus-resumable': '1.0.0',
      'tus-version': '1.0.0',
      'tus-extension': 'creation,creation-with-upload,checksum,termination,expiration',
      'tus-checksum-algorithm': 'sha256',
      'tus-max-size': String(2 ** 40),
    });
  });

  it('refuses a creation without Tus-Resumable, length or metadata, or for a dataset it does not own', async () => {
    const noVersion = await request(dept.gateway.url)
      .post('/v1/uploads')
      .set('Authorization', `Bearer ${dept.gateway.tokens.provider}`)
      .set('Upload-Length', '10');
    expectError(noVersion, 412, 'tus_version_unsupported');
    expect(noVersion.headers['tus-version']).toBe('1.0.0');
    expectError(await tus().post().set('Upload-Metadata', metadata()), 400, 'upload_length_invalid');
    expectError(
      await tus().post().set('Upload-Length', '0').set('Upload-Metadata', metadata()),
      400,
      'upload_length_invalid',
    );
    expectError(
      await tus().post().set('Upload-Defer-Length', '1').set('Upload-Metadata', metadata()),
      400,
      'upload_length_invalid',
    );
    expectError(await tus().post().set('Upload-Length', '10'), 400, 'upload_metadata_invalid');
    expectError(
      await tus()
        .post()
        .set('Upload-Length', '10')
        .set('Upload-Metadata', metadata({ version: '0' })),
      400,
      'upload_metadata_invalid',
    );
    expectError(
      await tus().post().set('Upload-Length', '10').set('Upload-Metadata', 'channel not-base64!'),
      400,
      'upload_metadata_invalid',
    );
    expectError(
      await tus()
        .post()
        .set('Upload-Length', '10')
        .set('Upload-Metadata', metadata({ dataset: `${b.id}/census` })),
      403,
      'not_owner',
    );
    expectError(
      await tus()
        .post()
        .set('Upload-Length', '10')
        .set('Upload-Metadata', metadata({ channel: 'nowhere' })),
      404,
      'channel_not_found',
    );
    const asUser = await request(dept.gateway.url)
      .post('/v1/uploads')
      .set('Authorization', `Bearer ${dept.gateway.tokens.user}`)
      .set('Tus-Resumable', '1.0.0');
    expectError(asUser, 403, 'forbidden');
  });

  it('answers HEAD with offset, length, metadata and expiry, and 404 for an unknown upload', async () => {
    const location = await create(100);
    const res = await tus().head(location).expect(200);
    expect(res.headers).toMatchObject({
      'upload-offset': '0',
      'upload-length': '100',
      'upload-metadata': metadata(),
      'cache-control': 'no-store',
    });
    expect(Date.parse(res.headers['upload-expires'] as string)).toBeGreaterThan(Date.now());
    expectHeadStatus(await tus().head('/v1/uploads/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('refuses a PATCH with another content type, a wrong offset or past the length, keeping nothing', async () => {
    const location = await create(100);
    const body = testBytes(60, 1);
    expectError(
      await tus().patch(location, 0).set('Content-Type', 'application/octet-stream').send(body),
      415,
      'content_type_invalid',
    );
    expectError(await tus().patch(location, 5).send(body), 409, 'upload_offset_mismatch');
    await tus().patch(location, 0).send(body).expect(204).expect('Upload-Offset', '60');
    expectError(await tus().patch(location, 60).send(testBytes(41, 2)), 413, 'upload_too_long');
    expect(await offsetOf(location)).toBe(60);
    expectError(await tus().patch(location, 0).send(body), 409, 'upload_offset_mismatch');
  });

  it('keeps nothing of a PATCH whose checksum does not match, and takes a correct retry', async () => {
    const location = await create(200_000);
    const first = testBytes(70_000, 3);
    await tus().patch(location, 0).set('Upload-Checksum', sha256(first)).send(first).expect(204);
    const second = testBytes(80_000, 4);
    expectError(
      await tus()
        .patch(location, 70_000)
        .set('Upload-Checksum', sha256(testBytes(80_000, 5)))
        .send(second),
      460,
      'upload_checksum_mismatch',
    );
    expect(await offsetOf(location)).toBe(70_000);
    expectError(
      await tus().patch(location, 70_000).set('Upload-Checksum', 'md5 AAAA').send(second),
      400,
      'checksum_algorithm_unsupported',
    );
    await tus()
      .patch(location, 70_000)
      .set('Upload-Checksum', sha256(second))
      .send(second)
      .expect(204)
      .expect('Upload-Offset', '150000');
  });

  it('keeps the bytes that arrived before the client went away, and refuses a second PATCH meanwhile', async () => {
    const location = await create(100_000);
    const sent = testBytes(30_000, 6);
    const req: ClientRequest = httpRequest(`${dept.gateway.url}${location}`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${dept.gateway.tokens.provider}`,
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': '0',
        'Content-Type': OCTETS,
        'Content-Length': '100000',
      },
    });
    req.on('error', () => undefined);
    req.write(sent);
    await waitFor('the first PATCH to hold the lease', async () => {
      const rows: { lease_owner: string | null }[] = await gatewayDb(dept.gateway).query(
        'SELECT lease_owner FROM gateway_upload WHERE upload_id = $1',
        [location.split('/').pop()],
      );
      return rows[0]?.lease_owner !== null;
    });
    const busy = await tus().patch(location, 0).send(testBytes(10, 7));
    expectError(busy, 409, 'upload_busy');
    // When the holder's lease goes stale (it could have died mid-PATCH): within the 60 s term.
    const retryAfter = Number(busy.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((busy.body as { details?: unknown }).details).toEqual({
      upload: location.split('/').pop(),
      retryAfterSeconds: retryAfter,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    const kept = await waitFor('the interrupted PATCH to be committed', async () => {
      const res = await tus().head(location);
      return res.headers['upload-offset'] === '30000' ? 30_000 : undefined;
    });
    const rest = testBytes(70_000, 8);
    await tus().patch(location, kept).send(rest).expect(204).expect('Upload-Offset', '100000');
  });

  it('terminates an upload: its bytes and rows are gone', async () => {
    const location = await create(100_000);
    await tus().patch(location, 0).send(testBytes(70_000, 9)).expect(204);
    const uploadId = location.split('/').pop();
    const [{ object_id: objectId }] = (await gatewayDb(dept.gateway).query(
      'SELECT object_id FROM gateway_upload WHERE upload_id = $1',
      [uploadId],
    )) as { object_id: string }[];
    await tus().delete(location).expect(204);
    expectHeadStatus(await tus().head(location), 404);
    expectError(await tus().delete(location), 404, 'upload_not_found');
    const left = await gatewayDb(dept.gateway).query(
      'SELECT (SELECT count(*) FROM gateway_object WHERE object_id = $1) AS objects, (SELECT count(*) FROM gateway_object_piece WHERE object_id = $1) AS pieces',
      [objectId],
    );
    expect(left).toEqual([{ objects: '0', pieces: '0' }]);
  });

  it('answers 410 for an expired upload until the sweep removes it', async () => {
    const location = await create(1000);
    await tus().patch(location, 0).send(testBytes(100, 10)).expect(204);
    await gatewayDb(dept.gateway).query('UPDATE gateway_upload SET expires_at = 1 WHERE upload_id = $1', [
      location.split('/').pop(),
    ]);
    expectHeadStatus(await tus().head(location), 410);
    expectError(await tus().patch(location, 100).send(testBytes(100, 11)), 410, 'upload_expired');
    expect(await dept.gateway.service.app.get(UploadExpiryService).sweepOnce()).toBeGreaterThanOrEqual(1);
    expectHeadStatus(await tus().head(location), 404);
  });

  it('takes the first bytes with the creation request', async () => {
    const res = await tus()
      .post()
      .set('Upload-Length', '50')
      .set('Upload-Metadata', metadata())
      .set('Content-Type', OCTETS)
      .send(testBytes(20, 12))
      .expect(201);
    expect(res.headers['upload-offset']).toBe('20');
    expect(await offsetOf(res.headers.location as string)).toBe(20);
  });
});
