import request from 'supertest';
import type { ServiceDefinition } from '../bootstrap/service-definition';
import type { CommonConfig } from '../config/common.config';
import { checkErrorResponses, type ErrorCase } from '../harness/openapi-conformance';
import { startServiceForTest, type ServiceUnderTest } from '../harness/service-test.harness';
import { shutdownTelemetry } from '../telemetry/telemetry';

/** What a service answers right after booting; the literals stay in each service's boot spec. */
export interface ServiceBootExpectations<C extends CommonConfig> {
  /** `service` and `version` of GET /v1/info (department and mode are the harness's: `test-dept`, embedded). */
  readonly info: { readonly service: string; readonly version: string };
  /** The checks GET /health/ready lists once ready. */
  readonly readinessChecks: readonly string[];
  /** How long the service may take to become ready (e.g. loading state); default: ready at once. */
  readonly readyWithinMs?: number;
  readonly openApiTitle: string;
  /** Paths the OpenAPI document lists besides the kit's own (/v1/info, health, /metrics). */
  readonly openApiPaths?: readonly string[];
  /** Error requests whose statuses must be exactly the documented ones; omit where a fuller OpenAPI spec exists. */
  readonly errorCases?: readonly ErrorCase[];
  /** The service's own cases, on the same booted service. */
  readonly more?: (sut: () => ServiceUnderTest<C>) => void;
}

const KIT_PATHS = ['/v1/info', '/health/live', '/health/ready', '/metrics'];

/**
 * The boot spec every service runs: boots the real service in-process
 * (PGlite in memory, embedded log in a temp dir) and checks what the kit
 * promises (liveness, readiness with the service's checks, /v1/info behind
 * auth, the OpenAPI document), plus the service's own cases.
 */
export function describeServiceBoot<C extends CommonConfig>(
  definition: ServiceDefinition<C>,
  expected: ServiceBootExpectations<C>,
): void {
  describe(`${definition.name} service`, () => {
    let sut: ServiceUnderTest<C>;

    beforeAll(async () => {
      sut = await startServiceForTest(definition);
    });

    afterAll(async () => {
      await sut?.close();
      await shutdownTelemetry();
    });

    it('is live', async () => {
      await request(sut.url).get('/health/live').expect(200, { status: 'ok' });
    });

    it(`is ready once ${expected.readinessChecks.join(', ')} answer`, async () => {
      const deadline = Date.now() + (expected.readyWithinMs ?? 0);
      let res = await request(sut.url).get('/health/ready');
      while (res.status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        res = await request(sut.url).get('/health/ready');
      }
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(Object.keys(res.body.info).sort()).toEqual([...expected.readinessChecks].sort());
    });

    it('tells an authenticated caller who it is', async () => {
      await request(sut.url)
        .get('/v1/info')
        .set('Authorization', `Bearer ${sut.tokens.operations}`)
        .expect(200, {
          ...expected.info,
          department: 'test-dept',
          mode: 'embedded',
          principal: { name: 'operations', roles: ['operations'] },
        });
    });

    it('rejects callers without a valid token', async () => {
      const res = await request(sut.url).get('/v1/info').expect(401);
      expect(res.body).toMatchObject({ error: 'unauthenticated' });
      await request(sut.url).get('/v1/info').set('Authorization', 'Bearer nope').expect(401);
    });

    it('publishes its OpenAPI document', async () => {
      const res = await request(sut.url).get('/openapi.json').expect(200);
      expect(res.body.info.title).toBe(expected.openApiTitle);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([...KIT_PATHS, ...(expected.openApiPaths ?? [])]),
      );
    });

    const errorCases = expected.errorCases;
    if (errorCases !== undefined) {
      it('documents exactly the error statuses it answers', async () => {
        const report = await checkErrorResponses(sut.url, sut.service.openApi, errorCases);
        expect([...report.unexpected, ...report.undocumented, ...report.unproduced]).toEqual([]);
      });
    }

    expected.more?.(() => sut);
  });
}
