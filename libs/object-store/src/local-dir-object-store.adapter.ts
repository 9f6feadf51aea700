import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { constants as fsConstants, createWriteStream, type WriteStream } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  clampRange,
  validateAnnouncedSize,
  validateMetadata,
  validateObjectKey,
  validatePrefix,
  validateRange,
} from './object-input.validator';
import {
  BucketNotFoundError,
  InvalidObjectStoreConfigError,
  ObjectKeyConflictError,
  ObjectNotFoundError,
  ObjectSizeMismatchError,
  ObjectStoreUnavailableError,
} from './object-store.errors';
import type { ByteRange, ObjectInfo, ObjectStore, PutOptions } from './object-store.port';

export interface LocalDirObjectStoreConfig {
  /** The directory playing the bucket's part. */
  readonly rootDir: string;
}

/** The sidecar: the commit point of a put. It names the content file it belongs to. */
interface Sidecar {
  readonly v: 1;
  readonly version: string;
  readonly size: number;
  readonly metadata: Record<string, string>;
}

const META = '.meta.json';
const DATA_PREFIX = '.data-';
const TMP_PREFIX = '.tmp-';
/** A reader that loses the race against an overwrite re-reads the sidecar; this bounds the retries. */
const READ_ATTEMPTS = 5;

/**
 * Embedded-mode object store: one directory per key (its segments become
 * directories, so "a" and "a/b" can coexist), holding a content file
 * `.data-<version>` and the sidecar `.meta.json` that names it. Names starting
 * with '.' are reserved, which key segments cannot be.
 *
 * put streams into a temp file, fsyncs it, renames it to `.data-<version>`,
 * then atomically replaces the sidecar (temp + fsync + rename) and fsyncs the
 * directory. Readers open the file the sidecar names, so they always see a
 * matching content/metadata pair, and an open file stays readable after an
 * overwrite unlinks it.
 */
export class LocalDirObjectStore implements ObjectStore {
  private readonly root: string;
  private readonly keyLocks = new Map<string, Promise<void>>();

  constructor(config: LocalDirObjectStoreConfig) {
    if (typeof config?.rootDir !== 'string' || config.rootDir.length === 0 || config.rootDir.includes('\0')) {
      throw new InvalidObjectStoreConfigError('local object store needs a rootDir');
    }
    this.root = resolve(config.rootDir);
  }

  async ensureBucket(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    validateObjectKey(key);
    const metadata = validateMetadata(options.metadata);
    validateAnnouncedSize(options.size);
    await this.requireRoot();
    const dir = this.dirOf(key);
    await this.assertNoKeyConflict(key, dir);
    const version = randomBytes(12).toString('hex');
    const tmp = join(dir, `${TMP_PREFIX}${version}`);
    const out = await this.createInDir(dir, tmp);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (options.size !== undefined && size > options.size) {
          done(new ObjectSizeMismatchError(`body of "${key}" is longer than the announced ${options.size} bytes`));
        } else {
          done(null, chunk);
        }
      },
      flush(done) {
        if (options.size !== undefined && size !== options.size) {
          done(new ObjectSizeMismatchError(`body of "${key}" has ${size} bytes, ${options.size} were announced`));
        } else {
          done();
        }
      },
    });
    try {
      // The stream owns its fd and, with `flush`, fsyncs before closing;
      // pipeline resolves only after that close.
      await pipeline(body, counter, out);
    } catch (err) {
      out.destroy();
      await unlink(tmp).catch(() => undefined);
      throw err;
    }

    await this.withKeyLock(key, async () => {
      await rename(tmp, join(dir, `${DATA_PREFIX}${version}`));
      const sidecar: Sidecar = { v: 1, version, size, metadata };
      await writeFileDurably(join(dir, `${TMP_PREFIX}${version}.meta`), join(dir, META), JSON.stringify(sidecar));
      await syncDir(dir);
      // Older content files are unreachable now; readers holding them open keep reading.
      for (const name of await readdir(dir)) {
        if (name.startsWith(DATA_PREFIX) && name !== `${DATA_PREFIX}${version}`) {
          await unlink(join(dir, name)).catch(ignoreMissing);
        }
      }
    });
    return { key, size, metadata };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    validateObjectKey(key);
    if (range !== undefined) validateRange(range);
    const dir = this.dirOf(key);
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const sidecar = await this.readSidecar(dir);
      if (!sidecar) {
        await this.requireRoot();
        throw new ObjectNotFoundError(key);
      }
      let handle: FileHandle;
      try {
        handle = await open(join(dir, `${DATA_PREFIX}${sidecar.version}`), 'r');
      } catch (err) {
        if (isMissing(err)) continue; // overwritten or removed meanwhile: re-read the sidecar
        throw err;
      }
      if (range === undefined) return handle.createReadStream();
      try {
        const { start, end } = clampRange(range, sidecar.size, key);
        return handle.createReadStream({ start, end });
      } catch (err) {
        await handle.close();
        throw err;
      }
    }
    throw new ObjectStoreUnavailableError(`"${key}" kept changing while being opened; try again`);
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    validateObjectKey(key);
    const sidecar = await this.readSidecar(this.dirOf(key));
    return sidecar ? { key, size: sidecar.size, metadata: { ...sidecar.metadata } } : undefined;
  }

  async remove(key: string): Promise<void> {
    validateObjectKey(key);
    const dir = this.dirOf(key);
    await this.withKeyLock(key, async () => {
      // The sidecar is the commit point: once it is gone the object is gone.
      try {
        await unlink(join(dir, META));
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      for (const name of await readdir(dir)) {
        if (name.startsWith(DATA_PREFIX)) await unlink(join(dir, name)).catch(ignoreMissing);
      }
      await syncDir(dir);
    });
    await this.pruneEmptyDirs(dir);
  }

  async list(prefix = ''): Promise<string[]> {
    validatePrefix(prefix);
    await this.requireRoot();
    const complete = prefix.split('/').slice(0, -1);
    const keys: string[] = [];
    await this.walk(join(this.root, ...complete), complete.length > 0 ? `${complete.join('/')}/` : '', prefix, keys);
    return keys.sort();
  }

  async isHealthy(): Promise<boolean> {
    try {
      if (!(await stat(this.root)).isDirectory()) return false;
      await access(this.root, fsConstants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  private dirOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  /** No ancestor path may be an object, and no object may live below this key. */
  private async assertNoKeyConflict(key: string, dir: string): Promise<void> {
    const segments = key.split('/');
    for (let i = 1; i < segments.length; i++) {
      if (await this.readSidecar(join(this.root, ...segments.slice(0, i)))) {
        throw new ObjectKeyConflictError(`cannot store "${key}": "${segments.slice(0, i).join('/')}" is an object`);
      }
    }
    const below: string[] = [];
    await this.walk(dir, `${key}/`, `${key}/`, below);
    if (below.length > 0) {
      throw new ObjectKeyConflictError(`cannot store "${key}": objects exist below it (e.g. "${below[0]}")`);
    }
  }

  private async requireRoot(): Promise<void> {
    try {
      if ((await stat(this.root)).isDirectory()) return;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    throw new BucketNotFoundError(`object store root ${this.root} does not exist; call ensureBucket first`);
  }

  /** Opens a new `file` for writing, (re)creating `dir` if a concurrent remove pruned it. */
  private async createInDir(dir: string, file: string): Promise<WriteStream> {
    for (let attempt = 0; ; attempt++) {
      await mkdir(dir, { recursive: true });
      const out = createWriteStream(file, { flags: 'wx', mode: 0o644, flush: true });
      try {
        await once(out, 'open');
        return out;
      } catch (err) {
        out.destroy();
        if (!isMissing(err) || attempt >= READ_ATTEMPTS) throw err;
      }
    }
  }

  private async readSidecar(dir: string): Promise<Sidecar | undefined> {
    let text: string;
    try {
      text = await readFile(join(dir, META), 'utf8');
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
    try {
      const parsed = JSON.parse(text) as Sidecar;
      if (parsed.v !== 1 || typeof parsed.version !== 'string' || !Number.isSafeInteger(parsed.size))
        throw new Error('bad shape');
      return parsed;
    } catch (err) {
      throw new ObjectStoreUnavailableError(`corrupt object metadata in ${dir}`, { cause: err });
    }
  }

  private async walk(dir: string, keyPrefix: string, prefix: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name === META && entry.isFile()) {
        const key = keyPrefix.slice(0, -1);
        if (key.startsWith(prefix)) out.push(key);
      } else if (entry.isDirectory() && !entry.name.startsWith('.')) {
        const candidate = `${keyPrefix}${entry.name}`;
        if (candidate.startsWith(prefix) || prefix.startsWith(candidate)) {
          await this.walk(join(dir, entry.name), `${candidate}/`, prefix, out);
        }
      }
    }
  }

  /** Removes now-empty key directories up to (not including) the root. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    for (let d = dir; d !== this.root && d.startsWith(this.root); d = resolve(d, '..')) {
      try {
        await rmdir(d);
      } catch {
        return; // not empty (another key lives here) or already gone
      }
    }
  }

  /** Serialises commits and removals of one key within this process. */
  private async withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.keyLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => current);
    this.keyLocks.set(key, chained);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.keyLocks.get(key) === chained) this.keyLocks.delete(key);
    }
  }
}

async function writeFileDurably(tmp: string, target: string, content: string): Promise<void> {
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, target);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function ignoreMissing(err: unknown): void {
  if (!isMissing(err)) throw err;
}
