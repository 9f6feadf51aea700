import { Controller, Get, Module, Param, Post } from '@nestjs/common';
import request from 'supertest';
import { z } from 'zod';
import { Principal, Roles } from '../auth/auth.decorators';
import { CLOCK, systemClock, type Clock } from '../clock/clock.port';
import { commonEnvShape, toCommonConfig } from '../config/common.config';
import { ConfigError } from '../config/config.errors';
import { AccordError, ServiceStartError } from '../errors/accord.errors';
import { KIT_ERROR_STATUS } from '../errors/error-status';
import { startServiceForTest, type ServiceUnderTest } from '../harness/service-test.harness';
import { ReadinessRegistry } from '../health/readiness.registry';
import { ServiceMetrics } from '../telemetry/service-metrics';
import { shutdownTelemetry } from '../telemetry/telemetry';
import { FakeClock } from '../testing/fake-clock';
import { ZodBody } from '../validation/zod-validation.pipe';
import { bootstrapService } from './bootstrap-service';
import { buildOpenApiDocument } from './openapi-dump';
import type { ServiceDefinition } from './service-definition';
import { CLOSE_ORDER, ShutdownRegistry } from './shutdown.registry';

/** What the tiny service's fake dependencies report; flipped by the tests. */
const world = { dependencyUp: true, closed: [] as string[] };

class ThingNotFoundError extends AccordError {
  readonly code = 'thing_not_found';
}
/** A code the tiny service's errorStatus forgot. */
class ThingTooOddError extends AccordError {
  readonly code = 'thing_too_odd';
}

const newThing = z.object({ name: z.string().min(1), size: z.number().int().positive() });

@Controller('v1/things')
class ThingsController {
  private readonly created;

  constructor(metrics: ServiceMetrics) {
    this.created = metrics.counter('tiny_things_created', { description: 'Things created' });
  }

  @Get(':id')
  @Roles('user', 'provider')
  get(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new ThingNotFoundError(`no thing ${id}`, { id });
    if (id === 'boom') throw new Error('connection string postgres://admin:hunter2@db');
    if (id === 'odd') throw new ThingTooOddError(`thing ${id} is odd`, { id });
    return { id };
  }

  @Post()
  @Roles('provider')
  create(
    @ZodBody(newThing) body: z.output<typeof newThing>,
    @Principal() caller: Principal,
  ): { name: string; owner: string } {
    this.created.add(1);
    return { name: body.name, owner: caller.name };
  }
}

@Module({
  controllers: [ThingsController],
  providers: [
    {
      provide: 'tiny-dependencies',
      inject: [ReadinessRegistry, ShutdownRegistry],
      useFactory: (readiness: ReadinessRegistry, shutdown: ShutdownRegistry) => {
        readiness.register('dependency', async () => {
          if (!world.dependencyUp) throw new Error('dependency unreachable');
          return { latencyMs: 1 };
        });
        // Registered in the "wrong" order on purpose: closing follows CLOSE_ORDER.
        shutdown.register('database', CLOSE_ORDER.database, async () => void world.closed.push('database'));
        shutdown.register('bus', CLOSE_ORDER.bus, async () => void world.closed.push('bus'));
        return true;
      },
    },
  ],
})
class TinyModule {}

const tinyService: ServiceDefinition = {
  name: 'tiny',
  title: 'Tiny test service',
  version: '9.9.9',
  configSchema: z.object(commonEnvShape({ defaultPort: 0 })).transform((env) => toCommonConfig('tiny', env)),
  rootModule: TinyModule,
  errorStatus: { ...KIT_ERROR_STATUS, thing_not_found: 404 },
};

describe('bootstrapService (a tiny service over HTTP)', () => {
  let sut: ServiceUnderTest;
  const http = () => request(sut.url);
  const bearer = (role: keyof ServiceUnderTest['tokens']) => `Bearer ${sut.tokens[role]}`;

  beforeAll(async () => {
    sut = await startServiceForTest(tinyService);
  });

  afterAll(async () => {
    await sut?.close();
    await shutdownTelemetry();
  });

  beforeEach(() => {
    world.dependencyUp = true;
  });

  it('serves liveness without authentication', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
  });

  it('reports ready with every check, and 503 with the failing check when a dependency is down', async () => {
    const up = await http().get('/health/ready').expect(200);
    expect(up.body).toMatchObject({ status: 'ok', info: { dependency: { status: 'up', latencyMs: 1 } } });
    world.dependencyUp = false;
    const down = await http().get('/health/ready').expect(503);
    expect(down.body).toMatchObject({
      status: 'error',
      error: { dependency: { status: 'down', message: 'dependency unreachable' } },
    });
  });

  it('answers /v1/info only to authenticated callers', async () => {
    const anonymous = await http().get('/v1/info').expect(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="accord"');
    expect(anonymous.body).toEqual({
      error: 'unauthenticated',
      message: 'Authentication required: send "Authorization: Bearer <token>"',
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    await http()
      .get('/v1/info')
      .set('Authorization', 'Bearer wrong')
      .expect(401, /Unknown API token/);
    for (const role of ['provider', 'user', 'sysadmin', 'dataadmin', 'operations'] as const) {
      await http()
        .get('/v1/info')
        .set('Authorization', bearer(role))
        .expect(200, {
          service: 'tiny',
          department: 'test-dept',
          version: '9.9.9',
          mode: 'embedded',
          principal: { name: role, roles: [role] },
        });
    }
  });

  it('enforces roles: 403 names the required roles, 200 for a holder', async () => {
    const denied = await http()
      .post('/v1/things')
      .set('Authorization', bearer('user'))
      .send({ name: 'x', size: 1 })
      .expect(403);
    expect(denied.body).toMatchObject({
      error: 'forbidden',
      message: 'This operation requires one of the roles: provider',
      details: { required: ['provider'], granted: ['user'] },
    });
    await http()
      .post('/v1/things')
      .set('Authorization', bearer('provider'))
      .send({ name: 'x', size: 1 })
      .expect(201, { name: 'x', owner: 'provider' });
  });

  it('maps a typed domain error to its status with code, message, details and trace id', async () => {
    const res = await http().get('/v1/things/missing').set('Authorization', bearer('user')).expect(404);
    expect(res.body).toEqual({
      error: 'thing_not_found',
      message: 'no thing missing',
      details: { id: 'missing' },
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('answers unexpected errors with a bare 500, logging the details instead', async () => {
    const res = await http().get('/v1/things/boom').set('Authorization', bearer('user')).expect(500);
    expect(res.body).toEqual({
      error: 'internal_error',
      message: 'Internal server error',
      traceId: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const logged = sut.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({
      level: 'error',
      service: 'tiny',
      traceId: res.body.traceId,
      err: { message: expect.stringContaining('postgres://') },
    });
  });

  it('answers a domain code missing from errorStatus with a bare 500 and logs it as a bug', async () => {
    const res = await http().get('/v1/things/odd').set('Authorization', bearer('user')).expect(500);
    expect(res.body).toEqual({
      error: 'internal_error',
      message: 'Internal server error',
      traceId: expect.any(String),
    });
    const logged = sut.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'error code has no HTTP status');
    expect(logged).toMatchObject({ level: 'error', traceId: res.body.traceId, err: { code: 'thing_too_odd' } });
  });

  it('rejects invalid bodies with one reason per field, and malformed JSON', async () => {
    const res = await http()
      .post('/v1/things')
      .set('Authorization', bearer('provider'))
      .send({ name: '', size: 1.5 })
      .expect(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.details.issues.map((i: { field: string }) => i.field).sort()).toEqual(['body.name', 'body.size']);
    const malformed = await http()
      .post('/v1/things')
      .set('Authorization', bearer('provider'))
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(malformed.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/JSON/) });
  });

  it.each(['gzip', 'deflate', 'br'])(
    'answers a body that is not valid %s data with 400 and the reason, before authentication',
    async (encoding) => {
      for (const auth of [undefined, bearer('provider')]) {
        const req = http().post('/v1/things').set('Content-Type', 'application/json').set('Content-Encoding', encoding);
        if (auth !== undefined) req.set('Authorization', auth);
        const res = await req.send('{"name":"not compressed"}').expect(400);
        expect(res.body).toMatchObject({
          error: 'malformed_body',
          message: expect.stringContaining(`not valid ${encoding} data`),
        });
      }
    },
  );

  it('answers an unknown Content-Encoding with 415', async () => {
    const res = await http()
      .post('/v1/things')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'x-unknown')
      .send('{"name":"x"}')
      .expect(415);
    expect(res.body).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('answers unknown routes with the same JSON error shape', async () => {
    const res = await http().get('/nope').set('Authorization', bearer('all')).expect(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'Cannot GET /nope' });
  });

  it("continues an incoming W3C trace: the caller's trace id is the correlation id", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await http()
      .get('/v1/things/missing')
      .set('Authorization', bearer('user'))
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .expect(404);
    expect(res.body.traceId).toBe(traceId);
    const line = sut.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.traceId === traceId && l.msg === 'request completed');
    expect(line).toMatchObject({
      service: 'tiny',
      department: 'test-dept',
      req: { method: 'GET', url: '/v1/things/missing' },
      res: { statusCode: 404 },
    });
  });

  it('logs requests as JSON with service, department and trace id, and no credentials', async () => {
    await http().get('/v1/info').set('Authorization', bearer('user')).expect(200);
    const requests = sut.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(0);
    for (const line of requests) {
      expect(line).toMatchObject({
        service: 'tiny',
        department: 'test-dept',
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
    }
    expect(sut.logLines.join('\n')).not.toContain(sut.tokens.user);
    // Probes are frequent: not logged.
    expect(requests.some((l) => String((l.req as { url: string }).url).startsWith('/health'))).toBe(false);
  });

  it("exposes Prometheus metrics: HTTP requests and the service's own counters, labelled by service", async () => {
    await http().post('/v1/things').set('Authorization', bearer('provider')).send({ name: 'y', size: 2 }).expect(201);
    const res = await http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /^tiny_things_created_total\{accord_service="tiny",accord_department="test-dept"\} [1-9]/m,
    );
    expect(res.text).toMatch(
      /^accord_http_requests_total\{[^}]*method="POST"[^}]*route="\/v1\/things"[^}]*status="201"[^}]*\} [1-9]/m,
    );
    expect(res.text).toContain('# TYPE accord_http_request_duration_seconds histogram');
  });

  it('publishes an OpenAPI document listing the routes, with bearer auth', async () => {
    const res = await http().get('/openapi.json').expect(200);
    expect(res.body.info).toMatchObject({ title: 'Tiny test service', version: '9.9.9' });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/health/live',
        '/health/ready',
        '/metrics',
        '/v1/info',
        '/v1/things',
        '/v1/things/{id}',
      ]),
    );
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(res.body.paths['/v1/things'].post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['name', 'size'],
    });
    await http()
      .get('/docs')
      .redirects(1)
      .expect(200, /swagger/i);
  });
});

describe('bootstrapService lifecycle', () => {
  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('builds the OpenAPI document without starting anything (for `main.js openapi <file>`)', async () => {
    world.closed = [];
    const document = await buildOpenApiDocument(tinyService);
    expect(document.info).toMatchObject({ title: 'Tiny test service', version: '9.9.9' });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health/ready', '/v1/info', '/v1/things', '/v1/things/{id}']),
    );
    // Preview mode: provider factories (database, bus, ...) never ran, so nothing was opened or closed.
    expect(world.closed).toEqual([]);
  });

  it('fails fast with a ConfigError listing the bad variables', async () => {
    const error = await bootstrapService(tinyService, { env: { ACCORD_HTTP_PORT: 'eighty' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    // The rule across variables (one of ACCORD_API_TOKENS / ACCORD_API_TOKENS_FILE) follows once these parse.
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'ACCORD_DEPARTMENT',
      'ACCORD_HTTP_PORT',
    ]);
  });

  it('fails with a ConfigError when no token source is set', async () => {
    const error = await bootstrapService(tinyService, { env: { ACCORD_DEPARTMENT: 'dept-a' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /^Invalid tiny configuration \(1 problem\):\n {2}- ACCORD_API_TOKENS_FILE: set exactly one of/,
    );
  });

  it('runs several services in one process on different ports, each with its own metrics', async () => {
    const first = await startServiceForTest(tinyService);
    const second = await startServiceForTest(tinyService, { env: { ACCORD_DEPARTMENT: 'other-dept' } });
    try {
      expect(first.url).not.toBe(second.url);
      await request(second.url)
        .post('/v1/things')
        .set('Authorization', `Bearer ${second.tokens.provider}`)
        .send({ name: 'z', size: 3 })
        .expect(201);
      const metricsOfFirst = (await request(first.url).get('/metrics').expect(200)).text;
      const metricsOfSecond = (await request(second.url).get('/metrics').expect(200)).text;
      expect(metricsOfFirst).not.toContain('other-dept');
      expect(metricsOfSecond).toMatch(
        /^tiny_things_created_total\{accord_service="tiny",accord_department="other-dept"\} 1$/m,
      );
      await request(first.url).get('/v1/info').set('Authorization', `Bearer ${second.tokens.user}`).expect(401);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("gives the service's components one Clock: the system clock, or the one the caller passes", async () => {
    const fake = new FakeClock(1_700_000_000_000);
    const faked = await startServiceForTest(tinyService, { clock: fake });
    const real = await startServiceForTest(tinyService);
    try {
      expect(faked.service.app.get<string, Clock>(CLOCK)).toBe(fake);
      expect(real.service.app.get<string, Clock>(CLOCK)).toBe(systemClock);
    } finally {
      await faked.close();
      await real.close();
    }
  });

  it('reports a busy port as a ServiceStartError and releases what it opened', async () => {
    const holder = await startServiceForTest(tinyService);
    world.closed = [];
    try {
      const port = new URL(holder.url).port;
      const error = await startServiceForTest(tinyService, { env: { ACCORD_HTTP_PORT: port } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ServiceStartError);
      expect((error as Error).message).toBe(`tiny: cannot listen on 127.0.0.1:${port}: address already in use`);
      expect(world.closed).toEqual(['bus', 'database']);
    } finally {
      await holder.close();
    }
  });

  it('shuts down gracefully: not ready while draining, in-flight requests finish, resources close bus first', async () => {
    const sut = await startServiceForTest(tinyService);
    world.closed = [];
    const agent = request(sut.url);
    await agent.get('/health/ready').expect(200);
    const closing = sut.service.close();
    expect((await sut.service.readiness.evaluate()).checks.shutdown).toEqual({
      status: 'down',
      message: 'shutting down',
    });
    await closing;
    expect(world.closed).toEqual(['bus', 'database']);
    await expect(fetch(`${sut.url}/health/live`)).rejects.toThrow();
    await sut.close(); // idempotent
    expect(world.closed).toEqual(['bus', 'database']);
  });
});
