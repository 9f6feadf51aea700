import { ProtocolError } from '../errors/protocol.errors';
import { deterministicRandom } from '../testing/deterministic-random';
import { findMember, generateMemberKeys, memberPublicKeys, validateMembers } from './members.codec';

describe('members', () => {
  const keys = generateMemberKeys(deterministicRandom('m'));

  it('generates a full key set and its public entry', () => {
    expect(generateMemberKeys(deterministicRandom('m'))).toEqual(keys);
    expect(keys.ed25519.publicKey).not.toBe(keys.x25519.publicKey);
    expect(memberPublicKeys(keys)).toEqual({ ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey });
  });

  it('validates members.json', () => {
    const members = validateMembers({
      'dept-a': memberPublicKeys(keys),
      'dept-b': { ed25519: keys.ed25519.publicKey },
    });
    expect(Object.keys(members)).toEqual(['dept-a', 'dept-b']);
    for (const bad of [
      {},
      [],
      'x',
      { 'Dept-A': memberPublicKeys(keys) },
      { 'dept-a': { ed25519: keys.ed25519.publicKey, extra: 1 } },
      { 'dept-a': { ed25519: keys.ed25519.publicKey.toUpperCase() } },
      { 'dept-a': { x25519: keys.x25519.publicKey } },
    ]) {
      expect(() => validateMembers(bad)).toThrow(expect.objectContaining({ code: 'members.invalid' }));
    }
    expect(() => validateMembers(null)).toThrow(ProtocolError);
  });

  it('looks members up as own properties only', () => {
    const members = validateMembers({ 'dept-a': memberPublicKeys(keys) });
    expect(findMember(members, 'dept-a')).toEqual(memberPublicKeys(keys));
    expect(findMember(members, 'constructor')).toBeUndefined();
    expect(findMember(members, 'tostring')).toBeUndefined();
  });
});
