import { CliInputError } from '../cli.context';
import type { DepartmentApi } from './department.api';

/** A channel as the ledger's GET /v1/channels lists it. */
export interface LedgerChannel {
  readonly channel: string;
  readonly kind: string | null;
  readonly owner: string | null;
  readonly activeMembers: number;
  readonly head: { readonly height: number; readonly hash: string } | null;
  readonly following: boolean;
}

export async function ledgerChannels(api: DepartmentApi): Promise<readonly LedgerChannel[]> {
  const answer = await api.request<{ channels: LedgerChannel[] }>('ledger', 'GET', '/v1/channels');
  return answer.channels;
}

/**
 * The channel a command works on: `--channel`, else the only channel the
 * department's ledger follows, else the local network's founding channel.
 */
export async function resolveChannel(api: DepartmentApi, flag: string | undefined): Promise<string> {
  if (flag !== undefined) return flag;
  const channels = await ledgerChannels(api);
  if (channels.length === 1) return channels[0].channel;
  const origin = api.profile.origin;
  if (origin.kind === 'network' && origin.channel !== '') return origin.channel;
  throw new CliInputError(
    channels.length === 0
      ? `${api.profile.name} follows no channel`
      : `${api.profile.name} follows several channels (${channels.map((c) => c.channel).join(', ')})`,
    channels.length === 0
      ? 'create one with `accord channel create` or join one with `accord channel join`'
      : 'choose one with --channel <name>',
  );
}
