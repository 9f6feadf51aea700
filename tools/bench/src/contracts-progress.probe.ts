/**
 * What the contracts benchmark reads to follow a run: the ledger's committed
 * txs from its PostgreSQL schema, and the contracts service's applied head,
 * receipt counts and state digests from its HTTP API (so a service on
 * PGlite, whose database only it can open, is read the same way).
 */
import type { Client } from 'pg';

/** The ledger's committed head: blocks and txs of a channel, from its schema. */
export interface LedgerHead {
  readonly height: number;
  readonly txs: number;
}

export async function ledgerHead(pg: Client, schema: string, channel: string): Promise<LedgerHead> {
  const { rows } = await pg.query<{ height: string | null; txs: string }>(
    `SELECT max(height) AS height, coalesce(sum(tx_count), 0) AS txs FROM "${schema}".ledger_block WHERE channel = $1`,
    [channel],
  );
  return { height: rows[0]?.height === null ? -1 : Number(rows[0]?.height ?? -1), txs: Number(rows[0]?.txs ?? 0) };
}

/** Validity codes of the channel's committed txs, with their counts (all `valid` in a good run). */
export async function ledgerCodes(pg: Client, schema: string, channel: string): Promise<Map<string, number>> {
  const { rows } = await pg.query<{ code: string; n: string }>(
    `SELECT code, count(*) AS n FROM "${schema}".ledger_tx WHERE channel = $1 GROUP BY code`,
    [channel],
  );
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}

export interface StoredDigest {
  readonly height: number;
  readonly digest: string;
  readonly blockHash: string;
}

/** Reads a contracts service's API with a token that holds every role. */
export class ContractsProbe {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** A GET, tried once more when the connection failed (a kept-alive socket the server closed, on a loaded machine). */
  private async get(path: string): Promise<Response> {
    const once = () => fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${this.token}` } });
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      return once();
    }
  }

  /** Height of the last applied block of the channel (-1 before its genesis); from the list, which never answers 404 (a 404 is logged as a warning). */
  async height(channel: string): Promise<number> {
    const res = await this.get('/v1/channels');
    if (res.status !== 200) throw new Error(`GET ${this.url}/v1/channels: ${res.status}`);
    const { channels } = (await res.json()) as { channels: { channel: string; height: number; halted: unknown }[] };
    const found = channels.find((c) => c.channel === channel);
    if (found === undefined) return -1;
    if (found.halted !== null)
      throw new Error(`the contracts service halted ${channel}: ${JSON.stringify(found.halted)}`);
    return found.height;
  }

  /** Height of the channel, or undefined while the service does not answer HTTP yet. */
  async heightIfUp(channel: string): Promise<number | undefined> {
    try {
      return await this.height(channel);
    } catch (error) {
      if (error instanceof TypeError) return undefined; // fetch failed: not listening yet
      throw error;
    }
  }

  /** The sum of a metric's series (labels added up), e.g. accord_contracts_batch_seconds_sum. */
  async metric(name: string): Promise<number> {
    const res = await fetch(`${this.url}/metrics`);
    if (res.status !== 200) throw new Error(`GET ${this.url}/metrics: ${res.status}`);
    let sum = 0;
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (Number.isFinite(value)) sum += value;
    }
    return sum;
  }

  /** Receipts applied by this process, by `kind/code` (from its accord_contracts_receipts counter). */
  async receipts(): Promise<Map<string, number>> {
    const res = await fetch(`${this.url}/metrics`);
    if (res.status !== 200) throw new Error(`GET ${this.url}/metrics: ${res.status}`);
    const counts = new Map<string, number>();
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith('accord_contracts_receipts')) continue;
      const kind = /kind="([^"]*)"/.exec(line)?.[1];
      const code = /code="([^"]*)"/.exec(line)?.[1];
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (kind === undefined || code === undefined || !Number.isFinite(value)) continue;
      counts.set(`${kind}/${code}`, (counts.get(`${kind}/${code}`) ?? 0) + value);
    }
    return counts;
  }

  /** Every state digest of the channel, by height. */
  async digests(channel: string): Promise<StoredDigest[]> {
    const all: StoredDigest[] = [];
    for (let from: number | null = 0; from !== null;) {
      const res = await this.get(`/v1/channels/${channel}/digests?from=${from}&limit=1000`);
      if (res.status !== 200) throw new Error(`GET digests of ${channel}: ${res.status}`);
      const page = (await res.json()) as { items: StoredDigest[]; next: number | null };
      all.push(...page.items);
      from = page.next;
    }
    return all;
  }
}

/** Polls `probe` every `intervalMs` until it returns true; fails after `timeoutMs`. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
