import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import {
  byterangesContentType,
  byterangesTrailer,
  chunkCountOf,
  chunkPartEnd,
  chunkPartHead,
  newBoundary,
  type ChunkPartHead,
} from '@accord/data-plane';
import { ObjectVault } from '../vault/object-vault';
import type { ExchangePlan } from './exchange.service';
import { ANCHOR_HEADER, USE_TX_HEADER } from './exchange.protocol';

/**
 * Writes an exchange answer: 206 multipart/byteranges (200 when the
 * request had no Range), one part per whole chunk with its RFC 6962
 * inclusion proof in `Accord-Chunk` (docs/data-plane-transfer.md). The
 * plaintext is read once through the vault (every GCM tag checked) and
 * streamed with backpressure, the part heads written at chunk boundaries;
 * a stored object that
 * fails its tags mid-way cuts the connection (the requester then fails the
 * chunk, never passes it on). Returns the plaintext bytes sent.
 */
export async function streamChunkParts(
  res: ServerResponse,
  vault: ObjectVault,
  plan: ExchangePlan,
  ranged: boolean,
): Promise<number> {
  const { object, proofs } = plan;
  const size = object.sizeBytes;
  const chunkCount = chunkCountOf(size, object.chunkSize);
  const boundary = newBoundary();
  const heads: Buffer[] = [];
  for (let index = plan.firstChunk; index <= plan.lastChunk; index++) {
    const start = index * object.chunkSize;
    const part: ChunkPartHead = {
      start,
      end: Math.min(start + object.chunkSize, size) - 1,
      total: size,
      index,
      chunkCount,
      proof: proofs.proof(index),
    };
    heads.push(chunkPartHead(boundary, part));
  }
  const trailer = byterangesTrailer(boundary);
  const dataBytes = plan.range === null ? 0 : plan.range.end - plan.range.start + 1;
  const length = heads.reduce((sum, h) => sum + h.length + chunkPartEnd().length, 0) + dataBytes + trailer.length;
  res.statusCode = ranged ? 206 : 200;
  res.setHeader('Content-Type', byterangesContentType(boundary));
  res.setHeader('Content-Length', String(length));
  res.setHeader(USE_TX_HEADER, plan.useTxId);
  res.setHeader(ANCHOR_HEADER, object.anchorTxId ?? '');
  res.setHeader('Cache-Control', 'no-store');
  if (plan.range === null) {
    await write(res, trailer);
    res.end();
    return 0;
  }
  const plaintext = await vault.readRange(object, plan.range);
  let part = 0;
  let left = chunkBytes(plan.firstChunk);
  await write(res, heads[0]);
  for await (const data of plaintext) {
    let buf = data as Buffer;
    while (buf.length > 0) {
      const take = Math.min(buf.length, left);
      await write(res, buf.subarray(0, take));
      left -= take;
      buf = buf.subarray(take);
      if (left === 0) {
        await write(res, chunkPartEnd());
        part += 1;
        if (part < heads.length) {
          left = chunkBytes(plan.firstChunk + part);
          await write(res, heads[part]);
        }
      }
    }
  }
  await write(res, trailer);
  res.end();
  return dataBytes;

  function chunkBytes(index: number): number {
    return Math.min((index + 1) * object.chunkSize, size) - index * object.chunkSize;
  }
}

async function write(res: ServerResponse, bytes: Buffer): Promise<void> {
  if (res.destroyed) throw new Error('the requester closed the connection');
  if (!res.write(bytes)) await once(res, 'drain');
}
