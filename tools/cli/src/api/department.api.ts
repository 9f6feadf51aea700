import { ApiError, ServiceUnreachableError } from './api.errors';
import type { ResolvedProfile, ServiceName } from './department.profile';
import { isRecord } from './profiles.file';

/** Without an answer by then, a request fails as unreachable. Long polls add their wait. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface RequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface RawRequestOptions extends Omit<RequestOptions, 'body'> {
  /** Sent as is (a stream, bytes); set Content-Type in headers. */
  readonly body?: RequestInit['body'];
}

export type FetchFunction = typeof fetch;

/**
 * The HTTP APIs of one department's services, as the profile names them.
 * Every error status becomes an ApiError carrying the service's error code;
 * every failure to get an answer becomes a ServiceUnreachableError naming
 * the URL. Commands never see a raw fetch failure.
 */
export class DepartmentApi {
  constructor(
    readonly profile: ResolvedProfile,
    private readonly fetchFn: FetchFunction = fetch,
  ) {}

  /** The absolute URL of `path` (starting with /) on `service`, with the query parameters that are set. */
  url(service: ServiceName, path: string, query?: RequestOptions['query']): string {
    const url = new URL(`${this.profile.urls[service]}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value as readonly string[]) url.searchParams.append(key, item);
      else url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** A JSON request; resolves to the parsed JSON body (undefined for an empty body). */
  async request<T = unknown>(
    service: ServiceName,
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const hasBody = options.body !== undefined;
    const response = await this.send(service, method, path, {
      ...options,
      body: hasBody ? JSON.stringify(options.body) : undefined,
      headers: {
        accept: 'application/json',
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
    });
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(
        response.status,
        'invalid_response',
        `the ${service} service answered ${method} ${path} with a body that is not JSON`,
        { body: text.slice(0, 200) },
        service,
        response.url,
        this.profile,
      );
    }
  }

  /** A request whose body and answer the caller handles (streams); resolves to a 2xx Response. */
  async send(service: ServiceName, method: string, path: string, options: RawRequestOptions = {}): Promise<Response> {
    const url = this.url(service, path, options.query);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const headers: Record<string, string> = { ...options.headers };
    if (this.profile.token !== undefined) headers['authorization'] = `Bearer ${this.profile.token}`;
    const body = options.body;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers,
        body,
        signal,
        // A stream body needs half duplex in Node's fetch.
        ...(isStream(body) ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      const reason = timeout.aborted ? `no answer within ${timeoutMs} ms` : failureReason(error);
      throw new ServiceUnreachableError(service, url, reason, this.profile);
    }
    if (!response.ok) throw await this.apiError(service, url, response);
    return response;
  }

  private async apiError(service: ServiceName, url: string, response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (isRecord(body) && typeof body['error'] === 'string') {
      const message = typeof body['message'] === 'string' ? body['message'] : body['error'];
      const traceId = typeof body['traceId'] === 'string' ? body['traceId'] : undefined;
      return new ApiError(
        response.status,
        body['error'],
        message,
        body['details'],
        service,
        url,
        this.profile,
        traceId,
      );
    }
    // Not the services' error shape (e.g. a readiness report, a proxy's page): keep a JSON body as details.
    const snippet = text.trim().slice(0, 200);
    const message = `HTTP ${response.status} ${response.statusText}${snippet === '' ? '' : `: ${snippet}`}`;
    return new ApiError(response.status, `http_${response.status}`, message, body, service, url, this.profile);
  }
}

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (Symbol.asyncIterator in body || 'getReader' in body);
}

/** Node's fetch says "fetch failed" and puts the reason (ECONNREFUSED ...) in `cause`. */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    const causeMessage = (cause as Error).message;
    return causeMessage.includes(code) ? causeMessage : `${code} ${causeMessage}`;
  }
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
