import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { NetworkPortInUseError } from './network.errors';
import { SERVICE_NAMES, type ServiceUrls } from './network-file';

/** Default first port: the console; the control API and each department's services follow. */
export const DEFAULT_NETWORK_BASE_PORT = 7100;
/** Ports per department slot (four services, room to grow). */
export const PORTS_PER_DEPARTMENT = 10;
/** At most this many departments in one local network (ports stay below base + 1000). */
export const MAX_NETWORK_DEPARTMENTS = 99;

/**
 * The port plan of a local network (docs/network.md): the console on
 * `base`, the network control API on `base + 1`, department slot i
 * (0-based, in the order they were added) on `base + 10·(i+1) + k` with
 * k = 0 ledger, 1 contracts, 2 catalog, 3 storage gateway. A department
 * keeps its slot across restarts (the network file records the order).
 */
export const networkPorts = {
  console: (base: number): number => base,
  control: (base: number): number => base + 1,
  service: (base: number, slot: number, k: number): number => base + PORTS_PER_DEPARTMENT * (slot + 1) + k,
};

export function departmentUrls(host: string, base: number, slot: number): ServiceUrls {
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const entries = SERVICE_NAMES.map((name, k) => [name, `http://${urlHost}:${networkPorts.service(base, slot, k)}`]);
  return Object.fromEntries(entries) as unknown as ServiceUrls;
}

/** The highest port a network of `slots` departments uses. */
export function highestPort(base: number, slots: number): number {
  return networkPorts.service(base, slots - 1, SERVICE_NAMES.length - 1);
}

/** Resolves when `port` can be bound on `host`, else throws network_port_in_use naming it and what it is for. */
export async function assertPortFree(host: string, port: number, purpose: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new NetworkPortInUseError(
      `port ${port} on ${host} (${purpose}) is in use: stop what uses it (another \`accord up\`?) or choose another --base-port`,
      { port, purpose },
    );
  }
}

/** Where Linux keeps the range the kernel picks outgoing connections' local ports from. */
const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** Without that file: Linux's default low end up to the IANA range's high end (macOS, BSD), so both count. */
const FALLBACK_EPHEMERAL_RANGE = { low: 32768, high: 65535 } as const;

export interface PortRange {
  readonly low: number;
  readonly high: number;
}

/**
 * The ephemeral port range: every outgoing TCP connection (to PostgreSQL,
 * Kafka, MinIO, another service) gets a local port from it. A service port
 * inside it can be found free and then taken by such a connection before the
 * service listens ("address already in use"), so networks keep their ports
 * below it.
 */
export function ephemeralPortRange(): PortRange {
  try {
    const [low, high] = readFileSync(EPHEMERAL_RANGE_FILE, 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low > 0 && low <= high) return { low, high };
  } catch {
    // Not Linux: the fallback below.
  }
  return FALLBACK_EPHEMERAL_RANGE;
}

/** True when a network of `slots` departments on `base` uses a port of `range`. */
export function overlapsRange(base: number, slots: number, range: PortRange): boolean {
  return base <= range.high && highestPort(base, slots) >= range.low;
}
