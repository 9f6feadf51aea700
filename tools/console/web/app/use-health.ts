import { useEffect, useState } from 'preact/hooks';
import { probe, SERVICE_NAMES, type ServiceName } from '../api/api-client';
import { readinessView, type ConsumerLag, type ReadinessCheckView } from './readiness-details';

export interface ServiceHealth {
  readonly service: ServiceName;
  /** HTTP status of GET /health/ready (0: unreachable). */
  readonly status: number;
  readonly ready: boolean;
  /** Each readiness check with its state and details. */
  readonly checks: readonly ReadinessCheckView[];
  readonly problem?: string;
  /** Every event consumer with its state, lag and parked count, from the `events` readiness details. */
  readonly consumers: readonly ConsumerLag[];
}

/** Readiness and consumer lag of every service of `department`, refreshed every 10 s. */
export function useDepartmentHealth(department: string): readonly ServiceHealth[] | undefined {
  const [health, setHealth] = useState<readonly ServiceHealth[]>();
  useEffect(() => {
    let current = true;
    const load = (): void => {
      void Promise.all(SERVICE_NAMES.map((service) => serviceHealth(department, service))).then(
        (all) => current && setHealth(all),
      );
    };
    load();
    const timer = setInterval(load, 10_000);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [department]);
  return health;
}

async function serviceHealth(department: string, service: ServiceName): Promise<ServiceHealth> {
  const ready = await probe(department, service, '/health/ready');
  return { service, status: ready.status, ready: ready.status === 200, ...readinessView(ready.status, ready.text) };
}
