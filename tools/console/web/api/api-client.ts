import type { Session } from './session';

export type ServiceName = 'ledger' | 'contracts' | 'catalog' | 'storage-gateway';
export const SERVICE_NAMES: readonly ServiceName[] = ['ledger', 'contracts', 'catalog', 'storage-gateway'];

/** A service's error answer (`{error, message}`), or the proxy's (502 `upstream_unreachable`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly service: ServiceName,
  ) {
    super(message);
  }
}

/** The console server's path to a department's service. */
export function apiPath(department: string, service: ServiceName, path: string): string {
  return `/api/${encodeURIComponent(department)}/${service}${path}`;
}

/** Calls one of the logged-in department's services through the console's proxy; non-2xx throws ApiError. */
export async function callApi<T>(
  session: Session,
  service: ServiceName,
  path: string,
  init: { readonly method?: 'GET' | 'POST'; readonly body?: unknown } = {},
): Promise<T> {
  const response = await fetch(apiPath(session.department, service, path), {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${session.token}`,
      accept: 'application/json',
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (!response.ok) throw errorOf(response, text, service);
  return JSON.parse(text) as T;
}

/** A probe's answer whatever its status (readiness answers 503 with the failing checks), without a token. */
export async function probe(
  department: string,
  service: ServiceName,
  path: string,
): Promise<{ readonly status: number; readonly text: string }> {
  try {
    const response = await fetch(apiPath(department, service, path));
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: error instanceof Error ? error.message : String(error) };
  }
}

function errorOf(response: Response, text: string, service: ServiceName): ApiError {
  let body: { error?: unknown; message?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  const code = typeof body?.error === 'string' ? body.error : `http_${response.status}`;
  const message = typeof body?.message === 'string' ? body.message : text || response.statusText;
  return new ApiError(response.status, code, message, service);
}
