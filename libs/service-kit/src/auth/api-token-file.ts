import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parseApiTokenList, type ApiTokenEntry } from './api-token.model';

/**
 * Identity of one state of the token file: inode, size and modification time
 * in nanoseconds. An atomic rewrite (write-then-rename) changes the inode, a
 * hand edit the time or size, so a change is noticed without reading the file.
 */
export type ApiTokenFileVersion = string;

export type ApiTokenFileRead =
  | { readonly kind: 'loaded'; readonly entries: readonly ApiTokenEntry[]; readonly version: ApiTokenFileVersion }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[]; readonly version: ApiTokenFileVersion | null };

function versionOf(stats: BigIntStats): ApiTokenFileVersion {
  return `${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}

function unreadable(error: unknown): { kind: 'invalid'; problems: string[]; version: null } {
  const code = (error as { code?: unknown }).code;
  const problem =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES'
        ? 'cannot be read (permission denied)'
        : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
  return { kind: 'invalid', problems: [problem], version: null };
}

function parsed(text: string, version: ApiTokenFileVersion): ApiTokenFileRead {
  const result = parseApiTokenList(text);
  return result.ok
    ? { kind: 'loaded', entries: result.entries, version }
    : { kind: 'invalid', problems: result.problems, version };
}

/** Reads the token file at start (config validation, store opening), where blocking is fine. */
export function readApiTokenFileSync(path: string): ApiTokenFileRead {
  try {
    const version = versionOf(statSync(path, { bigint: true }));
    return parsed(readFileSync(path, 'utf8'), version);
  } catch (error) {
    return unreadable(error);
  }
}

/**
 * Reads the token file unless its version is still `known`. The content is
 * read through the handle whose stats give the version, so content and
 * version always belong together even while the file is being replaced.
 */
export async function readApiTokenFile(path: string, known?: ApiTokenFileVersion): Promise<ApiTokenFileRead> {
  try {
    if (known !== undefined && versionOf(await stat(path, { bigint: true })) === known) return { kind: 'unchanged' };
    const handle = await open(path, 'r');
    try {
      const version = versionOf(await handle.stat({ bigint: true }));
      if (version === known) return { kind: 'unchanged' };
      return parsed(await handle.readFile('utf8'), version);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return unreadable(error);
  }
}
