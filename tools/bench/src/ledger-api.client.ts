/**
 * The few ledger HTTP calls the benchmark makes, over keep-alive
 * connections (node:http; a client that reconnects per request would
 * measure TCP set-up, not the ledger).
 */
import { Agent, request } from 'node:http';

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** Connections per ledger; more requests than this queue in the client. */
const SOCKETS_PER_LEDGER = 32;

export class LedgerApiClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: SOCKETS_PER_LEDGER });
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {
    const parsed = new URL(url);
    this.host = parsed.hostname;
    this.port = Number(parsed.port);
  }

  /** POST /v1/channels/:channel/txs with the envelope's log bytes (they are its JSON); the HTTP status. */
  submitTx(channel: string, envelope: Uint8Array): Promise<number> {
    return this.send('POST', `/v1/channels/${channel}/txs`, envelope).then((r) => r.status);
  }

  /**
   * POST /v1/channels/:channel/txs/batch with the envelopes' log bytes as
   * one JSON array: the HTTP status and, per envelope, the result's error
   * code (undefined when accepted) and whether it was a duplicate.
   */
  async submitBatch(
    channel: string,
    envelopes: readonly Uint8Array[],
  ): Promise<{ status: number; errors: number; duplicates: number; firstError?: string }> {
    const parts: Uint8Array[] = [OPEN];
    envelopes.forEach((e, i) => parts.push(...(i === 0 ? [e] : [COMMA, e])));
    parts.push(CLOSE);
    const res = await this.send('POST', `/v1/channels/${channel}/txs/batch`, Buffer.concat(parts));
    if (res.status !== 200)
      return { status: res.status, errors: envelopes.length, duplicates: 0, firstError: res.body };
    const { results } = JSON.parse(res.body) as { results: { error?: { code: string }; duplicate?: boolean }[] };
    const failed = results.filter((r) => r.error !== undefined);
    return {
      status: res.status,
      errors: failed.length,
      duplicates: results.filter((r) => r.duplicate === true).length,
      firstError: failed[0]?.error?.code,
    };
  }

  /** Sums of the ledger's Prometheus series by metric name (labels added up), from GET /metrics. */
  async metrics(): Promise<Map<string, number>> {
    const res = await this.send('GET', '/metrics');
    if (res.status !== 200) throw new Error(`GET ${this.url}/metrics: ${res.status}`);
    const sums = new Map<string, number>();
    for (const line of res.body.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? ([^ ]+)/.exec(line);
      if (match === null) continue;
      const value = Number(match[2]);
      if (Number.isFinite(value)) sums.set(match[1], (sums.get(match[1]) ?? 0) + value);
    }
    return sums;
  }

  async getJson<T>(path: string): Promise<T> {
    const res = await this.send('GET', path);
    if (res.status !== 200) throw new Error(`GET ${this.url}${path}: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as T;
  }

  async postJson<T>(path: string, body: unknown, expect: number): Promise<T> {
    const res = await this.send('POST', path, Buffer.from(JSON.stringify(body)));
    if (res.status !== expect) throw new Error(`POST ${this.url}${path}: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * One request; retried once when a reused keep-alive socket turns out to
   * have been closed by the server meanwhile (ECONNRESET on `reusedSocket`:
   * the race Node's docs describe for idle keep-alive connections). A
   * retried submission is harmless: the ledger answers it as a duplicate.
   */
  private async send(method: string, path: string, body?: Uint8Array): Promise<{ status: number; body: string }> {
    try {
      return await this.sendOnce(method, path, body);
    } catch (error) {
      if ((error as { code?: unknown; reusedSocket?: unknown }).reusedSocket !== true) throw error;
      return this.sendOnce(method, path, body);
    }
  }

  private sendOnce(method: string, path: string, body?: Uint8Array): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': body.length }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) =>
        reject(req.reusedSocket && error.code === 'ECONNRESET' ? Object.assign(error, { reusedSocket: true }) : error),
      );
      req.end(body);
    });
  }
}
