import { Command } from 'commander';
import { resolveChannel } from '../../api/channel.resolver';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { SubmittedTx } from '../../api/tx-status';
import { CliCommand, CliContext } from '../../cli.context';
import { collect, positiveInteger } from '../../cli-files';
import { printFields, printJson, printTable } from '../../output/printer';
import { addWaitOptions, reportSubmitted, WaitOptions } from '../tx-wait.options';
import { addDatasetFieldOptions, datasetBody, DatasetFieldOptions, datasetId, datasetPath } from './dataset-fields';
import { examples } from '../command-help';

type ActionOptions = ApiCommandOptions & WaitOptions;

interface RegisterOptions extends ActionOptions, DatasetFieldOptions {
  readonly channel?: string;
  readonly name?: string;
  readonly domain?: string;
  readonly dataType?: string;
  readonly sensitivity?: string;
  readonly subjectKey?: string;
  readonly governance?: string;
}

interface UpdateOptions extends ActionOptions, DatasetFieldOptions {
  readonly version?: number;
}

interface ProvenanceOptions extends ApiCommandOptions {
  readonly kind?: readonly string[];
  readonly requester?: string;
  readonly grant?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly proofs: boolean;
}

interface UsageOptions extends ApiCommandOptions {
  readonly requester?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** What the catalog answers for a dataset action (202). */
interface SubmittedDatasetTx extends SubmittedTx {
  readonly dataset: string;
  readonly version?: number;
}

interface DatasetEntry {
  readonly id: string;
  readonly channel: string;
  readonly version: number;
  readonly status: string;
  readonly title: string;
  readonly description: string;
  readonly domain: string;
  readonly sensitivity: string;
  readonly governance: string;
  readonly updateFrequency: string;
  readonly volumeBytes: number;
  readonly contentHash: string;
  readonly keywords: readonly string[];
  readonly themes: readonly string[];
  readonly formats: readonly string[];
  readonly authoritative: boolean;
  readonly standing: { readonly state: string } & Record<string, unknown>;
  readonly versions: readonly { version: number; txId: string; height: number; contentHash: string }[];
  readonly openQualityReports: readonly unknown[];
}

interface ProvenanceEntry {
  readonly height: number;
  readonly txIndex: number;
  readonly kind: string;
  readonly code: string | null;
  readonly txId: string | null;
  readonly actor: string | null;
  readonly time: number;
  readonly request: string | null;
  readonly requester: string | null;
  readonly proof: unknown;
}

interface UsageGrant {
  readonly grant: string;
  readonly requester: string;
  readonly purpose: string;
  readonly grantStatus: string;
  readonly expiresAt: number | null;
  readonly maxAccesses: number | null;
  readonly accesses: number;
  readonly bytes: number;
  readonly lastUse: number | null;
}

/** The policy of a dataset registered without one: anyone may ask to use it (the rules still decide). */
const DEFAULT_POLICY = {
  '@context': 'http://www.w3.org/ns/odrl.jsonld',
  '@type': 'Offer',
  permission: [{ action: 'use' }],
};

/**
 * `accord dataset ...`: this department's datasets in the catalog
 * (register, update, deprecate; role provider) and any dataset's entry,
 * usage and provenance trail (docs/catalog-actions.md, docs/catalog-search.md,
 * docs/catalog-provenance-export.md).
 */
export const datasetCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    const group = program
      .command('dataset')
      .description('datasets in the catalog: register, update, deprecate, show, usage, provenance')
      .addHelpText(
        'after',
        `
Examples:
  accord dataset register --name road-works --title "Road works" --description "Every permit" \\
    --domain transport --data-type table --sensitivity internal --update-frequency daily \\
    --governance light --content-file road-works.csv --theme TRAN --wait
  accord dataset register --file road-works.dataset.json --channel roads
  accord dataset update road-works --content-file road-works-v2.csv --wait
  accord dataset deprecate road-works --reason "replaced by road-permits"
  accord dataset show transport/road-works
  accord dataset usage road-works
  accord dataset provenance transport/road-works --kind granted,used`,
      );

    addDatasetFieldOptions(addWaitOptions(addConnectionOptions(group.command('register'))))
      .description('register a dataset of this department (signed dataset.register)')
      .addHelpText(
        'after',
        examples(
          'accord dataset register --file road-works.dataset.json --channel roads --wait',
          'accord dataset register --name road-works --title "Road works" --description "Every permit" --domain transport --data-type table --sensitivity internal --update-frequency daily --governance light --content-file road-works.csv --theme TRAN',
        ),
      )
      .option('--channel <name>', "channel to register it on (default: the only one followed, or the local network's)")
      .option('--name <name>', 'dataset name (the id is <department>/<name>)')
      .option('--domain <token>', 'data domain, e.g. transport')
      .option('--data-type <token>', 'e.g. table, document, stream')
      .option('--sensitivity <level>', 'public, internal, personal or sensitive')
      .option('--subject-key <token>', 'the kind of identifier records are about (personal/sensitive data)')
      .option('--governance <mode>', 'light or strong')
      .action(async (options: RegisterOptions) => {
        const api = connect(options, context);
        const channel = await resolveChannel(api, options.channel);
        const body = datasetBody(options, {
          name: options.name,
          domain: options.domain,
          dataType: options.dataType,
          sensitivity: options.sensitivity,
          subjectKey: options.subjectKey,
          governance: options.governance,
        });
        const submitted = await api.request<SubmittedDatasetTx>(
          'catalog',
          'POST',
          `/v1/channels/${encodeURIComponent(channel)}/datasets`,
          {
            body: { policy: DEFAULT_POLICY, ...body },
          },
        );
        await reportSubmitted(context, api, submitted, options, `registration of ${submitted.dataset}`);
      });

    addDatasetFieldOptions(addWaitOptions(addConnectionOptions(group.command('update'))))
      .description('publish a new version of a dataset of this department (signed dataset.update)')
      .addHelpText(
        'after',
        examples(
          'accord dataset update road-works --content-file road-works-v2.csv --wait',
          'accord dataset update road-works --content-hash <sha256> --title "Road works (2027)"',
        ),
      )
      .argument('<dataset>', '<owner>/<name>, or <name> for one of yours')
      .option('--version <n>', 'the new version (default: current + 1)', positiveInteger)
      .action(async (id: string, options: UpdateOptions) => {
        const api = connect(options, context);
        const body = datasetBody(options, { version: options.version });
        const path = datasetPath(datasetId(id, api.profile.department), '/versions');
        const submitted = await api.request<SubmittedDatasetTx>('catalog', 'POST', path, { body });
        await reportSubmitted(context, api, submitted, options, `version ${submitted.version} of ${submitted.dataset}`);
      });

    addWaitOptions(addConnectionOptions(group.command('deprecate')))
      .description('deprecate a dataset of this department: no new requests, grants run on')
      .addHelpText('after', examples('accord dataset deprecate road-works --reason "replaced by road-permits" --wait'))
      .argument('<dataset>', '<owner>/<name>, or <name> for one of yours')
      .option('--reason <text>', 'why (≤ 500 characters)')
      .action(async (id: string, options: ActionOptions & { reason?: string }) => {
        const api = connect(options, context);
        const path = datasetPath(datasetId(id, api.profile.department), '/deprecate');
        const body = options.reason === undefined ? {} : { reason: options.reason };
        const submitted = await api.request<SubmittedDatasetTx>('catalog', 'POST', path, { body });
        await reportSubmitted(context, api, submitted, options, `deprecation of ${submitted.dataset}`);
      });

    addConnectionOptions(group.command('show'))
      .description("a dataset's entry: metadata, versions, open quality reports, this department's standing")
      .addHelpText(
        'after',
        examples('accord dataset show transport/road-works', 'accord dataset show road-works --json'),
      )
      .argument('<dataset>', '<owner>/<name>, or <name> for one of yours')
      .action(async (id: string, options: ApiCommandOptions) => {
        const api = connect(options, context);
        const entry = await api.request<DatasetEntry>(
          'catalog',
          'GET',
          datasetPath(datasetId(id, api.profile.department)),
        );
        if (options.json === true) return printJson(context.io, entry);
        printFields(context.io, [
          ['dataset', `${entry.id} v${entry.version} (${entry.status})`],
          ['title', entry.title],
          ['description', entry.description],
          ['channel', entry.channel],
          ['domain', entry.domain],
          ['sensitivity', entry.sensitivity],
          ['governance', entry.governance],
          ['updates', entry.updateFrequency],
          ['volume', `${entry.volumeBytes} bytes`],
          ['content hash', entry.contentHash],
          ['keywords', entry.keywords],
          ['themes', entry.themes],
          ['formats', entry.formats],
          ['authoritative', entry.authoritative ? 'yes' : 'no'],
          ['standing', standingText(entry.standing)],
          ['open reports', entry.openQualityReports.length],
        ]);
        context.io.out('');
        printTable(
          context.io,
          entry.versions,
          [
            { header: 'version', value: (v) => v.version, align: 'right' },
            { header: 'height', value: (v) => v.height, align: 'right' },
            { header: 'tx', value: (v) => v.txId },
            { header: 'content hash', value: (v) => v.contentHash },
          ],
          'no versions',
        );
      });

    addConnectionOptions(group.command('usage'))
      .description('uses of a dataset per grant: requester, purpose, accesses, bytes')
      .addHelpText(
        'after',
        examples('accord dataset usage road-works', 'accord dataset usage road-works --requester health --json'),
      )
      .argument('<dataset>', '<owner>/<name>, or <name> for one of yours')
      .option('--requester <id>', 'only grants of this department')
      .option('--limit <n>', 'grants per page (1..1000)', positiveInteger)
      .option('--cursor <next>', 'the next page, as printed by the previous one')
      .action(async (id: string, options: UsageOptions) => {
        const api = connect(options, context);
        const page = await api.request<{ dataset: string; grants: UsageGrant[]; next: string | null }>(
          'catalog',
          'GET',
          datasetPath(datasetId(id, api.profile.department), '/usage'),
          { query: { requester: options.requester, limit: options.limit, cursor: options.cursor } },
        );
        if (options.json === true) return printJson(context.io, page);
        printTable(
          context.io,
          page.grants,
          [
            { header: 'grant', value: (g) => g.grant },
            { header: 'requester', value: (g) => g.requester },
            { header: 'purpose', value: (g) => g.purpose },
            { header: 'status', value: (g) => g.grantStatus },
            {
              header: 'accesses',
              value: (g) => `${g.accesses}${g.maxAccesses === null ? '' : `/${g.maxAccesses}`}`,
              align: 'right',
            },
            { header: 'bytes', value: (g) => g.bytes, align: 'right' },
            { header: 'last use', value: (g) => isoTime(g.lastUse) },
          ],
          `no grants of ${page.dataset}`,
        );
        printNext(context, page.next);
      });

    addConnectionOptions(group.command('provenance'))
      .description("a dataset's trail in chain order: registration, requests, decisions, uses, with tx proofs")
      .addHelpText(
        'after',
        examples(
          'accord dataset provenance transport/road-works --kind granted,used',
          'accord dataset provenance road-works --no-proofs --json',
        ),
      )
      .argument('<dataset>', '<owner>/<name>, or <name> for one of yours')
      .option(
        '--kind <kinds>',
        'only these entry kinds (comma list: registered, granted, used, ...); repeatable',
        collect,
      )
      .option('--requester <id>', 'only entries about requests and grants of this department')
      .option('--grant <id>', 'only entries about this request or grant')
      .option('--limit <n>', 'entries per page (1..1000)', positiveInteger)
      .option('--cursor <next>', 'the next page, as printed by the previous one')
      .option('--no-proofs', 'leave out the tx proofs (no ledger call)')
      .action(async (id: string, options: ProvenanceOptions) => {
        const api = connect(options, context);
        const page = await api.request<{ dataset: string; entries: ProvenanceEntry[]; next: string | null }>(
          'catalog',
          'GET',
          datasetPath(datasetId(id, api.profile.department), '/provenance'),
          {
            query: {
              kind: options.kind?.join(','),
              requester: options.requester,
              grant: options.grant,
              limit: options.limit,
              cursor: options.cursor,
              proofs: options.proofs ? undefined : 'false',
            },
          },
        );
        if (options.json === true) return printJson(context.io, page);
        printTable(
          context.io,
          page.entries,
          [
            { header: 'height', value: (e) => `${e.height}:${e.txIndex}`, align: 'right' },
            { header: 'time', value: (e) => isoTime(e.time) },
            { header: 'kind', value: (e) => e.kind },
            { header: 'code', value: (e) => e.code },
            { header: 'actor', value: (e) => e.actor },
            { header: 'requester', value: (e) => e.requester },
            { header: 'tx', value: (e) => e.txId },
            { header: 'proof', value: (e) => (e.proof === null || e.proof === undefined ? 'no' : 'yes') },
          ],
          `no trail entries for ${page.dataset}`,
        );
        printNext(context, page.next);
      });
  },
};

export function standingText(standing: { readonly state: string } & Record<string, unknown>): string {
  const { state, ...rest } = standing;
  const details = Object.entries(rest)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(
      ([key, value]) => `${key} ${key.endsWith('At') && typeof value === 'number' ? isoTime(value) : String(value)}`,
    );
  return details.length === 0 ? state : `${state} (${details.join(', ')})`;
}

export function isoTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '' : new Date(ms).toISOString();
}

export function printNext(context: CliContext, next: string | number | null): void {
  if (next !== null) context.io.out(`more: pass --cursor ${next}`);
}
