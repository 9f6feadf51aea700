import { z } from 'zod';
import { ed25519Signer } from '../crypto/ed25519.crypto';
import { x25519PrivateKeyObject, x25519PublicKey } from '../crypto/x25519.crypto';
import { ProtocolError } from '../errors/protocol.errors';
import { hexSchema, memberIdSchema, parseWithSchema } from '../schema/protocol.schema';
import { MemberKeySet, memberPublicKeys } from './members.codec';
import { MemberPublicKeys, membersSchema } from './members.schema';

const keyPairSchema = z.strictObject({ publicKey: hexSchema(32), privateKey: hexSchema(32) });

/**
 * A department's key file: what `accord keygen` writes and what the services
 * load as ACCORD_KEYS_FILE (docs/services.md "Department key file"). `public`
 * repeats the public halves as the file's members.json entry.
 */
export const memberKeyFileSchema = z.strictObject({
  id: memberIdSchema,
  ed25519: keyPairSchema,
  x25519: keyPairSchema,
  public: membersSchema,
});

export type MemberKeyFile = z.output<typeof memberKeyFileSchema>;

export interface MemberKeys {
  readonly id: string;
  readonly keys: MemberKeySet;
}

/** The key file of member `id` (serialise with JSON.stringify). */
export function encodeMemberKeyFile(id: string, keys: MemberKeySet): MemberKeyFile {
  return {
    id,
    ed25519: { publicKey: keys.ed25519.publicKey, privateKey: keys.ed25519.privateKey },
    x25519: { publicKey: keys.x25519.publicKey, privateKey: keys.x25519.privateKey },
    public: { [id]: memberPublicKeys(keys) },
  };
}

/**
 * Parses a key file's JSON value: its shape, each public key derived from its
 * private key, and `public` holding exactly the file's own entry with those
 * keys. Throws `keyfile.invalid`.
 */
export function parseMemberKeyFile(value: unknown): MemberKeys {
  const file = parseWithSchema(memberKeyFileSchema, value, 'keyfile.invalid', 'key file');
  const keys: MemberKeySet = { ed25519: file.ed25519, x25519: file.x25519 };
  if (ed25519Signer(keys.ed25519.privateKey).publicKey !== keys.ed25519.publicKey) {
    throw invalid('ed25519.publicKey does not belong to ed25519.privateKey');
  }
  if (x25519PublicKey(x25519PrivateKeyObject(keys.x25519.privateKey)) !== keys.x25519.publicKey) {
    throw invalid('x25519.publicKey does not belong to x25519.privateKey');
  }
  const entries = Object.entries(file.public);
  const expected: MemberPublicKeys = memberPublicKeys(keys);
  const [onlyId, onlyKeys] = entries[0] ?? [];
  if (
    entries.length !== 1 ||
    onlyId !== file.id ||
    onlyKeys?.ed25519 !== expected.ed25519 ||
    onlyKeys.x25519 !== expected.x25519
  ) {
    throw invalid(`public must be {"${file.id}": {ed25519, x25519}} with the file's public keys`);
  }
  return { id: file.id, keys };
}

function invalid(reason: string): ProtocolError {
  return new ProtocolError('keyfile.invalid', `invalid key file: ${reason}`);
}
