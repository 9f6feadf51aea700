import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileIdentity, sameFile } from './file-identity';
import { UploadStateStore, type UploadRecord, type UploadTargetKey } from './upload-state.store';

const target: UploadTargetKey = {
  gateway: 'http://127.0.0.1:7113',
  channel: 'alliance',
  dataset: 'health/registry',
  version: 1,
};

function recordOf(path: string, changes: Partial<UploadRecord> = {}): UploadRecord {
  return {
    ...target,
    file: { path, size: 10, mtimeMs: 1_700_000_000_000, headSha256: 'ab'.repeat(32) },
    uploadUrl: 'http://127.0.0.1:7113/v1/uploads/0b9c1c5e-9a8f-4a4e-9d6e-1f6b3c2a1d00',
    createdAt: 1_700_000_000_000,
    ...changes,
  };
}

describe('UploadStateStore', () => {
  let dir: string;
  let store: UploadStateStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accord-upload-state-'));
    store = UploadStateStore.in(join(dir, 'state'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing before anything was saved (no file yet)', async () => {
    expect(await store.find(target, '/data/a.csv')).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it('keeps a record per file and target, replacing it when saved again', async () => {
    await store.save(recordOf('/data/a.csv'));
    await store.save(recordOf('/data/b.csv'));
    await store.save(recordOf('/data/a.csv', { createdAt: 1_700_000_000_500 }));
    expect(await store.list()).toHaveLength(2);
    expect((await store.find(target, '/data/a.csv'))?.createdAt).toBe(1_700_000_000_500);
  });

  it('tells targets apart: another version, channel or gateway is another upload', async () => {
    await store.save(recordOf('/data/a.csv'));
    for (const other of [
      { ...target, version: 2 },
      { ...target, channel: 'other' },
      { ...target, gateway: 'http://127.0.0.1:7123' },
      { ...target, dataset: 'health/other' },
    ])
      expect(await store.find(other, '/data/a.csv')).toBeUndefined();
  });

  it('removes a finished record and leaves the others', async () => {
    await store.save(recordOf('/data/a.csv'));
    await store.save(recordOf('/data/b.csv'));
    await store.remove(target, '/data/a.csv');
    expect((await store.list()).map((r) => r.file.path)).toEqual(['/data/b.csv']);
  });

  it('loses no record when uploads of one process save and remove at the same time, even through two store instances', async () => {
    const other = UploadStateStore.in(join(dir, 'state'));
    const paths = Array.from({ length: 20 }, (_, i) => `/data/${i}.csv`);
    await Promise.all(paths.map((path, i) => (i % 2 === 0 ? store : other).save(recordOf(path))));
    expect((await store.list()).map((r) => r.file.path).sort()).toEqual([...paths].sort());
    await Promise.all(paths.slice(0, 10).map((path) => other.remove(target, path)));
    expect((await store.list()).map((r) => r.file.path).sort()).toEqual(paths.slice(10).sort());
  });

  it('writes a private file, survives a new store instance', async () => {
    await store.save(recordOf('/data/a.csv'));
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(await UploadStateStore.in(join(dir, 'state')).find(target, '/data/a.csv')).toEqual(recordOf('/data/a.csv'));
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toMatchObject({
      v: 1,
      uploads: [{ dataset: target.dataset }],
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['another shape', JSON.stringify({ v: 2, uploads: 'x' })],
    ['a bad record', JSON.stringify({ v: 1, uploads: [{ gateway: 1 }] })],
  ])('treats a state file that is %s as empty, and rewrites it on save', async (_case, text) => {
    await store.save(recordOf('/data/a.csv'));
    writeFileSync(store.path, text);
    expect(await store.list()).toEqual([]);
    await store.save(recordOf('/data/b.csv'));
    expect((await store.list()).map((r) => r.file.path)).toEqual(['/data/b.csv']);
  });
});

describe('fileIdentity', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'accord-file-identity-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is the same for an unchanged file and differs once its head changes, even with size and time kept', async () => {
    const path = join(dir, 'data.bin');
    // A whole second: utimes of a fractional millisecond time may come back 1 ms off.
    const time = new Date(1_700_000_000_000);
    writeFileSync(path, Buffer.alloc(3 * 1024 * 1024, 1));
    utimesSync(path, time, time);
    const before = await fileIdentity(path);
    expect(sameFile(before, await fileIdentity(path))).toBe(true);
    const content = Buffer.alloc(3 * 1024 * 1024, 1);
    content[10] = 2;
    writeFileSync(path, content);
    utimesSync(path, time, time);
    const after = await fileIdentity(path);
    expect(after).toMatchObject({ size: before.size, mtimeMs: before.mtimeMs });
    expect(sameFile(before, after)).toBe(false);
  });

  it('refuses a missing file, a directory and an empty file as bad input', async () => {
    await expect(fileIdentity(join(dir, 'missing'))).rejects.toThrow(/no such file/);
    await expect(fileIdentity(dir)).rejects.toThrow(/not a regular file/);
    writeFileSync(join(dir, 'empty'), '');
    await expect(fileIdentity(join(dir, 'empty'))).rejects.toThrow(/empty/);
  });
});
