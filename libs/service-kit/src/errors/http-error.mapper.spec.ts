import { gunzipSync } from 'node:zlib';
import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { ForbiddenError, UnauthenticatedError } from '../auth/auth.errors';
import { AccordError, RequestValidationError } from './accord.errors';
import { EVENT_BUS_ERROR_STATUS, PERSISTENCE_ERROR_STATUS, PROTOCOL_ERROR_STATUS } from './error-status';
import { isDomainError, mapErrorToHttp, type ErrorStatusMap } from './http-error.mapper';

class DatasetNotFoundError extends AccordError {
  readonly code = 'dataset_not_found';
}
class GrantExpiredError extends AccordError {
  readonly code = 'grant.expired';
}
/** Shaped like errors of the framework-free libs: no shared base class, just a code. */
class LibError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** A service's table, as its definition's `errorStatus`. */
const STATUS: ErrorStatusMap = {
  ...PROTOCOL_ERROR_STATUS,
  ...EVENT_BUS_ERROR_STATUS,
  ...PERSISTENCE_ERROR_STATUS,
  dataset_not_found: 404,
  'grant.expired': 422,
  dataset_already_exists: 409,
};

describe('mapErrorToHttp', () => {
  it('keeps code, message and details of a domain error', () => {
    const mapped = mapErrorToHttp(new GrantExpiredError('grant g1 expired at height 40', { grantId: 'g1' }), STATUS);
    expect(mapped).toEqual({
      status: 422,
      body: { error: 'grant.expired', message: 'grant g1 expired at height 40', details: { grantId: 'g1' } },
      unexpected: false,
    });
  });

  it.each([
    [new UnauthenticatedError('Unknown API token'), 401, 'unauthenticated'],
    [new ForbiddenError(['sysadmin'], ['user']), 403, 'forbidden'],
    [new RequestValidationError([{ field: 'body.x', reason: 'Required' }]), 400, 'validation_failed'],
    [new DatasetNotFoundError('no dataset d1'), 404, 'dataset_not_found'],
    [new LibError('event_bus_topic_not_found', 'topic "t" does not exist'), 404, 'event_bus_topic_not_found'],
    [new LibError('tx.invalid', 'bad tx'), 400, 'tx.invalid'],
    [new LibError('json.malformed', 'bad json'), 400, 'json.malformed'],
    [new LibError('tx.too_large', 'too big'), 413, 'tx.too_large'],
    [new LibError('tx.wrong_channel', 'wrong channel'), 422, 'tx.wrong_channel'],
    [new LibError('dataset_already_exists', 'exists'), 409, 'dataset_already_exists'],
    [new LibError('persistence_unavailable', 'down'), 503, 'persistence_unavailable'],
  ])('maps %p to %i', (error, status, code) => {
    const mapped = mapErrorToHttp(error, STATUS);
    expect(mapped.status).toBe(status);
    expect(mapped.body.error).toBe(code);
    expect(mapped.body.message).toBe(error.message);
  });

  it('answers the kit codes without a table', () => {
    expect(mapErrorToHttp(new UnauthenticatedError('Unknown API token')).status).toBe(401);
    expect(mapErrorToHttp(new RequestValidationError([])).status).toBe(400);
  });

  it('takes the status from the table, not from the words of the code', () => {
    expect(mapErrorToHttp(new LibError('points.insufficient', 'x'), { 'points.insufficient': 402 }).status).toBe(402);
    expect(mapErrorToHttp(new LibError('a_thing_not_found', 'x'), { a_thing_not_found: 409 }).status).toBe(409);
  });

  it('answers a domain code missing from the table with a bare 500 to log: an unmapped code is a bug', () => {
    for (const code of ['points.insufficient', 'dataset_not_found', 'tx.invalid']) {
      expect(mapErrorToHttp(new LibError(code, 'secret detail'))).toEqual({
        status: 500,
        body: { error: 'internal_error', message: 'Internal server error' },
        unexpected: true,
      });
    }
  });

  it('includes the required and granted roles in a 403', () => {
    expect(mapErrorToHttp(new ForbiddenError(['sysadmin', 'operations'], ['user'])).body).toEqual({
      error: 'forbidden',
      message: 'This operation requires one of the roles: sysadmin, operations',
      details: { required: ['sysadmin', 'operations'], granted: ['user'] },
    });
  });

  it('lists field reasons of a validation error', () => {
    const body = mapErrorToHttp(new RequestValidationError([{ field: 'body.purpose', reason: 'Required' }])).body;
    expect(body.details).toEqual({ issues: [{ field: 'body.purpose', reason: 'Required' }] });
  });

  it('turns unknown errors into a bare 500 that leaks nothing', () => {
    const mapped = mapErrorToHttp(new TypeError("Cannot read properties of undefined (reading 'password')"));
    expect(mapped).toEqual({
      status: 500,
      body: { error: 'internal_error', message: 'Internal server error' },
      unexpected: true,
    });
    expect(mapErrorToHttp('a string').status).toBe(500);
    expect(mapErrorToHttp(undefined).status).toBe(500);
  });

  it('does not mistake system and driver errors with a code for domain errors', () => {
    const econn = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
    });
    const nodeErr = Object.assign(new Error('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' });
    const pgErr = Object.assign(new Error('duplicate key value violates unique constraint "pk"'), { code: '23505' });
    for (const error of [econn, nodeErr, pgErr]) {
      expect(isDomainError(error)).toBe(false);
      expect(mapErrorToHttp(error)).toMatchObject({ status: 500, body: { message: 'Internal server error' } });
    }
  });

  it('maps Nest HTTP exceptions (unknown route, body too large) to their status', () => {
    expect(mapErrorToHttp(new NotFoundException('Cannot GET /nope')).body).toEqual({
      error: 'not_found',
      message: 'Cannot GET /nope',
    });
    expect(mapErrorToHttp(new PayloadTooLargeException()).status).toBe(413);
  });

  it('maps body-parser failures to 4xx', () => {
    const parseError = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), {
      type: 'entity.parse.failed',
      status: 400,
      expose: true,
    });
    expect(mapErrorToHttp(parseError)).toEqual({
      status: 400,
      body: { error: 'malformed_body', message: 'Unexpected token } in JSON at position 9' },
      unexpected: false,
    });
  });

  it('maps a body that does not decompress to 400 naming the Content-Encoding', () => {
    const gunzip = (() => {
      try {
        gunzipSync(Buffer.from('not gzip'));
      } catch (error) {
        return error as Error;
      }
      throw new Error('gunzip accepted garbage');
    })();
    Object.assign(gunzip, { status: 400, expose: true }); // as body-parser hands it on
    const mapped = mapErrorToHttp(gunzip, {}, { contentEncoding: 'GZIP' });
    expect(mapped.status).toBe(400);
    expect(mapped.unexpected).toBe(false);
    expect(mapped.body.error).toBe('malformed_body');
    expect(mapped.body.message).toMatch(/^request body is not valid gzip data: /);
  });

  it('keeps a zlib error that is not exposed as a bare 500', () => {
    const internal = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', errno: -3 });
    expect(mapErrorToHttp(internal).status).toBe(500);
  });
});
