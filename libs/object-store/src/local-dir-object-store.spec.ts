import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalDirObjectStore } from './local-dir-object-store.adapter';
import { createObjectStore } from './object-store.factory';
import { InvalidObjectStoreConfigError, ObjectStoreUnavailableError } from './object-store.errors';
import { generatedBytes, readAll } from './testing/generated-content';
import { INVALID_KEYS, describeObjectStoreContract } from './testing/object-store.contract';

jest.setTimeout(60_000);

let base: string;
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'accord-objects-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describeObjectStoreContract({
  name: 'local directory',
  freshStore: async () => createObjectStore({ kind: 'local-dir', rootDir: join(base, 'contract', 'bucket') }),
  cleanup: async () => rm(join(base, 'contract'), { recursive: true, force: true }),
});

describe('LocalDirObjectStore specifics', () => {
  const body = (s: string | Buffer) => Readable.from([Buffer.from(s)]);

  it('never touches anything outside its root, whatever the key', async () => {
    const root = join(base, 'jail', 'root');
    const store = new LocalDirObjectStore({ rootDir: root });
    await store.ensureBucket();
    for (const key of INVALID_KEYS) {
      await store.put(key, body('x')).catch(() => undefined);
      await store.remove(key).catch(() => undefined);
    }
    expect(await readdir(join(base, 'jail'))).toEqual(['root']);
    expect(await readdir(root)).toEqual([]);
  });

  it('leaves no temp or stale content files behind', async () => {
    const root = join(base, 'tidy');
    const store = new LocalDirObjectStore({ rootDir: root });
    await store.ensureBucket();
    await store.put('a/b', body('one'));
    await store.put('a/b', body('two'));
    await store
      .put(
        'a/b',
        Readable.from(
          (async function* () {
            yield Buffer.from('x');
            throw new Error('cut');
          })(),
        ),
      )
      .catch(() => undefined);
    const files = await readdir(join(root, 'a', 'b'));
    expect(files.filter((f) => f.startsWith('.data-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    await store.remove('a/b');
    expect(await readdir(root)).toEqual([]); // empty key directories are pruned
  });

  it('lets a reader that opened the old version finish after an overwrite', async () => {
    const store = new LocalDirObjectStore({ rootDir: join(base, 'mvcc') });
    await store.ensureBucket();
    const v1 = generatedBytes(3 * 1024 * 1024, 1);
    await store.put('obj', body(v1));
    const reading = await store.get('obj');
    await store.put('obj', body('v2'));
    expect((await readAll(reading)).equals(v1)).toBe(true);
    expect((await readAll(await store.get('obj'))).toString()).toBe('v2');
  });

  it('survives a new instance on the same directory', async () => {
    const root = join(base, 'reopen');
    const first = new LocalDirObjectStore({ rootDir: root });
    await first.ensureBucket();
    await first.put('k', body('durable'), { metadata: { m: 'v' } });
    const second = new LocalDirObjectStore({ rootDir: root });
    expect(await second.stat('k')).toEqual({ key: 'k', size: 7, metadata: { m: 'v' } });
    expect((await readAll(await second.get('k'))).toString()).toBe('durable');
  });

  it('reports corrupt metadata as a typed error', async () => {
    const root = join(base, 'corrupt');
    const store = new LocalDirObjectStore({ rootDir: root });
    await store.ensureBucket();
    await store.put('k', body('x'));
    await writeFile(join(root, 'k', '.meta.json'), '{not json');
    await expect(store.stat('k')).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
  });

  it('validates its config', () => {
    expect(() => new LocalDirObjectStore({ rootDir: '' })).toThrow(InvalidObjectStoreConfigError);
    expect(() => createObjectStore({ kind: 'nfs' } as never)).toThrow(/kind must be "minio" or "local-dir", got "nfs"/);
    expect(() =>
      createObjectStore({
        kind: 'minio',
        endPoint: '',
        port: 0,
        useSSL: true,
        accessKey: '',
        secretKey: '',
        bucket: 'A',
      }),
    ).toThrow(
      /endPoint is required; port must be 1-65535; accessKey is required; secretKey is required; bucket must be/,
    );
  });
});
