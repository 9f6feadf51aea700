/**
 * The HTTP calls the storage gateway benchmark makes: a tus upload with
 * streamed PATCH bodies, drained downloads and ranges, JSON calls. Plain
 * node:http on one keep-alive agent, so the client adds as little as it can.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import type { Keystream } from './gateway-random-bytes';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Body bytes received (drained, not kept). */
  readonly bytes: number;
  readonly text: string;
}

/** One request; the answer's body is counted and only its first 64 KiB kept as text (errors, JSON). */
function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: NodeJS.ReadableStream | string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let bytes = 0;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keptBytes < 65_536) {
          kept.push(chunk);
          keptBytes += chunk.length;
        }
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes,
          text: Buffer.concat(kept).toString('utf8').slice(0, 65_536),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string') req.end(body);
    else pipeline(body, req).catch(reject);
  });
}

export class GatewayClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  private auth(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.token}`, ...extra };
  }

  async getJson<T>(path: string): Promise<T> {
    const answer = await call(`${this.url}${path}`, 'GET', this.auth());
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as T;
  }

  async postJson<T>(path: string, body: unknown, expect: number): Promise<T> {
    const text = JSON.stringify(body);
    const answer = await call(
      `${this.url}${path}`,
      'POST',
      this.auth({ 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) }),
      text,
    );
    if (answer.status !== expect) throw new Error(`POST ${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as T;
  }

  /**
   * A tus upload of `size` bytes of `bytes`: POST (creation), then PATCHes
   * of `patchBytes` (0: one PATCH of everything) with streamed bodies. Ends
   * when the PATCH that completes it has answered (everything encrypted,
   * hashed and stored; the anchor published).
   */
  async tusUpload(
    size: number,
    bytes: Keystream,
    metadata: Readonly<Record<string, string>>,
    patchBytes: number,
  ): Promise<{ objectId: string; anchorTx: string | undefined }> {
    const encoded = Object.entries(metadata)
      .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
      .join(',');
    const created = await call(
      `${this.url}/v1/uploads`,
      'POST',
      this.auth({ 'Tus-Resumable': '1.0.0', 'Upload-Length': String(size), 'Upload-Metadata': encoded }),
    );
    const location = created.headers.location;
    if (created.status !== 201 || location === undefined)
      throw new Error(`tus creation: ${created.status} ${created.text}`);
    let offset = 0;
    let last: Answer | undefined;
    while (offset < size) {
      const n = patchBytes === 0 ? size - offset : Math.min(patchBytes, size - offset);
      last = await call(
        `${this.url}${location}`,
        'PATCH',
        this.auth({
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': String(offset),
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': String(n),
        }),
        bytes.stream(n),
      );
      if (last.status !== 204) throw new Error(`tus PATCH at ${offset}: ${last.status} ${last.text}`);
      offset = Number(last.headers['upload-offset']);
    }
    const objectId = last?.headers['accord-object-id'];
    if (typeof objectId !== 'string') throw new Error('the last PATCH did not answer Accord-Object-Id');
    const anchorTx = last?.headers['accord-anchor-tx'];
    return { objectId, anchorTx: typeof anchorTx === 'string' ? anchorTx : undefined };
  }

  /** GET of `path` (optionally a Range), its body drained; the bytes received and how long it took. */
  async drain(path: string, range?: string): Promise<{ bytes: number; ms: number }> {
    const start = performance.now();
    const answer = await call(`${this.url}${path}`, 'GET', this.auth(range === undefined ? {} : { Range: range }));
    const expected = range === undefined ? 200 : 206;
    if (answer.status !== expected)
      throw new Error(`GET ${path} (${range ?? 'whole'}): ${answer.status} ${answer.text}`);
    return { bytes: answer.bytes, ms: performance.now() - start };
  }
}

export function closeAgent(): void {
  agent.destroy();
}
