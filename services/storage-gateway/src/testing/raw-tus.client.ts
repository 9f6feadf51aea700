import { request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';
import type { ServiceUnderTest } from '@accord/service-kit';
import type { StorageGatewayConfig } from '../storage-gateway.config';
import { encodeMetadata } from './tus-test.helpers';

type Gateway = ServiceUnderTest<StorageGatewayConfig>;

export interface PatchAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** POST /v1/uploads (tus creation) for a dataset version; returns the upload's URL path. */
export async function createUpload(
  gateway: Gateway,
  length: number,
  metadata: Readonly<Record<string, string>>,
): Promise<string> {
  const answer = await send(gateway, 'POST', '/v1/uploads', {
    'Upload-Length': String(length),
    'Upload-Metadata': encodeMetadata(metadata),
  });
  if (answer.status !== 201) throw new Error(`creation answered ${answer.status}: ${answer.body}`);
  return new URL(String(answer.headers.location), gateway.url).pathname;
}

/** HEAD: the server's offset. */
export async function uploadOffset(gateway: Gateway, path: string): Promise<number> {
  const answer = await send(gateway, 'HEAD', path, {});
  return Number(answer.headers['upload-offset']);
}

/**
 * PATCH a streamed body at `offset`. With `cutAfter`, the connection is
 * destroyed once that many bytes were written (an interrupted upload): the
 * promise then resolves with status 0.
 */
export function patchUpload(
  gateway: Gateway,
  path: string,
  offset: number,
  body: Readable,
  options: { readonly cutAfter?: number; readonly checksum?: string } = {},
): Promise<PatchAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, gateway.url), {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${gateway.tokens.provider}`,
        'Tus-Resumable': '1.0.0',
        'Content-Type': 'application/offset+octet-stream',
        'Upload-Offset': String(offset),
        ...(options.checksum === undefined ? {} : { 'Upload-Checksum': options.checksum }),
      },
    });
    let written = 0;
    let cut = false;
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', (error) => (cut ? resolve({ status: 0, headers: {}, body: '' }) : reject(error)));
    body.on('data', (chunk: Buffer) => {
      if (cut) return;
      written += chunk.length;
      if (!req.write(chunk)) {
        body.pause();
        req.once('drain', () => body.resume());
      }
      if (options.cutAfter !== undefined && written >= options.cutAfter) {
        cut = true;
        body.destroy();
        // Give the server the bytes in flight, then drop the connection mid-body.
        setTimeout(() => req.destroy(), 200);
      }
    });
    body.on('end', () => {
      if (!cut) req.end();
    });
  });
}

function send(gateway: Gateway, method: string, path: string, headers: Record<string, string>): Promise<PatchAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, gateway.url), {
      method,
      headers: { Authorization: `Bearer ${gateway.tokens.provider}`, 'Tus-Resumable': '1.0.0', ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end();
  });
}
