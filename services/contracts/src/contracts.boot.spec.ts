import request from 'supertest';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { contractsService } from './contracts.definition';
import type { ContractsConfig } from './contracts.config';

// Boots the real service in-process: PGlite in memory, embedded log in a temp dir.
describe('contracts service', () => {
  let sut: ServiceUnderTest<ContractsConfig>;

  beforeAll(async () => {
    sut = await startServiceForTest(contractsService);
  });

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
  });

  it('is live', async () => {
    await request(sut.url).get('/health/live').expect(200, { status: 'ok' });
  });

  it('is ready once its database and bus answer and the rule state is loaded', async () => {
    let res = await request(sut.url).get('/health/ready');
    for (let i = 0; i < 100 && res.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await request(sut.url).get('/health/ready');
    }
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info).sort()).toEqual(['bus', 'database', 'rules']);
  });

  it('tells an authenticated caller who it is', async () => {
    await request(sut.url)
      .get('/v1/info')
      .set('Authorization', `Bearer ${sut.tokens.operations}`)
      .expect(200, { service: 'contracts', department: 'test-dept', version: '0.1.0', mode: 'embedded' });
  });

  it('rejects callers without a valid token', async () => {
    const res = await request(sut.url).get('/v1/info').expect(401);
    expect(res.body).toMatchObject({ error: 'unauthenticated' });
    await request(sut.url).get('/v1/info').set('Authorization', 'Bearer nope').expect(401);
  });

  it('publishes its OpenAPI document', async () => {
    const res = await request(sut.url).get('/openapi.json').expect(200);
    expect(res.body.info.title).toBe('Accord contracts');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/info',
        '/health/live',
        '/health/ready',
        '/metrics',
        '/v1/channels',
        '/v1/channels/{channel}/accounts',
        '/v1/channels/{channel}/requests/{id}',
        '/v1/channels/{channel}/evaluate',
        '/v1/channels/{channel}/requests/{id}/consent',
        '/v1/txs/{txId}/receipts',
      ]),
    );
  });
});
