import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliInputError } from '../cli.context';

/** Bytes hashed at the head of a file to tell it from another one of the same size and time. */
export const IDENTITY_HEAD_BYTES = 1024 * 1024;

/**
 * What says "this is still the file an unfinished upload was taking": its
 * absolute path, size, modification time and the SHA-256 of its first MiB.
 * Cheap to compute on a huge file; a file rewritten in place with the same
 * size and time but another head is still caught.
 */
export interface FileIdentity {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly headSha256: string;
}

/** The identity of a regular file; a missing or unreadable one is bad input (exit 2). */
export async function fileIdentity(path: string): Promise<FileIdentity> {
  const absolute = resolve(path);
  const stats = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw new CliInputError(
      error.code === 'ENOENT' ? `no such file: ${absolute}` : `cannot read ${absolute}: ${error.message}`,
    );
  });
  if (!stats.isFile()) throw new CliInputError(`${absolute} is not a regular file`);
  if (stats.size === 0) throw new CliInputError(`${absolute} is empty: the gateway stores no empty objects`);
  const handle = await open(absolute, 'r');
  try {
    const head = Buffer.alloc(Math.min(IDENTITY_HEAD_BYTES, stats.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return {
      path: absolute,
      size: stats.size,
      mtimeMs: Math.trunc(stats.mtimeMs),
      headSha256: createHash('sha256').update(head.subarray(0, bytesRead)).digest('hex'),
    };
  } finally {
    await handle.close();
  }
}

/** Same file, unchanged since the identity was taken? */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.headSha256 === b.headSha256;
}
