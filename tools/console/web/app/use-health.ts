import { useEffect, useState } from 'preact/hooks';
import { probe, SERVICE_NAMES, type ServiceName } from '../api/api-client';

export interface ServiceHealth {
  readonly service: ServiceName;
  /** HTTP status of GET /health/ready (0: unreachable). */
  readonly status: number;
  readonly ready: boolean;
  /** Each readiness check with its state and details. */
  readonly checks: readonly { readonly name: string; readonly up: boolean; readonly details: string }[];
  readonly problem?: string;
  /** Consumer lag gauges and parked-event counters from GET /metrics, when the service exposes them. */
  readonly consumers: readonly { readonly metric: string; readonly labels: string; readonly value: number }[];
}

/** Metrics that tell how far behind or stuck a consumer is. */
const CONSUMER_METRIC = /^(accord_[a-z_]*(lag|behind|parked)[a-z_]*)(\{[^}]*\})?\s+([0-9.eE+-]+)$/;

/** Readiness and consumer metrics of every service of `department`, refreshed every 10 s. */
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
  const [ready, metrics] = await Promise.all([
    probe(department, service, '/health/ready'),
    probe(department, service, '/metrics'),
  ]);
  let checks: ServiceHealth['checks'] = [];
  let problem: string | undefined;
  try {
    const body = JSON.parse(ready.text) as {
      details?: Record<string, { status: string } & Record<string, unknown>>;
      message?: string;
    };
    checks = Object.entries(body.details ?? {}).map(([name, { status, ...details }]) => ({
      name,
      up: status === 'up',
      details: Object.keys(details).length > 0 ? JSON.stringify(details) : '',
    }));
    if (ready.status !== 200 && checks.length === 0) problem = body.message ?? ready.text;
  } catch {
    problem = ready.status === 0 ? `unreachable: ${ready.text}` : ready.text.slice(0, 200);
  }
  const consumers =
    metrics.status === 200
      ? metrics.text
          .split('\n')
          .map((line) => CONSUMER_METRIC.exec(line))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => ({ metric: m[1], labels: m[3] ?? '', value: Number(m[4]) }))
      : [];
  return {
    service,
    status: ready.status,
    ready: ready.status === 200,
    checks,
    consumers,
    ...(problem ? { problem } : {}),
  };
}
