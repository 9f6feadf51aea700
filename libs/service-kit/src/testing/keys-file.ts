import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeMemberKeyFile } from '@accord/protocol';
import type { TestMember } from '@accord/protocol/testing';

/** Writes a department key file (the format of `accord keygen`, read via ACCORD_KEYS_FILE) for a test member; returns its path. */
export async function writeKeysFile(dir: string, member: TestMember): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${member.id}-keys.json`);
  await writeFile(path, JSON.stringify(encodeMemberKeyFile(member.id, member.keys)), { mode: 0o600 });
  return path;
}
