import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { FileIdentity } from './file-identity';

/** Name of the resume-state file in the CLI's state directory. */
export const UPLOAD_STATE_FILE = 'uploads.json';

/** What an upload goes to: one gateway, one dataset version of one channel. */
export interface UploadTargetKey {
  /** The storage gateway's base URL. */
  readonly gateway: string;
  readonly channel: string;
  readonly dataset: string;
  readonly version: number;
}

/** An unfinished upload the CLI may resume: where it is on the gateway, and the file it was taking. */
export interface UploadRecord extends UploadTargetKey {
  readonly file: FileIdentity;
  /** The tus upload URL (absolute) the creation answered. */
  readonly uploadUrl: string;
  /** When the upload was created (ms since the epoch). */
  readonly createdAt: number;
}

const fileIdentitySchema = z.object({
  path: z.string().min(1),
  size: z.number().int().positive(),
  mtimeMs: z.number().int(),
  headSha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const uploadRecordSchema = z.object({
  gateway: z.string().min(1),
  channel: z.string().min(1),
  dataset: z.string().min(1),
  version: z.number().int().positive(),
  file: fileIdentitySchema,
  uploadUrl: z.url(),
  createdAt: z.number().int(),
});

const stateSchema = z.object({ v: z.literal(1), uploads: z.array(uploadRecordSchema) });

/**
 * The unfinished uploads of this user, one JSON file (`uploads.json` in the
 * CLI's state directory), so a rerun of `accord upload` after a cut
 * connection, a Ctrl-C or a reboot goes on where the gateway is.
 *
 * A record is keyed by the target (gateway, channel, dataset, version) and
 * the file's absolute path: the same file sent to the same target resumes,
 * anything else starts a new upload. A file that is unreadable or of
 * another shape is treated as empty (it only holds hints: the gateway's
 * HEAD is the truth) and rewritten. Writes go through a temporary file of
 * their own and a rename, so a crash never leaves half a file. Within one
 * process (several uploads at once, e.g. a workload or a script) changes to
 * the same file are applied one after the other, so none is lost; two CLI
 * processes uploading at the same moment may still lose each other's
 * record, which only costs a restart of that upload.
 */
/** The last pending change of each state file in this process (UploadStateStore.change). */
const pendingChanges = new Map<string, Promise<void>>();

export class UploadStateStore {
  constructor(private readonly file: string) {}

  /** The store in a state directory. */
  static in(stateDir: string): UploadStateStore {
    return new UploadStateStore(join(stateDir, UPLOAD_STATE_FILE));
  }

  get path(): string {
    return this.file;
  }

  /** The record of this file and target, if an upload of it was left unfinished. */
  async find(target: UploadTargetKey, path: string): Promise<UploadRecord | undefined> {
    return (await this.load()).find((r) => sameKey(r, target, path));
  }

  /** Adds or replaces the record of its file and target. */
  save(record: UploadRecord): Promise<void> {
    return this.change(async () => {
      const others = (await this.load()).filter((r) => !sameKey(r, record, record.file.path));
      await this.store([...others, record]);
    });
  }

  /** Forgets the record of this file and target (finished, or started over). */
  remove(target: UploadTargetKey, path: string): Promise<void> {
    return this.change(async () => {
      const records = await this.load();
      const kept = records.filter((r) => !sameKey(r, target, path));
      if (kept.length !== records.length) await this.store(kept);
    });
  }

  /** Every record (oldest first). */
  async list(): Promise<UploadRecord[]> {
    return this.load();
  }

  private async load(): Promise<UploadRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const parsed = stateSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.uploads : [];
    } catch {
      return [];
    }
  }

  /** Runs a read-modify-write of the file after every earlier one of this process on the same file. */
  private change(update: () => Promise<void>): Promise<void> {
    const done = (pendingChanges.get(this.file) ?? Promise.resolve()).then(update);
    const settled = done.catch(() => undefined);
    pendingChanges.set(this.file, settled);
    void settled.then(() => {
      if (pendingChanges.get(this.file) === settled) pendingChanges.delete(this.file);
    });
    return done;
  }

  private async store(uploads: readonly UploadRecord[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ v: 1, uploads }, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

function sameKey(record: UploadRecord, target: UploadTargetKey, path: string): boolean {
  return (
    record.gateway === target.gateway &&
    record.channel === target.channel &&
    record.dataset === target.dataset &&
    record.version === target.version &&
    record.file.path === path
  );
}
