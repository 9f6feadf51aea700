import { ApiError } from '../../api/api.errors';
import type { DepartmentApi } from '../../api/department.api';
import { CliInputError } from '../../cli.context';

/** Channels whose blocks this department's contracts service applies. */
export async function contractsChannels(api: DepartmentApi): Promise<string[]> {
  const answer = await api.request<{ channels: { channel: string }[] }>('contracts', 'GET', '/v1/channels');
  return answer.channels.map((c) => c.channel);
}

/** `--channel`, or every channel the contracts service applies (lists read them all). */
export async function channelsToRead(api: DepartmentApi, flag: string | undefined): Promise<string[]> {
  return flag === undefined ? contractsChannels(api) : [flag];
}

/**
 * The channel of a request or grant: `--channel`, else the channel whose
 * contracts state has it (404 `<kind>_not_found` on the others). A request
 * id is its access.request txId, unique across channels.
 */
export async function channelOfRecord(
  api: DepartmentApi,
  kind: 'request' | 'grant',
  id: string,
  flag: string | undefined,
): Promise<string> {
  if (flag !== undefined) return flag;
  if (!/^[0-9a-f]{64}$/.test(id)) throw new CliInputError(`${kind} id ${JSON.stringify(id)} must be 64 lower-case hex`);
  const channels = await contractsChannels(api);
  for (const channel of channels) {
    try {
      await api.request('contracts', 'GET', `/v1/channels/${encodeURIComponent(channel)}/${kind}s/${id}`);
      return channel;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) continue;
      throw error;
    }
  }
  throw new CliInputError(
    `no ${kind} ${id} on any channel of ${api.profile.name} (${channels.join(', ') || 'none'})`,
    `check the id (\`accord ${kind === 'request' ? 'requests' : 'grants'}\` lists them); a request made just now appears once its block is applied`,
  );
}
