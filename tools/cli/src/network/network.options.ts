import { channelNameSchema } from '@accord/protocol';
import { DEPARTMENT_ID } from '@accord/service-kit';
import { NetworkConfigError } from './network.errors';
import type { NetworkFile } from './network-file';
import { MAX_NETWORK_DEPARTMENTS } from './network.ports';

/** The departments of a fresh local network, the Ningbo story's three bureaus. */
export const DEFAULT_DEPARTMENTS = ['health', 'transport', 'public-security'] as const;
/** The founding alliance channel of a fresh local network. */
export const DEFAULT_CHANNEL = 'alliance';

/**
 * Real servers instead of the embedded stand-ins. Every department gets its
 * own PostgreSQL schemas (`<department>_<service>`), its own bucket
 * (`accord-<department>`) and its own Kafka client ids on the shared broker.
 */
export interface ClusterInfra {
  /** Kafka bootstrap brokers, `host:port[,host:port...]`. */
  readonly kafkaBrokers: string;
  /** `postgres://user:password@host:port/database`. */
  readonly postgresUrl: string;
  readonly minio: { readonly endpoint: string; readonly accessKey: string; readonly secretKey: string };
}

/** Who runs in the network and on which channel: fixed by the first start, recorded in network.json. */
export interface NetworkPlan {
  readonly channel: string;
  readonly mode: 'embedded' | 'cluster';
  /** In slot order; founders are the channel's genesis members. */
  readonly departments: readonly { readonly id: string; readonly founder: boolean }[];
}

export interface PlanRequest {
  readonly departments?: readonly string[];
  readonly channel?: string;
  readonly mode: 'embedded' | 'cluster';
}

/**
 * The plan for this start: the recorded network when the data dir holds
 * one (a restart continues the same chains; options that contradict it are
 * refused rather than half-applied), else a new network of the requested
 * (or default) departments, all founders.
 */
export function planNetwork(request: PlanRequest, existing: NetworkFile | undefined, dataDir: string): NetworkPlan {
  if (existing !== undefined) {
    const recorded = existing.departments.map((d) => d.id);
    if (request.departments !== undefined && !sameMembers(request.departments, recorded)) {
      throw new NetworkConfigError(
        `${dataDir} holds a network of ${recorded.join(', ')}; start it without --departments (add a department with \`accord network add <id>\`) or choose another --data-dir`,
      );
    }
    if (request.channel !== undefined && request.channel !== existing.channel) {
      throw new NetworkConfigError(
        `${dataDir} holds a network on channel "${existing.channel}", not "${request.channel}"; drop --channel or choose another --data-dir`,
      );
    }
    if (request.mode !== existing.mode) {
      throw new NetworkConfigError(
        `${dataDir} holds a network in ${existing.mode} mode; it cannot be restarted in ${request.mode} mode (its data lives elsewhere): choose another --data-dir`,
      );
    }
    return {
      channel: existing.channel,
      mode: existing.mode,
      departments: existing.departments.map(({ id, founder }) => ({ id, founder })),
    };
  }
  const ids = request.departments ?? DEFAULT_DEPARTMENTS;
  validateDepartmentIds(ids);
  const channel = request.channel ?? DEFAULT_CHANNEL;
  validateChannelName(channel);
  return { channel, mode: request.mode, departments: ids.map((id) => ({ id, founder: true })) };
}

export function validateDepartmentIds(ids: readonly string[]): void {
  if (ids.length === 0) throw new NetworkConfigError('a network needs at least one department');
  if (ids.length > MAX_NETWORK_DEPARTMENTS) {
    throw new NetworkConfigError(`a local network runs at most ${MAX_NETWORK_DEPARTMENTS} departments`);
  }
  for (const id of ids) validateDepartmentId(id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new NetworkConfigError(`department "${duplicate}" is listed twice`);
}

export function validateDepartmentId(id: string): void {
  if (!DEPARTMENT_ID.test(id)) {
    throw new NetworkConfigError(
      `"${id}" is not a valid department id: use lower-case letters, digits and inner hyphens (at most 63 characters)`,
    );
  }
}

function validateChannelName(channel: string): void {
  if (!channelNameSchema.safeParse(channel).success) {
    throw new NetworkConfigError(`"${channel}" is not a valid channel name`);
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
