import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { validateChainExport, type Block } from '@accord/protocol';
import { resolveChannel } from '../../api/channel.resolver';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { DepartmentApi } from '../../api/department.api';
import { TxStatus } from '../../api/tx-status';
import { CliCommand, CliContext, CliInputError, EXIT_INVALID } from '../../cli.context';
import { nonNegativeInteger, positiveInteger } from '../../cli-files';
import { printFields, printJson, printTable } from '../../output/printer';
import { isoTime } from '../catalog/dataset.command';

interface ChannelOptions extends ApiCommandOptions {
  readonly channel?: string;
}

interface BlocksOptions extends ChannelOptions {
  readonly from: number;
  readonly to?: number;
  readonly limit: number;
}

interface BlockSummary {
  readonly header: {
    readonly height: number;
    readonly time: number;
    readonly txCount: number;
    readonly prevHash: string;
  };
  readonly hash: string;
  readonly final: boolean;
}

interface BlockAnswer {
  readonly channel: string;
  readonly height: number;
  readonly hash: string;
  readonly final: boolean;
  readonly configChanged: boolean;
  readonly block: Block;
  readonly txIds: readonly (string | null)[];
}

interface HeadAnswer {
  readonly channel: string;
  readonly height: number | null;
  readonly blockHash: string | null;
  readonly time: number | null;
  readonly final: boolean;
  readonly finalHeight: number | null;
  readonly nextOffset: number;
}

interface AuditVerdict {
  readonly ok: boolean;
  readonly channel: string;
  readonly fromHeight: number;
  readonly toHeight: number;
  readonly blocks: number;
  readonly txs: number;
  readonly durationMs: number;
  readonly blockHash?: string;
  readonly height?: number;
  readonly index?: number;
  readonly code?: string;
  readonly reason?: string;
  readonly members?: readonly string[];
}

interface Alert {
  readonly id: string;
  readonly channel: string;
  readonly height: number;
  readonly kind: string;
  readonly reason: string;
  readonly member: string | null;
  readonly raisedAt: string | number;
  readonly lastSeenAt: string | number;
}

/** The ledger's page limit (docs/ledger-api.md "Pages"). */
const MAX_PAGE = 500;

const channelPath = (channel: string, rest = '') => `/v1/channels/${encodeURIComponent(channel)}${rest}`;

/**
 * The department's ledger (docs/ledger-api.md): head, blocks, tx status,
 * proof bundles for `accord verify-proof`, alerts, audits, and a chain
 * export for `accord verify-chain`.
 */
export const ledgerCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    channelOption(addConnectionOptions(program.command('head')))
      .description("a channel's last block and finality")
      .addHelpText('after', '\nExamples:\n  accord head\n  accord head --channel roads --json')
      .action(async (options: ChannelOptions) => {
        const api = connect(options, context);
        const channel = await resolveChannel(api, options.channel);
        const head = await api.request<HeadAnswer>('ledger', 'GET', channelPath(channel, '/head'));
        if (options.json === true) return printJson(context.io, head);
        printFields(context.io, [
          ['channel', head.channel],
          ['height', head.height ?? 'none (no block yet)'],
          ['block hash', head.blockHash ?? undefined],
          ['time', head.time === null ? undefined : isoTime(head.time)],
          ['final up to', head.finalHeight ?? 'none yet'],
          ['next offset', head.nextOffset],
        ]);
      });

    channelOption(addConnectionOptions(program.command('blocks')))
      .description('blocks of a channel in height order')
      .addOption(new Option('--from <h>', 'first height').default(0).argParser(nonNegativeInteger))
      .option('--to <h>', 'last height (default: as many as --limit allows)', nonNegativeInteger)
      .addOption(
        new Option('--limit <n>', `at most this many blocks (≤ ${MAX_PAGE} per request)`)
          .default(50)
          .argParser(positiveInteger),
      )
      .addHelpText(
        'after',
        '\nExamples:\n  accord blocks --from 0 --limit 20\n  accord blocks --channel roads --from 100 --to 120',
      )
      .action(async (options: BlocksOptions) => {
        const api = connect(options, context);
        const channel = await resolveChannel(api, options.channel);
        const blocks = await readBlocks(api, channel, options.from, options.to, options.limit);
        if (options.json === true) return printJson(context.io, { channel, blocks });
        printTable(
          context.io,
          blocks,
          [
            { header: 'height', value: (b) => b.header.height, align: 'right' },
            { header: 'time', value: (b) => isoTime(b.header.time) },
            { header: 'txs', value: (b) => b.header.txCount, align: 'right' },
            { header: 'final', value: (b) => (b.final ? 'yes' : 'no') },
            { header: 'hash', value: (b) => b.hash },
          ],
          `no blocks on ${channel} from height ${options.from}`,
        );
      });

    channelOption(addConnectionOptions(program.command('block')))
      .description('one block: header, finality and its txs with their validity')
      .argument('<height>', 'block height', nonNegativeInteger)
      .addHelpText('after', '\nExamples:\n  accord block 0\n  accord block 12 --channel roads --json')
      .action(async (height: number, options: ChannelOptions) => {
        const api = connect(options, context);
        const channel = await resolveChannel(api, options.channel);
        const answer = await api.request<BlockAnswer>('ledger', 'GET', channelPath(channel, `/blocks/${height}`));
        if (options.json === true) return printJson(context.io, answer);
        const header = answer.block.header;
        printFields(context.io, [
          ['channel', answer.channel],
          ['height', answer.height],
          ['hash', answer.hash],
          ['previous', header.prevHash],
          ['time', isoTime(header.time)],
          ['final', answer.final ? 'yes' : 'no'],
          ['config changed', answer.configChanged ? 'yes' : 'no'],
          ['txs', header.txCount],
        ]);
        const rows = answer.block.txs.map((entry, index) => ({ index, txId: answer.txIds[index], entry }));
        printTable(
          context.io,
          rows,
          [
            { header: 'index', value: (r) => r.index, align: 'right' },
            { header: 'type', value: (r) => ('envelope' in r.entry ? r.entry.envelope.body.type : 'raw') },
            { header: 'from', value: (r) => ('envelope' in r.entry ? r.entry.envelope.body.from : '') },
            { header: 'validity', value: (r) => ('code' in r.entry ? r.entry.code : '') },
            { header: 'tx', value: (r) => r.txId },
          ],
          'no txs',
        );
      });

    addConnectionOptions(program.command('tx'))
      .description('where a tx stands: pending or committed, with its block and validity code')
      .argument('<txId>', 'tx id (64 hex)')
      .option('--wait-ms <ms>', 'wait up to this long for the commit (≤ 60000)', nonNegativeInteger)
      .addHelpText('after', '\nExamples:\n  accord tx <txId>\n  accord tx <txId> --wait-ms 10000 --json')
      .action(async (txId: string, options: ApiCommandOptions & { waitMs?: number }) => {
        const api = connect(options, context);
        const status = await api.request<TxStatus & { envelope?: { body: { type: string; from: string } } }>(
          'ledger',
          'GET',
          `/v1/txs/${encodeURIComponent(txId)}`,
          {
            query: { waitMs: options.waitMs },
            timeoutMs: (options.waitMs ?? 0) + 30_000,
          },
        );
        if (status.status === 'committed' && status.code !== 'valid') context.exitCode = EXIT_INVALID;
        if (options.json === true) return printJson(context.io, status);
        if (status.status === 'pending') {
          printFields(context.io, [
            ['tx', txId],
            ['status', 'pending (submitted, not in a block yet)'],
            ['channel', status.channel],
          ]);
          return;
        }
        printFields(context.io, [
          ['tx', txId],
          ['status', 'committed'],
          ['validity', status.code],
          ['type', status.envelope?.body.type],
          ['from', status.envelope?.body.from],
          ['channel', status.channel],
          ['block', `${status.height} (index ${status.index})`],
          ['block hash', status.blockHash],
          ['final', status.final ? 'yes' : 'no'],
        ]);
      });

    addConnectionOptions(program.command('proof'))
      .description('the proof bundle of a tx (proof, member keys, quorum), for `accord verify-proof`')
      .argument('<txId>', 'tx id (64 hex)')
      .option('--channel <name>', 'the channel of the tx, when it occurs in several')
      .option('--out <file>', 'write the bundle to this file instead of stdout')
      .addHelpText('after', '\nExamples:\n  accord proof <txId> --out proof.json && accord verify-proof proof.json')
      .action(async (txId: string, options: ChannelOptions & { out?: string }) => {
        const api = connect(options, context);
        const bundle = await api.request<{
          channel: string;
          height: number;
          quorum: number;
          members: Record<string, unknown>;
        }>('ledger', 'GET', `/v1/txs/${encodeURIComponent(txId)}/proof-bundle`, {
          query: { channel: options.channel },
        });
        if (options.out === undefined) return printJson(context.io, bundle);
        writeOutput(options.out, bundle);
        context.io.out(
          `wrote the proof of tx ${txId} (block ${bundle.height} of ${bundle.channel}, ${Object.keys(bundle.members).length} members, quorum ${bundle.quorum}) to ${options.out}`,
        );
        context.io.out(`check it offline with: accord verify-proof ${options.out}`);
      });

    addConnectionOptions(program.command('alerts'))
      .description('fork and tamper alerts, newest first')
      .option('--channel <name>', 'only this channel')
      .option('--limit <n>', 'at most this many (default 100)', positiveInteger)
      .addHelpText('after', '\nExamples:\n  accord alerts\n  accord alerts --channel roads --json')
      .action(async (options: ChannelOptions & { limit?: number }) => {
        const api = connect(options, context);
        const answer = await api.request<{ alerts: Alert[] }>('ledger', 'GET', '/v1/alerts', {
          query: { channel: options.channel, limit: options.limit },
        });
        if (options.json === true) return printJson(context.io, answer);
        printTable(
          context.io,
          answer.alerts,
          [
            { header: 'channel', value: (a) => a.channel },
            { header: 'height', value: (a) => a.height, align: 'right' },
            { header: 'kind', value: (a) => a.kind },
            { header: 'reason', value: (a) => a.reason },
            { header: 'member', value: (a) => a.member },
            {
              header: 'last seen',
              value: (a) => (typeof a.lastSeenAt === 'number' ? isoTime(a.lastSeenAt) : a.lastSeenAt),
            },
          ],
          'no alerts',
        );
      });

    addConnectionOptions(program.command('audit'))
      .description("re-verify a channel's stored chain (role operations or dataadmin); exit 1 when it fails")
      .argument('<channel>', 'channel name')
      .option('--from <h>', 'first height (default 0)', nonNegativeInteger)
      .option('--to <h>', 'last height (default: the head)', nonNegativeInteger)
      .addHelpText('after', '\nExamples:\n  accord audit alliance\n  accord audit roads --from 100 --to 200 --json')
      .action(async (channel: string, options: ApiCommandOptions & { from?: number; to?: number }) => {
        const api = connect(options, context);
        const body = {
          ...(options.from === undefined ? {} : { fromHeight: options.from }),
          ...(options.to === undefined ? {} : { toHeight: options.to }),
        };
        const verdict = await api.request<AuditVerdict>('ledger', 'POST', channelPath(channel, '/audit'), {
          body,
          timeoutMs: 600_000,
        });
        context.exitCode = verdict.ok ? 0 : EXIT_INVALID;
        if (options.json === true) return printJson(context.io, verdict);
        const range = `heights ${verdict.fromHeight}..${verdict.toHeight} (${verdict.blocks} blocks, ${verdict.txs} txs, ${verdict.durationMs} ms)`;
        if (verdict.ok) {
          context.io.out(`OK: ${verdict.channel} ${range}, last block ${verdict.blockHash}`);
          return;
        }
        const where =
          verdict.index === undefined ? `block ${verdict.height}` : `block ${verdict.height}, tx ${verdict.index}`;
        context.io.out(`INVALID at ${where} (${verdict.code}): ${verdict.reason}`);
        if (verdict.members !== undefined && verdict.members.length > 0)
          context.io.out(`members attesting another hash: ${verdict.members.join(', ')}`);
        context.io.out(`checked ${range}; an alert was raised (\`accord alerts\`)`);
      });

    addConnectionOptions(program.command('export-chain'))
      .description('export a channel from genesis to the head as {"v":1,"blocks":[...]}, for `accord verify-chain`')
      .argument('<channel>', 'channel name')
      .requiredOption('--out <file>', 'the chain file to write')
      .option(
        '--keys-out <file>',
        "also write the members' public keys (every member ever admitted, last keys) for --keys",
      )
      .option('--to <h>', 'last height (default: the head)', nonNegativeInteger)
      .addHelpText(
        'after',
        '\nExamples:\n  accord export-chain alliance --out chain.json --keys-out members.json\n  accord verify-chain chain.json --keys members.json',
      )
      .action(async (channel: string, options: ApiCommandOptions & { out: string; keysOut?: string; to?: number }) => {
        const api = connect(options, context);
        const head = await api.request<HeadAnswer>('ledger', 'GET', channelPath(channel, '/head'));
        if (head.height === null) throw new CliInputError(`${channel} has no block yet: nothing to export`);
        const last = Math.min(options.to ?? head.height, head.height);
        const blocks: Block[] = [];
        for (let height = 0; height <= last; height++) {
          const answer = await api.request<BlockAnswer>('ledger', 'GET', channelPath(channel, `/blocks/${height}`));
          blocks.push(answer.block);
        }
        const chain = validateChainExport({ v: 1, blocks });
        writeOutput(options.out, chain);
        if (options.keysOut !== undefined) {
          const members = await api.request<{ members: { id: string; ed25519: string; x25519: string }[] }>(
            'ledger',
            'GET',
            channelPath(channel, '/members'),
            { query: { height: last } },
          );
          writeOutput(
            options.keysOut,
            Object.fromEntries(members.members.map((m) => [m.id, { ed25519: m.ed25519, x25519: m.x25519 }])),
          );
        }
        const result = {
          channel,
          blocks: blocks.length,
          toHeight: last,
          out: options.out,
          keysOut: options.keysOut ?? null,
        };
        if (options.json === true) return printJson(context.io, result);
        context.io.out(`wrote ${blocks.length} blocks of ${channel} (heights 0..${last}) to ${options.out}`);
        context.io.out(`verify with: accord verify-chain ${options.out} --keys ${options.keysOut ?? '<members.json>'}`);
      });
  },
};

function channelOption(command: Command): Command {
  return command.option('--channel <name>', "channel (default: the only one followed, or the local network's)");
}

/** Blocks `from..to` (at most `limit`), page by page. */
async function readBlocks(
  api: DepartmentApi,
  channel: string,
  from: number,
  to: number | undefined,
  limit: number,
): Promise<BlockSummary[]> {
  const blocks: BlockSummary[] = [];
  let next: number | null = from;
  while (next !== null && blocks.length < limit && (to === undefined || next <= to)) {
    const wanted: number = Math.min(MAX_PAGE, limit - blocks.length, to === undefined ? MAX_PAGE : to - next + 1);
    const page: { blocks: BlockSummary[]; next: number | null } = await api.request(
      'ledger',
      'GET',
      channelPath(channel, '/blocks'),
      {
        query: { from: next, limit: wanted },
      },
    );
    blocks.push(...page.blocks.filter((b) => to === undefined || b.header.height <= to));
    next = page.blocks.length === 0 ? null : page.next;
  }
  return blocks.slice(0, limit);
}

function writeOutput(path: string, value: unknown): void {
  try {
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  } catch (error) {
    throw new CliInputError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
