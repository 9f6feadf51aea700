import request from 'supertest';
import { waitFor } from '@accord/event-bus/testing';
import { DataSource } from 'typeorm';
import { shutdownTelemetry, startServiceForTest, type ServiceUnderTest } from '@accord/service-kit';
import { dropTestSchema } from '@accord/persistence/testing';
import { clusterServiceEnv } from '@accord/service-kit/testing';
import { storageGatewayService } from './storage-gateway.definition';
import type { StorageGatewayConfig } from './storage-gateway.config';

// Cluster mode: the same service against the real PostgreSQL, Kafka and
// MinIO of scripts/infra — every adapter a department uses in Kubernetes.
describe('storage-gateway service in cluster mode', () => {
  const env = clusterServiceEnv();
  let sut: ServiceUnderTest<StorageGatewayConfig>;

  beforeAll(async () => {
    sut = await startServiceForTest(storageGatewayService, { env });
  });

  afterAll(async () => {
    await sut?.close();
    await dropTestSchema(env.ACCORD_DATABASE, env.ACCORD_DATABASE_SCHEMA);
    await shutdownTelemetry();
  });

  it('is ready once PostgreSQL, Kafka and MinIO answer', async () => {
    // The projection consumers are ready once they read their topics, a moment after the boot.
    const res = await waitFor('the gateway to be ready', async () => {
      const answer = await request(sut.url).get('/health/ready');
      return answer.status === 200 ? answer : undefined;
    });
    expect(res.body.info).toEqual({
      database: { status: 'up' },
      bus: { status: 'up' },
      objectStore: { status: 'up' },
      events: { status: 'up', consumers: expect.any(Array) },
    });
    // Every projection reader is live, with its lag measured.
    for (const consumer of res.body.info.events.consumers)
      expect(consumer).toEqual({
        consumer: expect.any(String),
        topic: expect.any(String),
        state: 'live',
        lag: expect.any(Number),
      });
    expect(res.body.info.events.consumers.length).toBeGreaterThan(0);
  });

  it('reports cluster mode and keeps its tables in its own schema', async () => {
    await request(sut.url)
      .get('/v1/info')
      .set('Authorization', `Bearer ${sut.tokens.sysadmin}`)
      .expect(200, {
        service: 'storage-gateway',
        department: env.ACCORD_DEPARTMENT,
        version: '0.1.0',
        mode: 'cluster',
        principal: { name: 'sysadmin', roles: ['sysadmin'] },
      });
    const tables: { table_name: string }[] = await sut.service.app
      .get(DataSource)
      .query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [env.ACCORD_DATABASE_SCHEMA]);
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['migrations', 'gateway_object', 'gateway_anchor']),
    );
  });
});
