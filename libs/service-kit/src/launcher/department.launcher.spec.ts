import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { createEventBus, type EventBus } from '@accord/event-bus';
import { z } from 'zod';
import type { ServiceDefinition } from '../bootstrap/service-definition';
import { commonEnvShape, toCommonConfig } from '../config/common.config';
import { ServiceStartError } from '../errors/accord.errors';
import { EventBusModule } from '../infra/event-bus.module';
import { shutdownTelemetry } from '../telemetry/telemetry';
import { DepartmentLockedError, embeddedBusDir } from './department-files';
import { startDepartment, type StartDepartmentOptions } from './department.launcher';

@Module({ imports: [EventBusModule.forRoot()] })
class UsesBusModule {}

const definition = (name: string): ServiceDefinition => ({
  name,
  title: name,
  version: '1.0.0',
  configSchema: z.object(commonEnvShape({ defaultPort: 0 })).transform((env) => toCommonConfig(name, env)),
  rootModule: UsesBusModule,
});

const silent = { write: () => undefined };

describe('startDepartment', () => {
  let dataDir: string;
  let bus: EventBus;
  let options: StartDepartmentOptions;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'accord-launcher-'));
    bus = await createEventBus({ kind: 'embedded', dataDir: embeddedBusDir(dataDir) });
    options = {
      department: 'health',
      dataDir,
      services: [
        { definition: definition('alpha'), port: 0 },
        { definition: definition('beta'), port: 0 },
      ],
      bus,
      busSpec: `embedded:${embeddedBusDir(dataDir)}`,
      logDestination: silent,
    };
  });

  afterEach(async () => {
    await bus.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await shutdownTelemetry();
  });

  it('starts the services ready, sharing the bus, with keys and a dev token made on first run only', async () => {
    const first = await startDepartment(options);
    try {
      expect(first.services.map((s) => s.name)).toEqual(['alpha', 'beta']);
      expect(first.keysCreated).toBe(true);
      const token = first.createdDevToken;
      expect(token).toMatch(/^acd_/);
      expect((await readFile(first.layout.devTokenFile, 'utf8')).trim()).toBe(token);
      for (const service of first.services) {
        const ready = await fetch(`${service.url}/health/ready`);
        expect(ready.status).toBe(200);
        expect((await ready.json()) as unknown).toMatchObject({ info: { bus: { status: 'up' } } });
        const info = await fetch(`${service.url}/v1/info`, { headers: { authorization: `Bearer ${token}` } });
        expect(await info.json()).toEqual({
          service: service.name,
          department: 'health',
          version: '1.0.0',
          mode: 'embedded',
          principal: { name: 'dev', roles: ['provider', 'user', 'sysadmin', 'dataadmin', 'operations'] },
        });
        expect(service.context.config.database).toEqual({
          kind: 'pglite',
          dataDir: join(dataDir, 'health', service.name, 'db'),
        });
        // Every service reads the department's token store file, so a token made later counts in all of them.
        expect(service.context.config.apiTokens).toEqual({ kind: 'file', path: first.layout.apiTokensFile });
      }
      await expect(startDepartment(options)).rejects.toBeInstanceOf(DepartmentLockedError);
    } finally {
      await first.close();
    }
    // The shared bus belongs to the caller: still usable after the department stopped.
    await expect(bus.isHealthy()).resolves.toBe(true);

    const second = await startDepartment(options);
    try {
      expect(second.keysCreated).toBe(false);
      expect(second.createdDevToken).toBeUndefined();
      expect(second.keys).toEqual(first.keys);
    } finally {
      await second.close();
    }
  });

  it('stops what it started and releases the lock when a service cannot start', async () => {
    const blocker = await startDepartment({
      ...options,
      department: 'blocker',
      services: [{ definition: definition('alpha'), port: 0 }],
    });
    try {
      const busyPort = Number(new URL(blocker.services[0].url).port);
      const failing = {
        ...options,
        services: [
          { definition: definition('alpha'), port: 0 },
          { definition: definition('beta'), port: busyPort },
        ],
      };
      const error = await startDepartment(failing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceStartError);
      expect((error as Error).message).toMatch(/^beta: cannot listen on 127\.0\.0\.1:\d+: address already in use$/);
      // Lock released and alpha stopped: the department starts again on free ports.
      const retry = await startDepartment(options);
      await retry.close();
    } finally {
      await blocker.close();
    }
  });
});
