import { ProtocolError } from '@accord/protocol';
import { ApiError, ServiceUnreachableError } from '../api/api.errors';
import type { ResolvedProfile } from '../api/department.profile';
import { CliInputError } from '../cli.context';
import { describeError, reportError } from './error.report';

const urls = {
  ledger: 'http://127.0.0.1:7110',
  contracts: 'http://127.0.0.1:7111',
  catalog: 'http://127.0.0.1:7112',
  'storage-gateway': 'http://127.0.0.1:7113',
};
const local: ResolvedProfile = {
  name: 'health',
  department: 'health',
  urls,
  token: 'secret',
  tokenSource: '/data/health/secrets/dev-api-token',
  origin: { kind: 'network', path: '/data/network.json', dataDir: '/data', channel: 'alliance' },
};
const remote: ResolvedProfile = {
  ...local,
  name: 'prod',
  origin: { kind: 'profiles', path: '/home/me/profiles.json' },
};

const apiError = (status: number, code: string, details?: unknown, profile = local) =>
  new ApiError(status, code, `message of ${code}`, details, 'ledger', `${urls.ledger}/v1/x`, profile, 'trace-1');

describe('describeError', () => {
  it.each<[number, string, number]>([
    [400, 'validation_failed', 4],
    [409, 'already_member', 4],
    [422, 'requests_refused', 4],
    [401, 'unauthenticated', 6],
    [403, 'forbidden', 6],
    [404, 'channel_not_found', 5],
    [500, 'internal_error', 3],
    [503, 'dependency_unavailable', 7],
  ])('maps HTTP %i (%s) to exit %i', (status, code, exitCode) => {
    expect(describeError(apiError(status, code)).exitCode).toBe(exitCode);
  });

  it('names the service, profile, status and code in the message', () => {
    expect(describeError(apiError(404, 'channel_not_found')).message).toBe(
      'message of channel_not_found (channel_not_found, HTTP 404 from ledger of health)',
    );
  });

  it('points a 401 at the token of the profile and where it came from', () => {
    expect(describeError(apiError(401, 'unauthenticated')).next).toBe(
      'check the token of profile health (from /data/health/secrets/dev-api-token): it is unknown or revoked; pass another with --token or ACCORD_TOKEN',
    );
  });

  it('names the roles a 403 needs', () => {
    const next = describeError(apiError(403, 'forbidden', { required: ['sysadmin'], granted: ['user'] })).next;
    expect(next).toContain('use a token with one of the roles sysadmin');
    expect(next).toContain('accord token create');
  });

  it('lists the validation issues to fix', () => {
    const details = { issues: [{ field: 'body.policy.maxTxBytes', reason: 'too small' }] };
    expect(describeError(apiError(400, 'policy_invalid', details)).next).toBe('fix body.policy.maxTxBytes: too small');
  });

  it('asks whether `accord up` runs when a local service is unreachable, and to check the profile otherwise', () => {
    const unreachable = (profile: ResolvedProfile) =>
      describeError(
        new ServiceUnreachableError('catalog', `${urls.catalog}/v1/datasets`, 'connect ECONNREFUSED', profile),
      );
    expect(unreachable(local)).toEqual({
      exitCode: 7,
      message: `cannot reach the catalog service of health at ${urls.catalog}/v1/datasets: connect ECONNREFUSED`,
      next: 'is `accord up` running? (network file /data/network.json; pass --data-dir if it runs elsewhere)',
    });
    expect(unreachable(remote).next).toContain('the urls of profile prod in /home/me/profiles.json');
  });

  it('maps bad input to exit 2 with its next step, and anything else to 3', () => {
    expect(describeError(new CliInputError('no such file', 'pass another'))).toEqual({
      exitCode: 2,
      message: 'no such file',
      next: 'pass another',
    });
    expect(describeError(new ProtocolError('keyfile.invalid', 'bad key')).exitCode).toBe(2);
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({
      exitCode: 3,
      message: 'unexpected error: x is undefined',
    });
  });
});

describe('reportError', () => {
  it('prints error and next lines on stderr and returns the exit code', () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = reportError(apiError(404, 'tx_not_found'), { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(5);
    expect(out).toEqual([]);
    expect(err[0]).toBe('error: message of tx_not_found (tx_not_found, HTTP 404 from ledger of health)');
    expect(err[1]).toMatch(/^next: /);
  });
});
