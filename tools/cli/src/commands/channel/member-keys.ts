import { join } from 'node:path';
import { CliInputError } from '../../cli.context';
import { readJsonFile } from '../../cli-files';
import { isRecord } from '../../api/profiles.file';

/** A founding member of a channel as the genesis lists it. */
export interface GenesisMember {
  readonly id: string;
  readonly ed25519: string;
  readonly x25519: string;
}

const HEX32 = /^[0-9a-f]{64}$/;
const MEMBER_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * One `--member` of `channel create`: `<id>=<ed25519>:<x25519>` (hex),
 * `<id>=<file>` (a public-keys.json `{ed25519, x25519}`, a members.json
 * `{<id>: {...}}` or a key file of `accord keygen`), or `<id>` alone: the
 * local network's `<dataDir>/<id>/keys/public-keys.json`.
 */
export function parseMemberSpec(spec: string, dataDir: string): GenesisMember {
  const separator = spec.indexOf('=');
  const id = separator < 0 ? spec : spec.slice(0, separator);
  if (!MEMBER_ID.test(id)) throw new CliInputError(`--member ${spec}: the id must match [a-z0-9][a-z0-9._-]{0,63}`);
  if (separator < 0) return { id, ...keysFromFile(join(dataDir, id, 'keys', 'public-keys.json'), id, spec) };
  const value = spec.slice(separator + 1);
  const inline = /^([0-9a-f]{64}):([0-9a-f]{64})$/.exec(value);
  if (inline !== null) return { id, ed25519: inline[1], x25519: inline[2] };
  return { id, ...keysFromFile(value, id, spec) };
}

function keysFromFile(path: string, id: string, spec: string): Omit<GenesisMember, 'id'> {
  const value = readJsonFile(path, `the public keys of ${id}`);
  const keys = publicKeysIn(value, id);
  if (keys === undefined) {
    throw new CliInputError(
      `--member ${spec}: ${path} holds no public keys of ${id}`,
      'give a file {ed25519, x25519}, {"<id>": {ed25519, x25519}} or a key file of `accord keygen`, or <id>=<ed25519 hex>:<x25519 hex>',
    );
  }
  return keys;
}

function publicKeysIn(value: unknown, id: string): Omit<GenesisMember, 'id'> | undefined {
  if (!isRecord(value)) return undefined;
  if (isPublicKeys(value)) return { ed25519: value['ed25519'] as string, x25519: value['x25519'] as string };
  // members.json, or the `public` entry of a key file.
  const table = isRecord(value['public']) ? value['public'] : value;
  const entry = table[id];
  return isRecord(entry) && isPublicKeys(entry)
    ? { ed25519: entry['ed25519'] as string, x25519: entry['x25519'] as string }
    : undefined;
}

function isPublicKeys(value: Record<string, unknown>): boolean {
  return (
    typeof value['ed25519'] === 'string' &&
    HEX32.test(value['ed25519']) &&
    typeof value['x25519'] === 'string' &&
    HEX32.test(value['x25519'])
  );
}
