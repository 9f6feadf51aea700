import type { EventBus } from '@accord/event-bus';
import type { DestinationStream } from 'pino';
import { bootstrapService, type RunningService } from '../bootstrap/bootstrap-service';
import type { ServiceDefinition } from '../bootstrap/service-definition';
import type { CommonConfig, Env, LogLevel } from '../config/common.config';
import { AccordError } from '../errors/accord.errors';
import {
  departmentLayout,
  ensureDepartmentKeys,
  ensureDevApiToken,
  lockDepartment,
  type DepartmentKeys,
  type DepartmentLayout,
} from './department-files';

export interface DepartmentServiceSpec {
  // Each service has its own config type; the launcher only builds env for them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly definition: ServiceDefinition<any>;
  readonly port: number;
}

export interface StartDepartmentOptions {
  readonly department: string;
  /** Root data directory; the department's data lives in `<dataDir>/<department>/`. */
  readonly dataDir: string;
  readonly services: readonly DepartmentServiceSpec[];
  /** The bus every service of the process shares, opened and closed by the caller. */
  readonly bus: EventBus;
  /** ACCORD_BUS value describing `bus` (e.g. `embedded:/abs/.accord/_bus`), so configs and modes stay truthful. */
  readonly busSpec: string;
  readonly host?: string;
  readonly logLevel?: LogLevel;
  /** Extra variables for every service (e.g. ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly extraEnv?: Env;
  /** Extra variables for one service, by its name (e.g. its own ACCORD_DATABASE_SCHEMA); they win over extraEnv. */
  readonly serviceEnv?: (service: string) => Env;
  readonly logDestination?: DestinationStream;
  /** Tracing resource name of the process (first service started in the process sets it). */
  readonly processName?: string;
  /** How long to wait for every service to report ready (default 60 s). */
  readonly readyTimeoutMs?: number;
}

export interface RunningDepartment {
  readonly department: string;
  readonly layout: DepartmentLayout;
  readonly keys: DepartmentKeys;
  readonly keysCreated: boolean;
  /** The dev API token, only on the run that created it. */
  readonly createdDevToken?: string;
  readonly services: readonly RunningService<CommonConfig>[];
  /** Stops the services in reverse start order and releases the department lock. Idempotent. */
  close(): Promise<void>;
}

/** A service did not become ready in time. */
export class DepartmentStartError extends AccordError {
  readonly code = 'department_start_failed';
}

/**
 * Starts one department's services in this process: takes the department
 * lock, creates keys and the dev API token on first run, starts each service
 * on its port with its PGlite data under `<dataDir>/<department>/<service>/`
 * and the shared bus, and waits until every one reports ready. Call it again
 * with another department (and ports) to run several departments in one
 * process over the same bus. On failure, whatever started is stopped again.
 */
export async function startDepartment(options: StartDepartmentOptions): Promise<RunningDepartment> {
  const layout = departmentLayout(options.dataDir, options.department);
  const unlock = await lockDepartment(layout);
  const started: RunningService<CommonConfig>[] = [];
  const stopAll = async (): Promise<void> => {
    for (const service of [...started].reverse()) await service.close();
    await unlock();
  };
  try {
    const { keys, created: keysCreated } = await ensureDepartmentKeys(layout, options.department);
    const token = await ensureDevApiToken(layout);
    for (const { definition, port } of options.services) {
      const env: Env = {
        ACCORD_DEPARTMENT: options.department,
        ACCORD_DATA_DIR: options.dataDir,
        ACCORD_HTTP_HOST: options.host ?? '127.0.0.1',
        ACCORD_HTTP_PORT: String(port),
        ACCORD_LOG_LEVEL: options.logLevel ?? 'info',
        ACCORD_DATABASE: `pglite:${layout.serviceDir(definition.name)}/db`,
        ACCORD_BUS: options.busSpec,
        ACCORD_API_TOKENS: JSON.stringify(token.entries),
        ...options.extraEnv,
        ...options.serviceEnv?.(definition.name),
      };
      started.push(
        await bootstrapService(definition, {
          env,
          shared: { bus: options.bus },
          ...(options.processName ? { processName: options.processName } : {}),
          ...(options.logDestination ? { logDestination: options.logDestination } : {}),
        }),
      );
    }
    await waitUntilReady(started, options.readyTimeoutMs ?? 60_000);
    let closing: Promise<void> | undefined;
    return {
      department: options.department,
      layout,
      keys,
      keysCreated,
      ...(token.createdToken ? { createdDevToken: token.createdToken } : {}),
      services: started,
      close: () => (closing ??= stopAll()),
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** Polls each service's GET /health/ready over HTTP (what a probe sees) until all answer 200. */
async function waitUntilReady(services: readonly RunningService<CommonConfig>[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (const service of services) {
    for (;;) {
      const response = await fetch(`${service.url}/health/ready`).catch(() => undefined);
      if (response?.status === 200) break;
      if (performance.now() > deadline) {
        const detail = response ? await response.text().catch(() => '') : 'no answer';
        throw new DepartmentStartError(`${service.name} did not become ready within ${timeoutMs} ms: ${detail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
