import type { ResolvedProfile, ServiceName } from './department.profile';

/** A service answered with an error status; `code` is the service's stable error code (`{error, message, details}`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly service: ServiceName,
    readonly url: string,
    readonly profile: ResolvedProfile,
    /** The service's trace id for this request, to find it in the logs. */
    readonly traceId?: string,
  ) {
    super(message);
  }
}

/** A service did not answer (connection refused, DNS, timeout): nothing reached it or came back. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';

  constructor(
    readonly service: ServiceName,
    readonly url: string,
    readonly reason: string,
    readonly profile: ResolvedProfile,
  ) {
    super(`cannot reach the ${service} service of ${profile.name} at ${url}: ${reason}`);
  }
}
