import type { ServiceName } from '../server/console.config';

/** A department as the e2e spec calls it directly: its services' URLs and a token. */
export interface CallingDepartment {
  readonly urls: Readonly<Record<ServiceName, string>>;
  readonly token: string;
}

/** GET on one of the department's services with its token. */
export function get(department: CallingDepartment, service: ServiceName, path: string): Promise<Response> {
  return fetch(`${department.urls[service]}${path}`, { headers: { authorization: `Bearer ${department.token}` } });
}

/** POST of a JSON body to one of the department's services with its token. */
export function post(
  department: CallingDepartment,
  service: ServiceName,
  path: string,
  body: unknown,
): Promise<Response> {
  return fetch(`${department.urls[service]}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${department.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The answer's JSON when its status is `status`; otherwise an error naming what was done and what came back. */
export async function expectJson<T>(pending: Promise<Response>, status: number, what: string): Promise<T> {
  const response = await pending;
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Polls `check` every 100 ms until it is true (60 s at most: the cluster mode's consumers are slower). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
