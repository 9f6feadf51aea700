import { Command } from 'commander';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { CliCommand, CliContext } from '../../cli.context';
import { collect, positiveInteger } from '../../cli-files';
import { printJson, printTable } from '../../output/printer';
import { printNext, standingText } from './dataset.command';

interface SearchOptions extends ApiCommandOptions {
  readonly owner?: readonly string[];
  readonly channel?: readonly string[];
  readonly domain?: readonly string[];
  readonly theme?: readonly string[];
  readonly format?: readonly string[];
  readonly sensitivity?: readonly string[];
  readonly mode?: readonly string[];
  readonly status?: string;
  readonly sort?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

interface SearchHit {
  readonly id: string;
  readonly title: string;
  readonly domain: string;
  readonly themes: readonly string[];
  readonly sensitivity: string;
  readonly formats: readonly string[];
  readonly version: number;
  readonly status: string;
  readonly authoritative: boolean;
  readonly standing: { readonly state: string } & Record<string, unknown>;
}

interface SearchAnswer {
  readonly total: number;
  readonly sort: string;
  readonly hits: readonly SearchHit[];
  readonly facets: Readonly<Record<string, readonly { value: string; count: number }[]>>;
  readonly next: string | null;
}

/** How many values of each facet the table shows (the JSON has them all). */
const FACET_VALUES_SHOWN = 8;

/**
 * `accord search [text]`: the catalog's full-text search with filters and
 * facet counts (docs/catalog-search.md). `--owner` is the API's `department`
 * filter; repeated flags of one filter are OR-ed, different filters AND-ed.
 */
export const searchCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    addConnectionOptions(program.command('search'))
      .description('search the catalog: full text, filters, facets, your standing on each dataset')
      .argument('[text]', 'full-text query ("exact phrase", or, -excluded)')
      .option('--owner <id>', 'owner department; repeatable', collect)
      .option('--channel <name>', 'channel; repeatable', collect)
      .option('--domain <token>', 'data domain; repeatable', collect)
      .option('--theme <code>', 'DCAT-AP theme, e.g. TRAN, HEAL; repeatable', collect)
      .option('--format <code>', 'distribution format, e.g. CSV; repeatable', collect)
      .option('--sensitivity <level>', 'public, internal, personal, sensitive; repeatable', collect)
      .option('--mode <mode>', 'governance: light or strong; repeatable', collect)
      .option('--status <status>', 'active (default), deprecated, or active,deprecated')
      .option('--sort <order>', 'relevance, newest or title')
      .option('--limit <n>', 'hits per page (1..100)', positiveInteger)
      .option('--cursor <next>', 'the next page, as printed by the previous one')
      .addHelpText(
        'after',
        `
Examples:
  accord search "air quality"
  accord search --theme TRAN --format CSV
  accord search roads --owner transport --json`,
      )
      .action(async (text: string | undefined, options: SearchOptions) => {
        const api = connect(options, context);
        const answer = await api.request<SearchAnswer>('catalog', 'GET', '/v1/datasets', {
          query: {
            q: text,
            department: options.owner,
            channel: options.channel,
            domain: options.domain,
            theme: options.theme,
            format: options.format,
            sensitivity: options.sensitivity,
            mode: options.mode,
            status: options.status,
            sort: options.sort,
            limit: options.limit,
            cursor: options.cursor,
          },
        });
        if (options.json === true) return printJson(context.io, answer);
        context.io.out(`${answer.total} dataset${answer.total === 1 ? '' : 's'} (sorted by ${answer.sort})`);
        printTable(
          context.io,
          answer.hits,
          [
            { header: 'dataset', value: (h) => `${h.id}${h.authoritative ? ' *' : ''}` },
            { header: 'v', value: (h) => h.version, align: 'right' },
            { header: 'title', value: (h) => h.title },
            { header: 'domain', value: (h) => h.domain },
            { header: 'themes', value: (h) => h.themes },
            { header: 'sensitivity', value: (h) => h.sensitivity },
            { header: 'formats', value: (h) => h.formats },
            { header: 'standing', value: (h) => standingText(h.standing) },
          ],
          'no datasets match',
        );
        const facetLines = Object.entries(answer.facets)
          .filter(([, values]) => values.length > 0)
          .map(([facet, values]) => {
            const shown = values.slice(0, FACET_VALUES_SHOWN).map((v) => `${v.value} (${v.count})`);
            const more = values.length > FACET_VALUES_SHOWN ? `, +${values.length - FACET_VALUES_SHOWN} more` : '';
            return `  ${facet}: ${shown.join(', ')}${more}`;
          });
        if (facetLines.length > 0) {
          context.io.out('facets:');
          for (const line of facetLines) context.io.out(line);
        }
        printNext(context, answer.next);
      });
  },
};
