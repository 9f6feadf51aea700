import { ProtocolError } from '@accord/protocol';
import { ApiError, ServiceUnreachableError } from '../api/api.errors';
import type { ResolvedProfile } from '../api/department.profile';
import {
  CliCommandError,
  CliInputError,
  CliIo,
  EXIT_BAD_INPUT,
  EXIT_INTERNAL,
  EXIT_UNAVAILABLE,
  exitCodeForHttpStatus,
} from '../cli.context';
import { isRecord } from '../api/profiles.file';

/** An error as the user sees it: what went wrong, and what to do next. */
export interface ErrorReport {
  readonly exitCode: number;
  readonly message: string;
  readonly next?: string;
}

/**
 * Prints an error a command threw as `error: ...` and `next: ...` lines on
 * stderr (no stack trace) and returns its exit code (docs/cli.md "Exit codes").
 */
export function reportError(error: unknown, io: CliIo): number {
  const report = describeError(error);
  io.err(`error: ${report.message}`);
  if (report.next !== undefined) io.err(`next: ${report.next}`);
  return report.exitCode;
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof ApiError) return describeApiError(error);
  if (error instanceof ServiceUnreachableError) {
    return { exitCode: EXIT_UNAVAILABLE, message: error.message, next: unreachableNext(error.profile) };
  }
  if (error instanceof CliInputError) return { exitCode: EXIT_BAD_INPUT, message: error.message, next: error.next };
  if (error instanceof CliCommandError) return { exitCode: error.exitCode, message: error.message, next: error.next };
  if (error instanceof ProtocolError) return { exitCode: EXIT_BAD_INPUT, message: error.message };
  return {
    exitCode: EXIT_INTERNAL,
    message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    next: 'this is a bug in the CLI: report it with the command that failed',
  };
}

function describeApiError(error: ApiError): ErrorReport {
  const where = `${error.service} of ${error.profile.name}`;
  const message = `${error.message} (${error.code}, HTTP ${error.status} from ${where})`;
  const exitCode = exitCodeForHttpStatus(error.status);
  return { exitCode, message, next: apiErrorNext(error) };
}

function apiErrorNext(error: ApiError): string {
  const profile = error.profile;
  switch (error.status) {
    case 401:
      return profile.token === undefined
        ? `profile ${profile.name} has no token: pass --token, set ACCORD_TOKEN, or set token/tokenFile in the profile`
        : `check the token of profile ${profile.name} (from ${profile.tokenSource}): it is unknown or revoked; pass another with --token or ACCORD_TOKEN`;
    case 403: {
      const required = isRecord(error.details) ? error.details['required'] : undefined;
      const roles = Array.isArray(required)
        ? ` with one of the roles ${required.join(', ')}`
        : ' with the required role';
      return `use a token${roles} (the token of profile ${profile.name} comes from ${profile.tokenSource}); a sysadmin creates one with \`accord token create <name> --role <role>\``;
    }
    case 404:
      return 'check the name or id in the command; the list commands (`accord channel list`, `accord search`, `accord requests`, ...) show what exists';
    case 502:
    case 503:
    case 504:
      return `the ${error.service} service of ${profile.name} is not ready: wait a moment and retry; \`accord status\` shows each service's readiness`;
    default:
      if (error.status >= 500) {
        return `the ${error.service} service failed${error.traceId === undefined ? '' : ` (trace ${error.traceId})`}: see its logs`;
      }
      return detailsHint(error.details) ?? 'fix what the message says and retry; `--help` shows the options';
  }
}

/** Validation errors list their issues in details; the first few say what to fix. */
function detailsHint(details: unknown): string | undefined {
  if (!isRecord(details) || !Array.isArray(details['issues'])) return undefined;
  // The services' validation pipe: details.issues = [{field, reason}].
  const issues = (details['issues'] as unknown[]).slice(0, 3).map((issue) => {
    if (!isRecord(issue)) return String(issue);
    const field = typeof issue['field'] === 'string' ? `${issue['field']}: ` : '';
    return `${field}${String(issue['reason'] ?? issue['message'] ?? '')}`;
  });
  return issues.length === 0 ? undefined : `fix ${issues.join('; ')}`;
}

function unreachableNext(profile: ResolvedProfile): string {
  if (profile.origin.kind === 'network') {
    return `is \`accord up\` running? (network file ${profile.origin.path}; pass --data-dir if it runs elsewhere)`;
  }
  return `check that the service runs and the urls of profile ${profile.name} in ${profile.origin.path} (\`accord profile list\`)`;
}
