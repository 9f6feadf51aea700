import { Command, Option } from 'commander';
import { LedgerChannel, ledgerChannels, resolveChannel } from '../../api/channel.resolver';
import { addConnectionOptions, ApiCommandOptions, connect } from '../../api/connection.options';
import { DepartmentApi } from '../../api/department.api';
import { dataDirOf } from '../../api/network.file';
import { SubmittedTx } from '../../api/tx-status';
import { CliCommand, CliContext, CliEnv, CliInputError } from '../../cli.context';
import { collect, nonNegativeInteger } from '../../cli-files';
import { printFields, printJson, printTable } from '../../output/printer';
import { addWaitOptions, reportSubmitted, WaitOptions } from '../tx-wait.options';
import { GenesisMember, parseMemberSpec } from './member-keys';
import { addPolicyOptions, policyFrom, PolicyOptions } from './policy.options';
import { examples } from '../command-help';

type ActionOptions = ApiCommandOptions & WaitOptions;

interface CreateOptions extends ActionOptions, PolicyOptions {
  readonly kind: 'public' | 'alliance' | 'private';
  readonly owner?: string;
  readonly member?: readonly string[];
}

interface HeightOptions extends ApiCommandOptions {
  readonly height?: number;
}

interface VoteOptions extends ActionOptions {
  readonly yes?: boolean;
  readonly no?: boolean;
}

interface MemberView {
  readonly id: string;
  readonly status: string;
  readonly ed25519: string;
  readonly x25519: string;
  readonly joinedAt: { height: number; index: number } | null;
  readonly leftAt: { height: number; index: number } | null;
}

interface MembersAnswer {
  readonly channel: string;
  readonly height: number;
  readonly kind: string;
  readonly owner: string | null;
  readonly policy: Record<string, unknown>;
  readonly finalityQuorum: number;
  readonly members: readonly MemberView[];
}

interface ProposalView {
  readonly id: string;
  readonly type: 'member.join' | 'policy.change';
  readonly proposer: string;
  readonly expiresAtHeight: number;
  readonly applicant?: { readonly id: string };
  readonly policy?: Record<string, unknown>;
  readonly tally: {
    readonly yes: number;
    readonly no: number;
    readonly activeMembers: number;
    readonly approveAt: number;
  };
}

const channelPath = (channel: string, rest = '') => `/v1/channels/${encodeURIComponent(channel)}${rest}`;

/**
 * `accord channel ...`: the channels the department follows and their
 * governance, through its ledger (docs/cli.md "Channels"). Writes are signed
 * by the ledger with the department key (sysadmin token).
 */
export const channelCommand: CliCommand = {
  register(program: Command, context: CliContext): void {
    const group = program
      .command('channel')
      .description('channels of the department: list, create, join, leave, members, proposals, votes')
      .addHelpText(
        'after',
        `
Examples:
  accord channel list
  accord channel create roads --kind alliance --member health --member transport --quorum majority --wait
  accord channel create lab --kind private --owner health --member health --member partner=partner-keys.json
  accord channel join roads --dept public-security --wait
  accord channel members roads
  accord channel propose roads --max-tx-bytes 524288
  accord channel vote roads <proposalId> --yes --wait`,
      );

    addConnectionOptions(group.command('list'))
      .description('channels the ledger follows: kind, owner, members, head')
      .addHelpText('after', examples('accord channel list --dept health', 'accord channel list --json'))
      .action(async (options: ApiCommandOptions) => {
        const channels = await ledgerChannels(connect(options, context));
        if (options.json === true) return printJson(context.io, { channels });
        printTable(
          context.io,
          channels,
          channelColumns,
          'no channels: create one with `accord channel create` or join one',
        );
      });

    addPolicyOptions(addWaitOptions(addConnectionOptions(group.command('create'))))
      .description('create a channel by genesis, signed by this department (one of its members)')
      .addHelpText(
        'after',
        examples(
          'accord channel create roads --kind alliance --member health --member transport --quorum majority --wait',
          'accord channel create lab --kind private --member health --member partner=partner-public-keys.json',
        ),
      )
      .argument('<name>', 'channel name')
      .addOption(
        new Option('--kind <kind>', 'channel kind').choices(['public', 'alliance', 'private']).makeOptionMandatory(),
      )
      .option('--owner <id>', 'the owner of a private channel (default: this department)')
      .option(
        '--member <id[=keys]>',
        'a founding member: <id> (keys from the local network), <id>=<keys.json> or <id>=<ed25519>:<x25519>; repeatable',
        collect,
      )
      .action(async (name: string, options: CreateOptions) => {
        const api = connect(options, context);
        const members = foundingMembers(api, options, context.env);
        const body = {
          kind: options.kind,
          ...(options.kind === 'private' ? { owner: options.owner ?? api.profile.department } : {}),
          members,
          policy: policyFrom(options),
        };
        if (options.kind !== 'private' && options.owner !== undefined) {
          throw new CliInputError('--owner is only for private channels');
        }
        const submitted = await api.request<SubmittedTx>('ledger', 'POST', channelPath(name, '/genesis'), { body });
        await reportSubmitted(
          context,
          api,
          submitted,
          options,
          `genesis of ${name} with ${members.map((m) => m.id).join(', ')}`,
        );
      });

    addWaitOptions(addConnectionOptions(group.command('join')))
      .description('follow a channel and ask to join it (the members vote, or the owner approves)')
      .addHelpText('after', examples('accord channel join roads --dept public-security --wait'))
      .argument('<name>', 'channel name')
      .action(async (name: string, options: ActionOptions) => {
        const api = connect(options, context);
        const submitted = await api.request<SubmittedTx>('ledger', 'POST', channelPath(name, '/join'), { body: {} });
        await reportSubmitted(context, api, submitted, options, `join request for ${name}`);
      });

    addWaitOptions(addConnectionOptions(group.command('leave')))
      .description('leave a channel')
      .addHelpText('after', examples('accord channel leave roads --dept public-security --wait'))
      .argument('<name>', 'channel name')
      .action(async (name: string, options: ActionOptions) => {
        const api = connect(options, context);
        const submitted = await api.request<SubmittedTx>('ledger', 'POST', channelPath(name, '/leave'), { body: {} });
        await reportSubmitted(context, api, submitted, options, `leave ${name}`);
      });

    heightOption(addConnectionOptions(group.command('members')))
      .description('members of a channel with their status and keys, and its policy')
      .addHelpText('after', examples('accord channel members', 'accord channel members roads --height 12 --json'))
      .argument('[name]', "channel name (default: the only channel followed, or the local network's)")
      .action(async (name: string | undefined, options: HeightOptions) => {
        const api = connect(options, context);
        const channel = await resolveChannel(api, name);
        const answer = await api.request<MembersAnswer>('ledger', 'GET', channelPath(channel, '/members'), {
          query: { height: options.height },
        });
        if (options.json === true) return printJson(context.io, answer);
        printFields(context.io, [
          ['channel', `${answer.channel} (${answer.kind}${answer.owner === null ? '' : `, owner ${answer.owner}`})`],
          ['after block', answer.height],
          ['finality quorum', answer.finalityQuorum],
          ['policy', answer.policy],
        ]);
        printTable(
          context.io,
          answer.members,
          [
            { header: 'member', value: (m) => m.id },
            { header: 'status', value: (m) => m.status },
            { header: 'joined', value: (m) => position(m.joinedAt) },
            { header: 'left', value: (m) => position(m.leftAt) },
            { header: 'ed25519', value: (m) => m.ed25519 },
          ],
          'no members',
        );
      });

    heightOption(addConnectionOptions(group.command('proposals')))
      .description('open proposals of a channel (joins, policy changes) with their tally')
      .addHelpText('after', examples('accord channel proposals roads'))
      .argument('[name]', "channel name (default: the only channel followed, or the local network's)")
      .action(async (name: string | undefined, options: HeightOptions) => {
        const api = connect(options, context);
        const channel = await resolveChannel(api, name);
        const answer = await api.request<{ channel: string; height: number; proposals: ProposalView[] }>(
          'ledger',
          'GET',
          channelPath(channel, '/proposals'),
          { query: { height: options.height } },
        );
        if (options.json === true) return printJson(context.io, answer);
        printTable(
          context.io,
          answer.proposals,
          [
            { header: 'id', value: (p) => p.id },
            { header: 'type', value: (p) => p.type },
            { header: 'subject', value: (p) => (p.type === 'member.join' ? p.applicant?.id : p.policy) },
            { header: 'proposer', value: (p) => p.proposer },
            { header: 'yes', value: (p) => p.tally.yes, align: 'right' },
            { header: 'no', value: (p) => p.tally.no, align: 'right' },
            { header: 'needed', value: (p) => p.tally.approveAt, align: 'right' },
            { header: 'expires at', value: (p) => p.expiresAtHeight, align: 'right' },
          ],
          `no open proposals on ${answer.channel}`,
        );
      });

    addPolicyOptions(addWaitOptions(addConnectionOptions(group.command('propose'))))
      .description('propose a policy change (the current policy with the fields given)')
      .addHelpText(
        'after',
        examples(
          'accord channel propose roads --max-tx-bytes 524288 --wait',
          'accord channel propose roads --quorum majority',
        ),
      )
      .argument('<name>', 'channel name')
      .action(async (name: string, options: ActionOptions & PolicyOptions) => {
        const policy = policyFrom(options);
        if (Object.keys(policy).length === 0) {
          throw new CliInputError(
            'nothing to propose',
            'give at least one of --quorum, --max-tx-per-block, --max-block-bytes, --max-tx-bytes, --batch-timeout-ms, --voting-window-blocks',
          );
        }
        const api = connect(options, context);
        const submitted = await api.request<SubmittedTx>('ledger', 'POST', channelPath(name, '/proposals'), {
          body: { policy },
        });
        await reportSubmitted(
          context,
          api,
          submitted,
          options,
          `policy change proposed on ${name} (proposal ${submitted.txId})`,
        );
      });

    addWaitOptions(addConnectionOptions(group.command('vote')))
      .description('vote on an open proposal (a join or a policy change)')
      .addHelpText(
        'after',
        examples('accord channel vote roads <proposalId> --yes --wait', 'accord channel vote roads <proposalId> --no'),
      )
      .argument('<name>', 'channel name')
      .argument('<proposalId>', 'the proposal id (`accord channel proposals`)')
      .option('--yes', 'approve')
      .option('--no', 'reject')
      .action(async (name: string, proposal: string, options: VoteOptions) => {
        if ((options.yes === true) === (options.no === true))
          throw new CliInputError('give exactly one of --yes or --no');
        const api = connect(options, context);
        const submitted = await api.request<SubmittedTx>(
          'ledger',
          'POST',
          channelPath(name, `/proposals/${encodeURIComponent(proposal)}/votes`),
          { body: { approve: options.yes === true } },
        );
        await reportSubmitted(
          context,
          api,
          submitted,
          options,
          `${options.yes === true ? 'yes' : 'no'} vote on ${proposal}`,
        );
      });
  },
};

const channelColumns = [
  { header: 'channel', value: (c: LedgerChannel) => c.channel },
  { header: 'kind', value: (c: LedgerChannel) => c.kind },
  { header: 'owner', value: (c: LedgerChannel) => c.owner },
  { header: 'members', value: (c: LedgerChannel) => c.activeMembers, align: 'right' as const },
  { header: 'height', value: (c: LedgerChannel) => c.head?.height, align: 'right' as const },
  { header: 'head', value: (c: LedgerChannel) => c.head?.hash.slice(0, 16) },
];

function heightOption(command: Command): Command {
  return command.option('--height <h>', 'as after this block (default: the head)', nonNegativeInteger);
}

function position(at: { height: number; index: number } | null): string {
  return at === null ? '' : `${at.height}:${at.index}`;
}

/** The --member list; this department is added from the local network's keys when it is not listed. */
function foundingMembers(api: DepartmentApi, options: CreateOptions, env: CliEnv): GenesisMember[] {
  const dataDir = api.profile.origin.kind === 'network' ? api.profile.origin.dataDir : dataDirOf(options.dataDir, env);
  const members = (options.member ?? []).map((spec) => parseMemberSpec(spec, dataDir));
  const ids = new Set<string>();
  for (const member of members) {
    if (ids.has(member.id)) throw new CliInputError(`--member ${member.id} is given twice`);
    ids.add(member.id);
  }
  if (!ids.has(api.profile.department)) {
    if (api.profile.origin.kind !== 'network') {
      throw new CliInputError(
        `the founding members must include this department (${api.profile.department})`,
        `add --member ${api.profile.department}=<its public keys file>`,
      );
    }
    members.unshift(parseMemberSpec(api.profile.department, dataDir));
  }
  return members;
}
