import { Command } from 'commander';
import { ApiError, ServiceUnreachableError } from '../../api/api.errors';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { DepartmentApi } from '../../api/department.api';
import { SERVICE_NAMES, ServiceName } from '../../api/department.profile';
import { CliCommand, CliContext, EXIT_AUTH, EXIT_UNAVAILABLE } from '../../cli.context';
import { printJson, printTable } from '../../output/printer';

/** One service's state as `accord status` reports it. */
export interface ServiceStatus {
  readonly service: ServiceName;
  readonly url: string;
  /** `ready`, `not ready` (503, with the failing checks), `unreachable`. */
  readonly readiness: 'ready' | 'not ready' | 'unreachable';
  /** The failing readiness checks, or why the service could not be reached. */
  readonly problem?: string;
  /** GET /v1/info: who answers; null when the call failed (see infoError). */
  readonly info: {
    readonly service: string;
    readonly department: string;
    readonly version: string;
    readonly mode: string;
  } | null;
  readonly infoError?: string;
  /** /v1/info answered 401: the token is unknown or revoked. */
  readonly tokenRefused?: boolean;
}

/**
 * `accord status`: each service of the department, its readiness
 * (/health/ready, no token needed) and identity (/v1/info, which also proves
 * the token works). Exit 0 when all are ready and the token is accepted, 7
 * when a service is down or not ready, 6 when the token is refused.
 */
export const statusCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    addConnectionOptions(program.command('status'))
      .description('readiness and identity of each service of the department (and whether the token works)')
      .addHelpText(
        'after',
        `
Examples:
  accord status                  # the only department of the local network, or --dept <name>
  accord status --dept health --json`,
      )
      .action(async (options: ApiCommandOptions) => {
        const api = connect(options, context);
        const statuses = await Promise.all(SERVICE_NAMES.map((service) => serviceStatus(api, service)));
        context.exitCode = statusExitCode(statuses);
        if (options.json === true) {
          printJson(context.io, { department: api.profile.department, profile: api.profile.name, services: statuses });
          return;
        }
        context.io.out(`department ${api.profile.department} (profile ${api.profile.name})`);
        printTable(
          context.io,
          statuses,
          [
            { header: 'service', value: (s) => s.service },
            { header: 'url', value: (s) => s.url },
            { header: 'ready', value: (s) => s.readiness },
            { header: 'version', value: (s) => s.info?.version },
            { header: 'mode', value: (s) => s.info?.mode },
            { header: 'problem', value: (s) => s.problem ?? s.infoError },
          ],
          'no services',
        );
        const wrongDepartment = statuses.filter((s) => s.info !== null && s.info.department !== api.profile.department);
        for (const s of wrongDepartment) {
          context.io.err(
            `warning: ${s.service} at ${s.url} serves department ${s.info?.department}, not ${api.profile.department}`,
          );
        }
        if (context.exitCode === EXIT_UNAVAILABLE) {
          context.io.err('next: a service is down or not ready: is `accord up` running? wait a moment and retry');
        } else if (context.exitCode === EXIT_AUTH) {
          context.io.err(
            `next: the services refuse the token of profile ${api.profile.name} (from ${api.profile.tokenSource}): pass another with --token`,
          );
        }
      });
  },
};

async function serviceStatus(api: DepartmentApi, service: ServiceName): Promise<ServiceStatus> {
  const url = api.profile.urls[service];
  const readiness = await api.request(service, 'GET', '/health/ready').then(
    () => ({ readiness: 'ready' as const }),
    (error: unknown) => readinessFailure(error),
  );
  if (readiness.readiness === 'unreachable') return { service, url, ...readiness, info: null };
  try {
    const info = await api.request<ServiceStatus['info']>(service, 'GET', '/v1/info');
    return { service, url, ...readiness, info };
  } catch (error) {
    if (error instanceof ApiError || error instanceof ServiceUnreachableError) {
      const tokenRefused = error instanceof ApiError && error.status === 401;
      return {
        service,
        url,
        ...readiness,
        info: null,
        infoError: infoFailure(error),
        ...(tokenRefused ? { tokenRefused } : {}),
      };
    }
    throw error;
  }
}

function readinessFailure(error: unknown): Pick<ServiceStatus, 'readiness' | 'problem'> {
  if (error instanceof ServiceUnreachableError) return { readiness: 'unreachable', problem: error.reason };
  if (error instanceof ApiError) {
    return { readiness: 'not ready', problem: failingChecks(error.details) ?? `${error.code}: ${error.message}` };
  }
  throw error;
}

/** The terminus body of a 503 names the checks that are down in `error`. */
function failingChecks(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const failing = (details as { error?: unknown }).error;
  if (typeof failing !== 'object' || failing === null) return undefined;
  return `down: ${Object.keys(failing).join(', ')}`;
}

function infoFailure(error: ApiError | ServiceUnreachableError): string {
  if (error instanceof ServiceUnreachableError) return error.reason;
  return error.status === 401 ? `token refused (${error.code})` : `${error.code}: ${error.message}`;
}

function statusExitCode(statuses: readonly ServiceStatus[]): number {
  if (statuses.some((s) => s.readiness !== 'ready' || (s.info === null && s.tokenRefused !== true))) {
    return EXIT_UNAVAILABLE;
  }
  return statuses.some((s) => s.tokenRefused === true) ? EXIT_AUTH : 0;
}
