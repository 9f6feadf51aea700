import { join } from 'node:path';
import request from 'supertest';
import {
  checkErrorResponses,
  shutdownTelemetry,
  startServiceForTest,
  type ServiceUnderTest,
} from '@accord/service-kit';
import { storageGatewayService } from './storage-gateway.definition';
import type { StorageGatewayConfig } from './storage-gateway.config';

// Boots the real service in-process: PGlite in memory, embedded log in a temp dir.
describe('storage-gateway service', () => {
  let sut: ServiceUnderTest<StorageGatewayConfig>;

  beforeAll(async () => {
    sut = await startServiceForTest(storageGatewayService);
  });

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
  });

  it('is live', async () => {
    await request(sut.url).get('/health/live').expect(200, { status: 'ok' });
  });

  it('is ready once its database and bus answer', async () => {
    const res = await request(sut.url).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info).sort()).toEqual(['bus', 'database', 'objectStore']);
  });

  it('tells an authenticated caller who it is', async () => {
    await request(sut.url)
      .get('/v1/info')
      .set('Authorization', `Bearer ${sut.tokens.operations}`)
      .expect(200, { service: 'storage-gateway', department: 'test-dept', version: '0.1.0', mode: 'embedded' });
  });

  it('rejects callers without a valid token', async () => {
    const res = await request(sut.url).get('/v1/info').expect(401);
    expect(res.body).toMatchObject({ error: 'unauthenticated' });
    await request(sut.url).get('/v1/info').set('Authorization', 'Bearer nope').expect(401);
  });

  it('publishes its OpenAPI document', async () => {
    const res = await request(sut.url).get('/openapi.json').expect(200);
    expect(res.body.info.title).toBe('Accord storage gateway');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/info', '/health/live', '/health/ready', '/metrics']),
    );
  });

  it('keeps objects in a local directory under its data dir by default', () => {
    expect(sut.service.context.config.objectStore).toEqual({
      kind: 'local',
      rootDir: join(sut.dataDir, 'test-dept', 'storage-gateway', 'objects'),
    });
  });

  it('documents exactly the error statuses it answers', async () => {
    const report = await checkErrorResponses(sut.url, sut.service.openApi, [
      { method: 'GET', path: '/v1/info', token: null, status: 401, error: 'unauthenticated' },
    ]);
    expect([...report.unexpected, ...report.undocumented, ...report.unproduced]).toEqual([]);
  });
});
