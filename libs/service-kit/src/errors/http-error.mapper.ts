import { HttpException, HttpStatus } from '@nestjs/common';
import { types } from 'node:util';
import { KIT_ERROR_STATUS } from './error-status';

/** JSON body of every error response (the trace id is added by the filter). */
export interface ErrorResponseBody {
  readonly error: string;
  readonly message: string;
  readonly details?: unknown;
  readonly traceId?: string;
}

export interface MappedHttpError {
  readonly status: number;
  readonly body: ErrorResponseBody;
  /** True when the cause is unexpected: log it with its stack, never show it. */
  readonly unexpected: boolean;
}

/** A service's table: every domain error code that can reach its HTTP edge -> HTTP status (error-status.ts). */
export type ErrorStatusMap = Readonly<Record<string, number>>;

/** What the mapper may quote from the request to explain a failure. */
export interface FailedRequestContext {
  /** The request's Content-Encoding header, named when its body does not decompress. */
  readonly contentEncoding?: string;
}

/** Code used in the body for plain HTTP exceptions (unknown route, ...). */
const STATUS_CODE_NAMES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  500: 'internal_error',
  501: 'not_implemented',
  503: 'unavailable',
};

// Node and driver errors also carry `code` (ENOENT, ERR_INVALID_ARG_TYPE,
// SQLSTATE '23505'); they are internals, not domain outcomes.
const SYSTEM_CODE = /^(E[A-Z0-9]+|ERR_[A-Z0-9_]+|[0-9A-Z]{5})$/;
const DOMAIN_CODE = /^[A-Za-z][A-Za-z0-9_.:-]{1,99}$/;

/** A typed domain error: an Error with a stable string `code` that is not a system error code. */
export function isDomainError(error: unknown): error is Error & { code: string; details?: unknown } {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code !== 'string' || !DOMAIN_CODE.test(code) || SYSTEM_CODE.test(code)) return false;
  return !('errno' in error) && !('syscall' in error);
}

/**
 * Maps anything thrown while handling a request to a status and a body that
 * is safe to show: domain errors keep their code, message and details, with
 * the status of their code in the service's table (or the kit's); unknown
 * errors, and domain errors whose code has no status (a bug), become a bare 500.
 */
export function mapErrorToHttp(
  error: unknown,
  statusByCode: ErrorStatusMap = {},
  request: FailedRequestContext = {},
): MappedHttpError {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return {
      status,
      body: { error: STATUS_CODE_NAMES[status] ?? `http_${status}`, message: httpExceptionMessage(error) },
      unexpected: status >= 500,
    };
  }
  if (isDomainError(error)) {
    const status = statusByCode[error.code] ?? KIT_ERROR_STATUS[error.code];
    if (status === undefined) return INTERNAL_ERROR;
    const details = isPlainObject(error.details) ? error.details : undefined;
    return {
      status,
      body:
        details === undefined
          ? { error: error.code, message: error.message }
          : { error: error.code, message: error.message, details },
      unexpected: status >= 500,
    };
  }
  const parserFailure = bodyParserFailure(error) ?? decompressionFailure(error, request);
  if (parserFailure) return parserFailure;
  return INTERNAL_ERROR;
}

const INTERNAL_ERROR: MappedHttpError = {
  status: HttpStatus.INTERNAL_SERVER_ERROR,
  body: { error: 'internal_error', message: 'Internal server error' },
  unexpected: true,
};

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return error.message;
}

// express.json() failures reach the filter as errors with `type` and an
// exposable `status` (malformed JSON, body too large, bad charset).
function bodyParserFailure(error: unknown): MappedHttpError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { type, status, expose } = error as { type?: unknown; status?: unknown; expose?: unknown };
  if (
    typeof type !== 'string' ||
    (!type.startsWith('entity.') && !type.startsWith('charset.') && !type.startsWith('encoding.'))
  )
    return undefined;
  if (typeof status !== 'number' || expose !== true || status < 400 || status > 499) return undefined;
  const code = status === 400 ? 'malformed_body' : (STATUS_CODE_NAMES[status] ?? `http_${status}`);
  return { status, body: { error: code, message: error.message }, unexpected: false };
}

// Zlib and Brotli codes of a body that does not decompress (Z_DATA_ERROR,
// Z_BUF_ERROR, ERR__ERROR_FORMAT_PADDING_1, ...). body-parser passes them on
// with an exposable 400 but no `type`.
const DECOMPRESSION_CODE = /^(Z_[A-Z_]+|ERR__ERROR_[A-Z0-9_]+)$/;

function decompressionFailure(error: unknown, request: FailedRequestContext): MappedHttpError | undefined {
  if (!types.isNativeError(error)) return undefined; // zlib errors may come from another realm (Jest's vm)
  const { code, status, expose } = error as { code?: unknown; status?: unknown; expose?: unknown };
  if (typeof code !== 'string' || !DECOMPRESSION_CODE.test(code) || status !== 400 || expose !== true) return undefined;
  const encoding = request.contentEncoding?.trim().toLowerCase() || 'compressed';
  return {
    status: HttpStatus.BAD_REQUEST,
    body: { error: 'malformed_body', message: `request body is not valid ${encoding} data: ${error.message}` },
    unexpected: false,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
