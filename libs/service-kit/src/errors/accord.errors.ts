/**
 * Base class for typed errors raised by services and the service kit.
 * `code` is a stable string that survives process boundaries (HTTP bodies,
 * logs, Kafka dead letters); `details` is safe, structured context for the
 * caller. Errors from the pure libs need not extend this: the HTTP edge maps
 * anything that carries a stable string `code` (see http-error.mapper.ts).
 */
export abstract class AccordError extends Error {
  abstract readonly code: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** Headers the HTTP answer carries besides the error body (e.g. `Content-Range: bytes * /size` of a 416). */
  readonly responseHeaders?: Readonly<Record<string, string>>;

  constructor(message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.name = new.target.name;
    if (details !== undefined) this.details = details;
  }
}

/** A request whose body, query or parameters failed schema validation. */
export class RequestValidationError extends AccordError {
  readonly code = 'validation_failed';

  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Request validation failed: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, { issues });
  }
}

export interface FieldIssue {
  /** Dotted location, e.g. `body.purpose` or `query.limit`. */
  readonly field: string;
  readonly reason: string;
}

/** The service could not start (port in use, adapter unreachable, ...). */
export class ServiceStartError extends AccordError {
  readonly code = 'service_start_failed';

  constructor(service: string, reason: string, options?: { cause?: unknown }) {
    super(`${service}: ${reason}`, { service });
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
