import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { canonicalBytes, type JsonObject } from '@accord/protocol';
import { readJsonIfExists, writeFileAtomic } from '@accord/service-kit';
import { z } from 'zod';
import { KekUnavailableError, StoredKeyInvalidError } from '../storage-gateway.errors';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = 'a256gcm';

const kekFileSchema = z.strictObject({
  v: z.literal(1),
  /** The first key wraps new data keys; the others still unwrap (rotation). */
  keys: z
    .array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,32}$/), key: z.string().regex(/^[0-9a-f]{64}$/) }))
    .min(1),
});

/**
 * The department's key-encryption key (docs/storage-gateway.md "Keys"):
 * every data key the gateway keeps (objects, strong-mode records) is stored
 * only wrapped by it, as `a256gcm:<kek id>:<iv hex>:<ciphertext+tag hex>`
 * (AES-256-GCM, random 96-bit IV, additional data = JCS of the caller's
 * context, so a wrapped key cannot be moved to another object). The KEK
 * itself lives in a file (a mounted Secret in a cluster), never in the
 * database or the object store.
 */
export class KeyEncryptionKey {
  private readonly keys: ReadonlyMap<string, Buffer>;

  private constructor(
    private readonly currentId: string,
    keys: Map<string, Buffer>,
  ) {
    this.keys = keys;
  }

  static fromFile(content: unknown, source: string): KeyEncryptionKey {
    const parsed = kekFileSchema.safeParse(content);
    if (!parsed.success) throw new KekUnavailableError(`${source} is not a key-encryption key file`);
    const keys = new Map(parsed.data.keys.map((k) => [k.id, Buffer.from(k.key, 'hex')] as const));
    return new KeyEncryptionKey(parsed.data.keys[0].id, keys);
  }

  /** Loads the KEK file; when `create` (embedded layout) a missing file is generated (0600). */
  static async load(path: string, create: boolean): Promise<KeyEncryptionKey> {
    let content: unknown;
    try {
      content = await readJsonIfExists(path);
    } catch (error) {
      throw new KekUnavailableError(`cannot read the key-encryption key ${path}: ${(error as Error).message}`);
    }
    if (content === undefined) {
      if (!create) throw new KekUnavailableError(`ACCORD_GATEWAY_KEK_FILE ${path} does not exist`);
      content = { v: 1, keys: [{ id: 'k1', key: randomBytes(KEY_BYTES).toString('hex') }] };
      await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`, 0o600);
    }
    return KeyEncryptionKey.fromFile(content, path);
  }

  wrap(dataKey: Uint8Array, context: JsonObject): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv);
    cipher.setAAD(canonicalBytes(context));
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}:${this.currentId}:${iv.toString('hex')}:${ct.toString('hex')}`;
  }

  /** The data key; stored_key_invalid when the stored form, the KEK or the context does not match. */
  unwrap(stored: string, context: JsonObject): Buffer {
    const [prefix, id, ivHex, ctHex] = stored.split(':');
    const key = this.keys.get(id ?? '');
    if (
      prefix !== PREFIX ||
      key === undefined ||
      !/^[0-9a-f]{24}$/.test(ivHex ?? '') ||
      !/^[0-9a-f]+$/.test(ctHex ?? '')
    )
      throw new StoredKeyInvalidError('a wrapped data key has an unknown form or names an unknown key-encryption key');
    const ct = Buffer.from(ctHex, 'hex');
    if (ct.length !== KEY_BYTES + TAG_BYTES) throw new StoredKeyInvalidError('a wrapped data key has the wrong length');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivHex, 'hex'), { authTagLength: TAG_BYTES });
    decipher.setAAD(canonicalBytes(context));
    decipher.setAuthTag(ct.subarray(KEY_BYTES));
    try {
      return Buffer.concat([decipher.update(ct.subarray(0, KEY_BYTES)), decipher.final()]);
    } catch {
      throw new StoredKeyInvalidError('a wrapped data key does not open with this key-encryption key and context');
    }
  }
}
