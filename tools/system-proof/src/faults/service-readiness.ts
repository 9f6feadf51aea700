import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES } from '@accord/cli';
import type { SystemDepartment } from '../system-department';

/** A service that did not get ready again on its own. */
export class ServiceNotReadyError extends Error {
  constructor(readonly notReady: readonly string[]) {
    super(`not ready again on their own: ${notReady.join(', ')}`);
    this.name = 'ServiceNotReadyError';
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Polls GET /health/ready of every service of the departments (what a
 * probe sees) until all answer 200, nothing being done to help them;
 * resolves with the time it took (ms), throws ServiceNotReadyError naming
 * those still not ready after `timeoutMs`.
 */
export async function awaitServicesReady(
  departments: readonly SystemDepartment[],
  timeoutMs = 120_000,
): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(
      departments.flatMap((d) =>
        SERVICE_NAMES.map(async (service) => ({ name: `${d.id}/${service}`, ok: await ready(d.urls[service]) })),
      ),
    );
    const notReady = states.filter((s) => !s.ok).map((s) => s.name);
    if (notReady.length === 0) return Math.round(performance.now() - started);
    if (Date.now() > deadline) throw new ServiceNotReadyError(notReady);
    await sleep(250);
  }
}
