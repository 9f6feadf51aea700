import request from 'supertest';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { ledgerService } from './ledger.definition';
import type { LedgerConfig } from './ledger.config';

// Boots the real service in-process: PGlite in memory, embedded log in a temp dir.
describe('ledger service', () => {
  let sut: ServiceUnderTest<LedgerConfig>;

  beforeAll(async () => {
    sut = await startServiceForTest(ledgerService);
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
    expect(Object.keys(res.body.info).sort()).toEqual(['bus', 'channels', 'database', 'events']);
  });

  it('tells an authenticated caller who it is', async () => {
    await request(sut.url)
      .get('/v1/info')
      .set('Authorization', `Bearer ${sut.tokens.operations}`)
      .expect(200, { service: 'ledger', department: 'test-dept', version: '0.1.0', mode: 'embedded' });
  });

  it('rejects callers without a valid token', async () => {
    const res = await request(sut.url).get('/v1/info').expect(401);
    expect(res.body).toMatchObject({ error: 'unauthenticated' });
    await request(sut.url).get('/v1/info').set('Authorization', 'Bearer nope').expect(401);
  });

  it('publishes its OpenAPI document', async () => {
    const res = await request(sut.url).get('/openapi.json').expect(200);
    expect(res.body.info.title).toBe('Accord ledger');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/v1/info', '/health/live', '/health/ready', '/metrics']),
    );
  });
});
