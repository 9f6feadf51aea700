import { deterministicRandom } from '../testing/deterministic-random';
import { encodeMemberKeyFile, parseMemberKeyFile } from './member-key-file.codec';
import { generateMemberKeys } from './members.codec';

describe('member key file', () => {
  const keys = generateMemberKeys(deterministicRandom('key-file'));
  const other = generateMemberKeys(deterministicRandom('key-file-other'));
  const file = encodeMemberKeyFile('dept-a', keys);

  it('encodes {id, ed25519, x25519, public} and parses it back after a JSON round trip', () => {
    expect(file).toEqual({
      id: 'dept-a',
      ed25519: keys.ed25519,
      x25519: keys.x25519,
      public: { 'dept-a': { ed25519: keys.ed25519.publicKey, x25519: keys.x25519.publicKey } },
    });
    expect(parseMemberKeyFile(JSON.parse(JSON.stringify(file)))).toEqual({ id: 'dept-a', keys });
  });

  it.each<[string, unknown]>([
    ['not an object', 'keys'],
    ['a missing id', { ...file, id: undefined }],
    ['an invalid id', { ...file, id: 'Dept A' }],
    ['an extra field', { ...file, extra: 1 }],
    ['a short private key', { ...file, ed25519: { ...keys.ed25519, privateKey: 'ab' } }],
    [
      'an Ed25519 public key of another private key',
      { ...file, ed25519: { ...keys.ed25519, publicKey: other.ed25519.publicKey } },
    ],
    [
      'an X25519 public key of another private key',
      { ...file, x25519: { ...keys.x25519, publicKey: other.x25519.publicKey } },
    ],
    ['public naming another member', { ...file, public: { 'dept-b': file.public['dept-a'] } }],
    [
      'public with other keys',
      { ...file, public: { 'dept-a': { ed25519: other.ed25519.publicKey, x25519: keys.x25519.publicKey } } },
    ],
    ['public with a second member', { ...file, public: { ...file.public, 'dept-b': file.public['dept-a'] } }],
    ['public without the X25519 key', { ...file, public: { 'dept-a': { ed25519: keys.ed25519.publicKey } } }],
  ])('refuses %s with keyfile.invalid', (_name, value) => {
    expect(() => parseMemberKeyFile(value)).toThrow(expect.objectContaining({ code: 'keyfile.invalid' }));
  });
});
