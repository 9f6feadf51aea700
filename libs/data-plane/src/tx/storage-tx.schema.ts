import { hashHexSchema, hexSchema, uintSchema, wrappedKeySchema } from '@accord/protocol';
import { datasetIdSchema, grantIdSchema, textSchema, tokenSchema } from '@accord/rules';
import { z } from 'zod';

/**
 * The storage gateway's txs (docs/storage-gateway.md "Transactions"). The
 * rule engine passes them by; every department's gateway projects them from
 * its own copy of the chain. Each is signed by the department whose gateway
 * acts, and only the dataset's owner may anchor, publish records, share
 * their keys or erase (a tx from anyone else is committed but ignored).
 */
export const STORAGE_ANCHOR = 'storage.anchor';
export const STORAGE_ERASE = 'storage.erase';
export const STRONG_RECORD = 'strong.record';
export const STRONG_KEY_SHARE = 'strong.keyshare';
export const STORAGE_TX_TYPES = [STORAGE_ANCHOR, STORAGE_ERASE, STRONG_RECORD, STRONG_KEY_SHARE] as const;
export type StorageTxType = (typeof STORAGE_TX_TYPES)[number];

const storageTxTypes: ReadonlySet<string> = new Set(STORAGE_TX_TYPES);
export function isStorageTxType(type: string): type is StorageTxType {
  return storageTxTypes.has(type);
}

/** RFC 6838 type/subtype without parameters, lower case. */
export const mediaTypeSchema = z
  .string()
  .max(127)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/, 'must be a media type like video/mp4');

/** Chunk sizes a gateway accepts for the chunk Merkle tree: 4 KiB to 16 MiB. */
export const MIN_CHUNK_SIZE = 4096;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

/**
 * storage.anchor: an object of a dataset version is stored by its owner's
 * gateway; `sha256` is the plaintext's hash and `chunkRoot` the RFC 6962
 * root over its plaintext chunks of `chunkSize` bytes (docs/data-plane-formats.md).
 * A later anchor of the same dataset version replaces the earlier one.
 */
export const storageAnchorSchema = z.strictObject({
  dataset: datasetIdSchema,
  version: z.int().min(1),
  sizeBytes: uintSchema,
  mediaType: mediaTypeSchema,
  sha256: hashHexSchema,
  chunkSize: z.int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
  chunkRoot: hashHexSchema,
});
export type StorageAnchorPayload = z.output<typeof storageAnchorSchema>;

/** Base64 (RFC 4648 §4, padded) of at most `maxBytes` bytes. */
function base64Schema(maxBytes: number) {
  return z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be padded base64');
}

/** Largest strong-mode record (plaintext); the channel's maxTxBytes may be lower. */
export const MAX_STRONG_RECORD_BYTES = 256 * 1024;
export const STRONG_RECORD_MEDIA_TYPES = ['application/json', 'text/csv'] as const;

/**
 * strong.record: a small structured record (JSON or CSV rows) kept on the
 * chain, encrypted with AES-256-GCM under its own random data key; the
 * additional data is JCS({channel, dataset, record}). `ciphertext` is the
 * encrypted bytes followed by the 16-byte tag.
 */
export const strongRecordSchema = z.strictObject({
  dataset: datasetIdSchema,
  /** The owner's name for the record (unique per dataset by convention; the txId identifies it). */
  record: tokenSchema,
  mediaType: z.enum(STRONG_RECORD_MEDIA_TYPES),
  alg: z.literal('A256GCM'),
  iv: hexSchema(12),
  ciphertext: base64Schema(MAX_STRONG_RECORD_BYTES + 16),
});
export type StrongRecordPayload = z.output<typeof strongRecordSchema>;

/**
 * strong.keyshare: the owner hands a grantee the data keys of records of a
 * dataset, each wrapped to the grantee's X25519 key (the protocol's key
 * wrapping) with the context {channel, dataset, grant, record}.
 */
export const strongKeyShareSchema = z.strictObject({
  grant: grantIdSchema,
  dataset: datasetIdSchema,
  recipient: tokenSchema,
  keys: z
    .array(z.strictObject({ record: hashHexSchema, wrappedKey: wrappedKeySchema }))
    .min(1)
    .max(64),
});
export type StrongKeySharePayload = z.output<typeof strongKeyShareSchema>;

/**
 * storage.erase: the owner destroyed every copy of the data key of an
 * object (a dataset version's anchored object, named by its anchor tx) or
 * of a strong-mode record (named by its record tx). Hashes, anchors, proofs
 * and the access history stay; the content cannot be decrypted any more.
 * Other gateways drop their copies and key shares when they read it.
 */
export const storageEraseSchema = z.strictObject({
  dataset: datasetIdSchema,
  target: z.enum(['object', 'record']),
  /** txId of the storage.anchor (target object) or strong.record (target record) erased. */
  tx: hashHexSchema,
  reason: textSchema(500).min(1),
});
export type StorageErasePayload = z.output<typeof storageEraseSchema>;

export const STORAGE_TX_SCHEMAS = {
  [STORAGE_ANCHOR]: storageAnchorSchema,
  [STORAGE_ERASE]: storageEraseSchema,
  [STRONG_RECORD]: strongRecordSchema,
  [STRONG_KEY_SHARE]: strongKeyShareSchema,
} as const satisfies { readonly [T in StorageTxType]: z.ZodType };

export interface StorageTxPayloads {
  [STORAGE_ANCHOR]: StorageAnchorPayload;
  [STORAGE_ERASE]: StorageErasePayload;
  [STRONG_RECORD]: StrongRecordPayload;
  [STRONG_KEY_SHARE]: StrongKeySharePayload;
}

/** The owner of a dataset id `<owner>/<name>`. */
export function datasetOwner(dataset: string): string {
  return dataset.slice(0, dataset.indexOf('/'));
}
