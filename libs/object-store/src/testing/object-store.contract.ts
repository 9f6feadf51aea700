import { Readable } from 'node:stream';
import {
  BucketNotFoundError,
  InvalidObjectKeyError,
  InvalidObjectMetadataError,
  InvalidRangeError,
  ObjectKeyConflictError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
} from '../object-store.errors';
import type { ObjectStore } from '../object-store.port';
import { digestStream, failingStream, generatedBytes, generatedStream, readAll } from './generated-content';

/**
 * One contract, run against every adapter: the local directory in the unit
 * tests, the real MinIO in the integration tests.
 */
export interface ObjectStoreContractTarget {
  readonly name: string;
  /** A store on a fresh, not yet created bucket (root directory). */
  freshStore(): Promise<ObjectStore>;
  /** Deletes everything freshStore created. */
  cleanup(): Promise<void>;
}

/** Multi-part sized: crosses MinIO's 8 MiB part size twice. */
const MULTIPART_SIZE = 20 * 1024 * 1024 + 12345;

const body = (text: string | Buffer): Readable => Readable.from([Buffer.from(text)]);
const text = async (store: ObjectStore, key: string, range?: { start: number; end: number }): Promise<string> =>
  (await readAll(await store.get(key, range))).toString();

export const INVALID_KEYS: readonly string[] = [
  '',
  '/absolute',
  'trailing/',
  'double//slash',
  '..',
  '../escape',
  'a/../../escape',
  'a/./b',
  '.hidden',
  'a/.meta.json',
  'a/.data-x',
  'with space',
  'nul\0byte',
  'back\\slash',
  'colon:x',
  'ümlaut',
  'x'.repeat(256),
  `${'abc/'.repeat(256)}x`,
];

export function describeObjectStoreContract(target: ObjectStoreContractTarget): void {
  describe(`object store contract: ${target.name}`, () => {
    let store: ObjectStore;

    beforeAll(async () => {
      store = await target.freshStore();
    });

    afterAll(async () => {
      await target.cleanup();
    });

    describe('before ensureBucket', () => {
      it('reports the missing bucket instead of creating it implicitly', async () => {
        expect(await store.isHealthy()).toBe(false);
        await expect(store.put('k', body('x'))).rejects.toBeInstanceOf(BucketNotFoundError);
        await expect(store.list()).rejects.toBeInstanceOf(BucketNotFoundError);
        await expect(store.get('k')).rejects.toMatchObject({ code: 'object_store_bucket_not_found' });
      });

      it('creates the bucket idempotently', async () => {
        await store.ensureBucket();
        await store.ensureBucket();
        expect(await store.isHealthy()).toBe(true);
        expect(await store.list()).toEqual([]);
      });
    });

    describe('put, get, stat, remove', () => {
      it('round-trips content and metadata', async () => {
        const info = await store.put('basic/hello.txt', body('hello, world'), {
          metadata: { 'dataset-id': 'ds-1', sha256: 'ab12', note: 'two words' },
        });
        expect(info).toEqual({
          key: 'basic/hello.txt',
          size: 12,
          metadata: { 'dataset-id': 'ds-1', sha256: 'ab12', note: 'two words' },
        });
        expect(await text(store, 'basic/hello.txt')).toBe('hello, world');
        expect(await store.stat('basic/hello.txt')).toEqual(info);
      });

      it('stores empty objects', async () => {
        expect(await store.put('basic/empty', body(''), { size: 0 })).toMatchObject({ size: 0 });
        expect(await text(store, 'basic/empty')).toBe('');
        expect(await store.stat('basic/empty')).toEqual({ key: 'basic/empty', size: 0, metadata: {} });
        await expect(store.get('basic/empty', { start: 0, end: 0 })).rejects.toBeInstanceOf(InvalidRangeError);
      });

      it('overwrites content and metadata together', async () => {
        await store.put('basic/over', body('first version'), { metadata: { v: '1', only: 'first' } });
        await store.put('basic/over', body('second'), { metadata: { v: '2' } });
        expect(await text(store, 'basic/over')).toBe('second');
        expect(await store.stat('basic/over')).toEqual({ key: 'basic/over', size: 6, metadata: { v: '2' } });
      });

      it('reports absent objects with ObjectNotFoundError, undefined stat, and a quiet remove', async () => {
        const missing = store.get('basic/missing');
        await expect(missing).rejects.toBeInstanceOf(ObjectNotFoundError);
        await expect(missing).rejects.toMatchObject({ code: 'object_not_found', key: 'basic/missing' });
        await expect(store.get('basic/missing', { start: 0, end: 1 })).rejects.toBeInstanceOf(ObjectNotFoundError);
        expect(await store.stat('basic/missing')).toBeUndefined();
        await expect(store.remove('basic/missing')).resolves.toBeUndefined();
      });

      it('removes objects', async () => {
        await store.put('basic/gone', body('bye'));
        await store.remove('basic/gone');
        expect(await store.stat('basic/gone')).toBeUndefined();
        await expect(store.get('basic/gone')).rejects.toBeInstanceOf(ObjectNotFoundError);
        expect(await store.list('basic/gone')).toEqual([]);
      });

      it('refuses a key above or below an existing key (ObjectKeyConflictError)', async () => {
        await store.put('nest/a/b', body('B'));
        await expect(store.put('nest/a', body('A'))).rejects.toBeInstanceOf(ObjectKeyConflictError);
        await expect(store.put('nest/a/b/c', body('C'))).rejects.toMatchObject({ code: 'object_key_conflict' });
        expect(await store.list('nest/')).toEqual(['nest/a/b']);
        // Siblings are fine, and the key can move once the conflict is removed.
        await store.put('nest/a/c', body('C'));
        await store.remove('nest/a/b');
        await store.remove('nest/a/c');
        await store.put('nest/a', body('A'));
        expect(await store.list('nest/')).toEqual(['nest/a']);
        expect(await text(store, 'nest/a')).toBe('A');
      });
    });

    describe('ranges', () => {
      const content = '0123456789abcdefghij';
      beforeAll(async () => {
        await store.put('range/obj', body(content));
      });

      it('returns inclusive byte ranges', async () => {
        expect(await text(store, 'range/obj', { start: 0, end: 0 })).toBe('0');
        expect(await text(store, 'range/obj', { start: 3, end: 7 })).toBe('34567');
        expect(await text(store, 'range/obj', { start: 19, end: 19 })).toBe('j');
      });

      it('clamps an end beyond the object, like HTTP ranges', async () => {
        expect(await text(store, 'range/obj', { start: 15, end: 1000 })).toBe('fghij');
      });

      it('rejects malformed or unsatisfiable ranges with InvalidRangeError', async () => {
        for (const range of [
          { start: 20, end: 25 },
          { start: 5, end: 4 },
          { start: -1, end: 3 },
          { start: 0.5, end: 3 },
          { start: 0, end: Number.POSITIVE_INFINITY },
        ]) {
          await expect(store.get('range/obj', range)).rejects.toBeInstanceOf(InvalidRangeError);
        }
      });
    });

    describe('list', () => {
      beforeAll(async () => {
        for (const k of ['ls/a/b', 'ls/a/c/d', 'ls/ab', 'ls/a-1', 'ls/b/x', 'ls/B']) {
          await store.put(k, body(k));
        }
      });

      it('lists every key under a prefix in byte order', async () => {
        expect(await store.list('ls/')).toEqual(['ls/B', 'ls/a-1', 'ls/a/b', 'ls/a/c/d', 'ls/ab', 'ls/b/x']);
      });

      it('treats the prefix as a plain string prefix', async () => {
        expect(await store.list('ls/a')).toEqual(['ls/a-1', 'ls/a/b', 'ls/a/c/d', 'ls/ab']);
        expect(await store.list('ls/a/')).toEqual(['ls/a/b', 'ls/a/c/d']);
        expect(await store.list('ls/a/c')).toEqual(['ls/a/c/d']);
        expect(await store.list('ls/a/b')).toEqual(['ls/a/b']);
        expect(await store.list('ls/zzz')).toEqual([]);
        expect(await store.list('nothing-here/')).toEqual([]);
      });

      it('includes everything without a prefix', async () => {
        const all = await store.list();
        expect(all).toEqual([...all].sort());
        expect(all).toEqual(expect.arrayContaining(['basic/hello.txt', 'ls/a/c/d', 'range/obj']));
      });
    });

    describe('input validation', () => {
      it.each(INVALID_KEYS.map((k) => [JSON.stringify(k).slice(0, 40), k]))(
        'rejects the key %s on every operation',
        async (_label, key) => {
          await expect(store.put(key, body('x'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
          await expect(store.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
          await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
          await expect(store.remove(key)).rejects.toMatchObject({ code: 'object_key_invalid' });
        },
      );

      it('rejects prefixes that are not the start of a valid key', async () => {
        for (const prefix of ['/x', '../', 'a//', '.x/', 'a/../', 'sp ace']) {
          await expect(store.list(prefix)).rejects.toBeInstanceOf(InvalidObjectKeyError);
        }
      });

      it('accepts the whole key alphabet', async () => {
        const key = 'Az09/_-.~=/x.y.z/a=b~c';
        await store.put(key, body('ok'));
        expect(await text(store, key)).toBe('ok');
        expect(await store.list('Az09/')).toEqual([key]);
      });

      it('rejects bad metadata and stores nothing', async () => {
        const invalid: Record<string, string>[] = [
          { Upper: 'x' },
          { 'content-type': 'text/plain' },
          { 'x-amz-acl': 'public-read' },
          { under_score: 'x' },
          { k: 'ünïcode' },
          { k: ' padded' },
          { k: 'line\nbreak' },
          { k: 'x'.repeat(2100) },
        ];
        for (const metadata of invalid) {
          await expect(store.put('meta/bad', body('x'), { metadata })).rejects.toBeInstanceOf(
            InvalidObjectMetadataError,
          );
        }
        expect(await store.stat('meta/bad')).toBeUndefined();
      });
    });

    describe('failed uploads store nothing', () => {
      it('rejects a body shorter or longer than announced', async () => {
        await store.put('size/key', body('original'));
        const short = store.put('size/key', body('abc'), { size: 4 });
        await expect(short).rejects.toBeInstanceOf(ObjectSizeMismatchError);
        await expect(short).rejects.toMatchObject({ code: 'object_size_mismatch' });
        await expect(store.put('size/key', body('abcde'), { size: 4 })).rejects.toBeInstanceOf(ObjectSizeMismatchError);
        await expect(
          store.put('size/key', generatedStream(MULTIPART_SIZE), { size: MULTIPART_SIZE - 1 }),
        ).rejects.toBeInstanceOf(ObjectSizeMismatchError);
        expect(await text(store, 'size/key')).toBe('original');
        await expect(store.put('size/new', body('abc'), { size: 2 })).rejects.toBeInstanceOf(ObjectSizeMismatchError);
        expect(await store.stat('size/new')).toBeUndefined();
      });

      it('rethrows the error of a failing body and keeps the previous version', async () => {
        await store.put('fail/key', body('kept'));
        const boom = new Error('upstream connection reset');
        await expect(store.put('fail/key', failingStream(Buffer.alloc(1000, 1), boom))).rejects.toBe(boom);
        await expect(store.put('fail/key', failingStream(generatedBytes(9 * 1024 * 1024), boom))).rejects.toBe(boom);
        expect(await text(store, 'fail/key')).toBe('kept');
        await expect(store.put('fail/new', failingStream(Buffer.alloc(10), boom))).rejects.toBe(boom);
        expect(await store.stat('fail/new')).toBeUndefined();
        expect(await store.list('fail/')).toEqual(['fail/key']);
      });
    });

    describe('streaming', () => {
      it('streams a multi-part object in and out intact, with and without an announced size', async () => {
        const expected = await digestStream(generatedStream(MULTIPART_SIZE, 7));
        for (const size of [MULTIPART_SIZE, undefined]) {
          const info = await store.put('stream/big', generatedStream(MULTIPART_SIZE, 7), size ? { size } : {});
          expect(info.size).toBe(MULTIPART_SIZE);
          expect(await digestStream(await store.get('stream/big'))).toEqual(expected);
        }
        expect((await store.stat('stream/big'))?.size).toBe(MULTIPART_SIZE);
      });

      it('serves ranges across part boundaries', async () => {
        const all = generatedBytes(MULTIPART_SIZE, 7);
        const boundary = 8 * 1024 * 1024;
        const range = { start: boundary - 100, end: boundary + 100 };
        expect(
          (await readAll(await store.get('stream/big', range))).equals(all.subarray(range.start, range.end + 1)),
        ).toBe(true);
        const tail = { start: MULTIPART_SIZE - 10, end: MULTIPART_SIZE + 10 };
        expect((await readAll(await store.get('stream/big', tail))).equals(all.subarray(MULTIPART_SIZE - 10))).toBe(
          true,
        );
      });

      it('keeps content and metadata consistent under concurrent overwrites', async () => {
        const writers = Array.from({ length: 6 }, (_, i) =>
          store.put('race/key', body(`writer-${i}-`.repeat(1000 * (i + 1))), { metadata: { writer: String(i) } }),
        );
        await Promise.all(writers);
        const info = await store.stat('race/key');
        const content = await text(store, 'race/key');
        const winner = Number(info?.metadata['writer']);
        expect(content).toBe(`writer-${winner}-`.repeat(1000 * (winner + 1)));
        expect(info?.size).toBe(content.length);
      });
    });
  });
}
