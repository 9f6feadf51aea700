import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes a directory entry change (create, rename, unlink) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` atomically and durably: write a temp file, fsync it, rename
 * it over the target, fsync the directory. A crash leaves either the old or
 * the new content, never a mix.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(tmp, path);
  await fsyncDirectory(dirname(path));
}

/** Duck-typed: errors from Node's fs may come from another realm (e.g. under Jest), failing `instanceof Error`. */
export function isErrnoException(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
