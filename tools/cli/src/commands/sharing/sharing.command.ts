import { Command, Option } from 'commander';
import { ApiError } from '../../api/api.errors';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { DepartmentApi } from '../../api/department.api';
import { SubmittedTx, waitForTx } from '../../api/tx-status';
import { CliCommand, CliContext, CliInputError, EXIT_INVALID } from '../../cli.context';
import { positiveInteger } from '../../cli-files';
import { printJson, printTable } from '../../output/printer';
import { isoTime } from '../catalog/dataset.command';
import { addWaitOptions, reportSubmitted, WaitOptions } from '../tx-wait.options';
import { channelOfRecord, channelsToRead } from './contracts-records';

interface RequestOptions extends ApiCommandOptions {
  readonly purpose: string;
  readonly duration?: string;
  readonly durationMs?: number;
  readonly wait: boolean;
  readonly waitMs: number;
}

/** One item of POST /v1/requests (docs/catalog-actions.md "One-call requests"). */
interface RequestItemResult {
  readonly dataset: string;
  readonly status: 'submitted' | 'refused';
  readonly txId?: string;
  readonly statusUrl?: string;
  readonly channel?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** A request as the catalog reports it (GET /v1/requests?ids=, /v1/requests/mine). */
interface CatalogRequest {
  readonly id: string;
  readonly status: string;
  readonly dataset?: string;
  readonly channel?: string;
  readonly provider?: string;
  readonly purpose?: string;
  readonly code?: string | null;
  readonly message?: string | null;
  readonly grant?: {
    readonly status: string;
    readonly expiresAt: number | null;
    readonly accessesLeft: number | null;
  } | null;
}

/** A request with its decision, as `accord request` prints it. */
interface RequestOutcome {
  readonly dataset: string;
  readonly request: string | null;
  readonly channel: string | null;
  /** submitted (no decision known yet), pending (waiting for the provider's consent), granted, or a denial. */
  readonly decision: string;
  readonly code: string | null;
  readonly message: string | null;
}

interface ListOptions extends ApiCommandOptions {
  readonly mine?: boolean;
  readonly channel?: string;
  readonly status?: string;
  readonly dataset?: string;
  readonly limit?: number;
}

interface ContractsRequest {
  readonly channel: string;
  readonly id: string;
  readonly requester: string;
  readonly provider: string | null;
  readonly dataset: string | null;
  readonly purpose: string | null;
  readonly status: string;
  readonly code: string | null;
  readonly requestedAt: { readonly height: number; readonly time: number };
}

interface GrantRecord {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly dataset: string;
  readonly purpose: string;
  readonly status: string;
  readonly expiresAt: number;
  readonly maxAccesses: number | null;
  readonly accessesUsed: number;
}

interface AccountView {
  readonly member: string;
  readonly active: boolean;
  readonly balance: number;
  readonly held: number;
  readonly score: number;
  readonly level: number;
  readonly maxSensitivity: string;
  readonly nextLevel: { readonly level: number; readonly minScore: number } | null;
}

type ActionOptions = ApiCommandOptions & WaitOptions & { readonly channel?: string; readonly reason?: string };

/** Decisions that mean "no": exit 1. */
const DENIALS = new Set(['denied', 'refused', 'rejected', 'cancelled', 'expired']);
/** Between two reads of the catalog while a decision is awaited. */
const DECISION_POLL_MS = 250;

/**
 * Data sharing as one department (docs/cli.md "Sharing"): ask for datasets
 * through the catalog (several in one call), decide requests for our
 * datasets and revoke grants through the contracts service, and read
 * requests, grants and points.
 */
export const sharingCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    addConnectionOptions(program.command('request'))
      .description(
        'request access to one or more datasets; prints the decision per dataset (exit 1 when one is denied)',
      )
      .argument('<dataset...>', 'datasets as <owner>/<name>')
      .requiredOption('--purpose <token>', 'why you need the data, e.g. statistics (as the policies name purposes)')
      .option(
        '--duration <iso>',
        'how long the grant should last: ISO 8601 days/weeks/hours, e.g. P30D, PT12H (default P30D)',
      )
      .option('--duration-ms <ms>', 'how long the grant should last, in ms (instead of --duration)', positiveInteger)
      .option('--no-wait', 'return once the requests are published, without waiting for the decisions')
      .addOption(
        new Option('--wait-ms <ms>', 'how long to wait for the decisions').default(30_000).argParser(positiveInteger),
      )
      .addHelpText(
        'after',
        `
Examples:
  accord request transport/road-works --purpose planning
  accord request transport/road-works health/clinics --purpose statistics --duration P7D --json`,
      )
      .action(async (datasets: string[], options: RequestOptions) => {
        if (options.duration !== undefined && options.durationMs !== undefined) {
          throw new CliInputError('give either --duration or --duration-ms, not both');
        }
        const api = connect(options, context);
        const results = await submitRequests(api, datasets, options);
        const outcomes = options.wait
          ? await awaitDecisions(api, results, options.waitMs)
          : results.map(outcomeOfSubmission);
        context.exitCode = outcomes.some((o) => DENIALS.has(o.decision)) ? EXIT_INVALID : 0;
        if (options.json === true) return printJson(context.io, { requests: outcomes });
        printTable(
          context.io,
          outcomes,
          [
            { header: 'dataset', value: (o) => o.dataset },
            { header: 'decision', value: (o) => o.decision },
            { header: 'code', value: (o) => o.code },
            { header: 'request', value: (o) => o.request },
            { header: 'reason', value: (o) => o.message },
          ],
          'no requests',
        );
        if (outcomes.some((o) => o.decision === 'pending')) {
          context.io.out(
            "pending: the provider's data administrator decides (`accord consent` / `accord refuse` on their side)",
          );
        }
        if (outcomes.some((o) => o.decision === 'submitted')) {
          context.io.out('no decision yet: follow them with `accord requests --mine`');
        }
      });

    listOptions(addConnectionOptions(program.command('requests')))
      .description('requests for our datasets (to decide), or with --mine the requests we made')
      .option('--mine', "this department's own requests (from the catalog)")
      .addHelpText(
        'after',
        `
Examples:
  accord requests                   # requests for our datasets, with their status
  accord requests --status pending  # those waiting for our consent
  accord requests --mine`,
      )
      .action(async (options: ListOptions) => {
        const api = connect(options, context);
        if (options.mine === true) return listMyRequests(context, api, options);
        const requests: ContractsRequest[] = [];
        for (const channel of await channelsToRead(api, options.channel)) {
          const page = await api.request<{ items: ContractsRequest[] }>(
            'contracts',
            'GET',
            `/v1/channels/${encodeURIComponent(channel)}/requests`,
            {
              query: {
                provider: api.profile.department,
                status: options.status,
                dataset: options.dataset,
                limit: options.limit,
              },
            },
          );
          requests.push(...page.items);
        }
        if (options.json === true) return printJson(context.io, { requests });
        printTable(
          context.io,
          requests,
          [
            { header: 'request', value: (r) => r.id },
            { header: 'channel', value: (r) => r.channel },
            { header: 'dataset', value: (r) => r.dataset },
            { header: 'requester', value: (r) => r.requester },
            { header: 'purpose', value: (r) => r.purpose },
            { header: 'status', value: (r) => r.status },
            { header: 'code', value: (r) => r.code },
            { header: 'requested', value: (r) => isoTime(r.requestedAt.time) },
          ],
          `no requests for datasets of ${api.profile.department}`,
        );
      });

    decisionCommand(
      program,
      context,
      'consent',
      'consent to a pending request for one of our datasets (role dataadmin)',
      'request',
    );
    decisionCommand(
      program,
      context,
      'refuse',
      'refuse a pending request for one of our datasets (role dataadmin)',
      'request',
    );
    decisionCommand(
      program,
      context,
      'revoke',
      'revoke an active grant to one of our datasets (role dataadmin)',
      'grant',
    );

    listOptions(addConnectionOptions(program.command('grants')))
      .description('grants to our datasets, or with --mine the grants we hold')
      .option('--mine', 'the grants this department holds')
      .addHelpText('after', '\nExamples:\n  accord grants\n  accord grants --mine --status active')
      .action(async (options: ListOptions) => {
        const api = connect(options, context);
        const grants: (GrantRecord & { channel: string })[] = [];
        const who =
          options.mine === true ? { requester: api.profile.department } : { provider: api.profile.department };
        for (const channel of await channelsToRead(api, options.channel)) {
          const page = await api.request<{ items: GrantRecord[] }>(
            'contracts',
            'GET',
            `/v1/channels/${encodeURIComponent(channel)}/grants`,
            {
              query: { ...who, status: options.status, dataset: options.dataset, limit: options.limit },
            },
          );
          grants.push(...page.items.map((grant) => ({ ...grant, channel })));
        }
        if (options.json === true) return printJson(context.io, { grants });
        printTable(
          context.io,
          grants,
          [
            { header: 'grant', value: (g) => g.id },
            { header: 'channel', value: (g) => g.channel },
            { header: 'dataset', value: (g) => g.dataset },
            {
              header: options.mine === true ? 'provider' : 'requester',
              value: (g) => (options.mine === true ? g.provider : g.requester),
            },
            { header: 'purpose', value: (g) => g.purpose },
            { header: 'status', value: (g) => g.status },
            {
              header: 'accesses',
              value: (g) => `${g.accessesUsed}${g.maxAccesses === null ? '' : `/${g.maxAccesses}`}`,
              align: 'right',
            },
            { header: 'expires', value: (g) => isoTime(g.expiresAt) },
          ],
          options.mine === true ? 'no grants held' : `no grants to datasets of ${api.profile.department}`,
        );
      });

    addConnectionOptions(program.command('points'))
      .description('points and permission levels of the members of a channel (or of one member)')
      .argument('[member]', 'one member (default: every account)')
      .option('--channel <name>', 'channel (default: every channel the contracts service applies)')
      .addHelpText('after', '\nExamples:\n  accord points\n  accord points transport --channel alliance')
      .action(async (member: string | undefined, options: ApiCommandOptions & { channel?: string }) => {
        const api = connect(options, context);
        const accounts: (AccountView & { channel: string })[] = [];
        for (const channel of await channelsToRead(api, options.channel)) {
          const base = `/v1/channels/${encodeURIComponent(channel)}/accounts`;
          if (member === undefined) {
            const answer = await api.request<{ accounts: AccountView[] }>('contracts', 'GET', base);
            accounts.push(...answer.accounts.map((account) => ({ ...account, channel })));
          } else {
            const account = await api.request<AccountView>('contracts', 'GET', `${base}/${encodeURIComponent(member)}`);
            accounts.push({ ...account, channel });
          }
        }
        if (options.json === true) return printJson(context.io, { accounts });
        printTable(
          context.io,
          accounts,
          [
            { header: 'channel', value: (a) => a.channel },
            { header: 'member', value: (a) => `${a.member}${a.active ? '' : ' (inactive)'}` },
            { header: 'balance', value: (a) => a.balance, align: 'right' },
            { header: 'held', value: (a) => a.held, align: 'right' },
            { header: 'score', value: (a) => a.score, align: 'right' },
            { header: 'level', value: (a) => a.level, align: 'right' },
            { header: 'max sensitivity', value: (a) => a.maxSensitivity },
            {
              header: 'next level at',
              value: (a) => (a.nextLevel === null ? 'top' : `${a.nextLevel.minScore} (level ${a.nextLevel.level})`),
            },
          ],
          'no accounts',
        );
      });
  },
};

function listOptions(command: Command): Command {
  return command
    .option('--channel <name>', 'one channel (default: every channel the contracts service applies)')
    .option(
      '--status <status>',
      'only this status (requests: pending, granted, denied, ...; grants: active, expired, revoked, exhausted)',
    )
    .option('--dataset <owner/name>', 'only this dataset')
    .option('--limit <n>', 'at most this many per channel (1..1000)', positiveInteger);
}

/** consent / refuse <requestId>, revoke <grantId>: one signed action of the contracts service. */
function decisionCommand(
  program: Command,
  context: CliContext,
  name: 'consent' | 'refuse' | 'revoke',
  description: string,
  kind: 'request' | 'grant',
): void {
  const command = addWaitOptions(addConnectionOptions(program.command(name)))
    .description(description)
    .argument(`<${kind}Id>`, `the ${kind} id (\`accord ${kind}s\`)`)
    .option('--channel <name>', `the ${kind}'s channel (default: found by id)`)
    .addHelpText(
      'after',
      `\nExamples:\n  accord ${name} <${kind}Id>${name === 'consent' ? '' : ' --reason "not for this purpose"'} --wait`,
    );
  if (name !== 'consent') command.option('--reason <text>', 'why (≤ 500 characters), recorded on the chain');
  command.action(async (id: string, options: ActionOptions) => {
    const api = connect(options, context);
    const channel = await channelOfRecord(api, kind, id, options.channel);
    const submitted = await api.request<SubmittedTx>(
      'contracts',
      'POST',
      `/v1/channels/${encodeURIComponent(channel)}/${kind}s/${id}/${name}`,
      { body: options.reason === undefined ? {} : { reason: options.reason } },
    );
    await reportSubmitted(context, api, submitted, options, `${name} of ${kind} ${id}`);
  });
}

async function submitRequests(
  api: DepartmentApi,
  datasets: readonly string[],
  options: RequestOptions,
): Promise<RequestItemResult[]> {
  const duration =
    options.durationMs !== undefined ? { durationMs: options.durationMs } : { duration: options.duration ?? 'P30D' };
  try {
    const answer = await api.request<{ results: RequestItemResult[] }>('catalog', 'POST', '/v1/requests', {
      body: { purpose: options.purpose, ...duration, items: datasets.map((dataset) => ({ dataset })) },
    });
    return answer.results;
  } catch (error) {
    // Every item refused: the same per-item list, as details (the decision per dataset is what we print).
    if (error instanceof ApiError && error.code === 'requests_refused') {
      const details = error.details as { results?: RequestItemResult[] } | undefined;
      if (Array.isArray(details?.results)) return details.results;
    }
    throw error;
  }
}

function outcomeOfSubmission(result: RequestItemResult): RequestOutcome {
  return {
    dataset: result.dataset,
    request: result.txId ?? null,
    channel: result.channel ?? null,
    decision: result.status,
    code: result.error?.code ?? null,
    message: result.error?.message ?? null,
  };
}

/**
 * Waits for each submitted request's block, then for the catalog to project
 * the decision, until `timeoutMs`; what is still undecided stays `submitted`.
 */
async function awaitDecisions(
  api: DepartmentApi,
  results: readonly RequestItemResult[],
  timeoutMs: number,
): Promise<RequestOutcome[]> {
  const deadline = Date.now() + timeoutMs;
  const submitted = results.filter((r) => r.status === 'submitted' && r.txId !== undefined);
  await Promise.all(
    submitted.map((r) =>
      r.statusUrl === undefined ? undefined : waitForTx(api, r.statusUrl, Math.max(0, deadline - Date.now())),
    ),
  );
  let decided = new Map<string, CatalogRequest>();
  while (submitted.length > 0) {
    const ids = submitted.map((r) => r.txId as string);
    const answer = await api.request<{ requests: CatalogRequest[] }>('catalog', 'GET', '/v1/requests', {
      query: { ids: ids.join(',') },
    });
    decided = new Map(answer.requests.filter((r) => r.status !== 'submitted').map((r) => [r.id, r]));
    if (decided.size === ids.length || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, DECISION_POLL_MS));
  }
  return results.map((result) => {
    const request = result.txId === undefined ? undefined : decided.get(result.txId);
    if (request === undefined) return outcomeOfSubmission(result);
    return {
      dataset: result.dataset,
      request: request.id,
      channel: request.channel ?? result.channel ?? null,
      decision: request.status,
      code: request.code ?? null,
      message: request.message ?? null,
    };
  });
}

async function listMyRequests(context: CliContext, api: DepartmentApi, options: ListOptions): Promise<void> {
  const answer = await api.request<{ requests: CatalogRequest[]; next: string | null }>(
    'catalog',
    'GET',
    '/v1/requests/mine',
    {
      query: { status: options.status, dataset: options.dataset, limit: options.limit },
    },
  );
  if (options.json === true) return printJson(context.io, answer);
  printTable(
    context.io,
    answer.requests,
    [
      { header: 'request', value: (r) => r.id },
      { header: 'dataset', value: (r) => r.dataset },
      { header: 'provider', value: (r) => r.provider },
      { header: 'purpose', value: (r) => r.purpose },
      { header: 'status', value: (r) => r.status },
      { header: 'code', value: (r) => r.code },
      { header: 'grant', value: (r) => (r.grant === null || r.grant === undefined ? '' : grantText(r.grant)) },
    ],
    `no requests made by ${api.profile.department}`,
  );
}

function grantText(grant: NonNullable<CatalogRequest['grant']>): string {
  const parts = [grant.status];
  if (grant.expiresAt !== null) parts.push(`until ${isoTime(grant.expiresAt)}`);
  if (grant.accessesLeft !== null) parts.push(`${grant.accessesLeft} accesses left`);
  return parts.join(', ');
}
