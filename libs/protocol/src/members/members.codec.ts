import { assertEd25519PublicKey, Ed25519KeyPair, generateEd25519KeyPair } from '../crypto/ed25519.crypto';
import { cryptoRandom } from '../crypto/crypto-random';
import { RandomSource } from '../crypto/random.port';
import { generateX25519KeyPair, X25519KeyPair, x25519PublicKeyObject } from '../crypto/x25519.crypto';
import { ProtocolError } from '../errors/protocol.errors';
import { parseWithSchema } from '../schema/protocol.schema';
import { MemberPublicKeys, Members, membersSchema } from './members.schema';

/** A department's full key set: Ed25519 for signing, X25519 for receiving wrapped data keys. */
export interface MemberKeySet {
  readonly ed25519: Ed25519KeyPair;
  readonly x25519: X25519KeyPair;
}

export function generateMemberKeys(random: RandomSource = cryptoRandom): MemberKeySet {
  return { ed25519: generateEd25519KeyPair(random), x25519: generateX25519KeyPair(random) };
}

export function memberPublicKeys(keys: MemberKeySet): MemberPublicKeys {
  return { ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey };
}

/**
 * Validates a members map (members.json): ids and hex formats, at least one
 * member, and every key importable. Throws `members.invalid`.
 */
export function validateMembers(value: unknown): Members {
  const members = parseWithSchema(membersSchema, value, 'members.invalid', 'members');
  const ids = Object.keys(members);
  if (ids.length === 0) throw new ProtocolError('members.invalid', 'invalid members: no member is listed');
  for (const id of ids) {
    const keys = members[id];
    try {
      assertEd25519PublicKey(keys.ed25519, `${id}.ed25519`);
      if (keys.x25519 !== undefined) x25519PublicKeyObject(keys.x25519);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      throw new ProtocolError('members.invalid', `invalid members: ${id}: ${error.message}`, { member: id });
    }
  }
  return members;
}

/** Own-property lookup, so ids such as "constructor" never hit Object.prototype. */
export function findMember(members: Members, id: string): MemberPublicKeys | undefined {
  return Object.prototype.hasOwnProperty.call(members, id) ? members[id] : undefined;
}
