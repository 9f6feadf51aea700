import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../launcher/department-files';
import { readApiTokenFile, readApiTokenFileSync, type ApiTokenFileVersion } from './api-token-file';
import { formatApiTokenList, type ApiTokenEntry } from './api-token.model';
import { ApiTokenStoreInvalidError } from './api-token.errors';
import type { ApiTokenChange, ApiTokenStore } from './api-token-store.port';

/** How often, at most, the file is checked for changes: a revoked token stops working within about this long. */
export const API_TOKEN_FILE_CHECK_INTERVAL_MS = 1000;

export interface FileApiTokenStoreOptions {
  /** Where a file that turned invalid is reported. */
  readonly log?: Logger;
  readonly checkIntervalMs?: number;
  /** Monotonic milliseconds (default performance.now); tests pass a fake to step time. */
  readonly elapsedMs?: () => number;
}

interface Snapshot {
  readonly entries: readonly ApiTokenEntry[];
  readonly version: ApiTokenFileVersion;
}

/**
 * The department's token store file (ACCORD_API_TOKENS_FILE), shared by
 * every service of the department: each re-reads it when its inode, size or
 * time changes, checked at most once per `checkIntervalMs`, so a token made
 * or revoked by one service counts in all of them within about a second, no
 * restart. A file that turns invalid (or vanishes) later keeps the last good
 * entries in force and is reported once per bad version: a typo in a hand
 * edit must neither let everyone in nor lock everyone out.
 *
 * Writes go through `update()`: serialized in this process, re-read from
 * disk first (so edits by other processes are not lost), written
 * atomically with mode 0600, and each change appended to `<file>.log`.
 */
export class FileApiTokenStore implements ApiTokenStore {
  private snapshot: Snapshot;
  private lastCheck: number;
  private checking: Promise<void> | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  /** The bad version last reported, so one broken file is logged once, not every second. */
  private reportedInvalid: ApiTokenFileVersion | null | undefined;
  private readonly checkIntervalMs: number;
  private readonly elapsedMs: () => number;

  private constructor(
    readonly source: string,
    initial: Snapshot,
    private readonly options: FileApiTokenStoreOptions,
  ) {
    this.snapshot = initial;
    this.checkIntervalMs = options.checkIntervalMs ?? API_TOKEN_FILE_CHECK_INTERVAL_MS;
    this.elapsedMs = options.elapsedMs ?? (() => performance.now());
    this.lastCheck = this.elapsedMs();
  }

  /** Opens the store at start; a missing or invalid file throws `token_store_invalid` naming the file. */
  static open(path: string, options: FileApiTokenStoreOptions = {}): FileApiTokenStore {
    const read = readApiTokenFileSync(path);
    if (read.kind !== 'loaded') {
      throw new ApiTokenStoreInvalidError(path, read.kind === 'invalid' ? read.problems : ['could not be read']);
    }
    return new FileApiTokenStore(path, { entries: read.entries, version: read.version }, options);
  }

  /** The path of the change log next to the store. */
  get changeLog(): string {
    return `${this.source}.log`;
  }

  async current(): Promise<readonly ApiTokenEntry[]> {
    if (this.elapsedMs() - this.lastCheck >= this.checkIntervalMs) {
      // Concurrent requests share one check rather than each reading the file.
      this.checking ??= this.refresh().finally(() => (this.checking = undefined));
      await this.checking;
    }
    return this.snapshot.entries;
  }

  update<T extends ApiTokenChange>(decide: (entries: readonly ApiTokenEntry[]) => T): Promise<T> {
    const run = this.writes.then(() => this.apply(decide));
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async refresh(): Promise<void> {
    this.lastCheck = this.elapsedMs();
    const read = await readApiTokenFile(this.source, this.snapshot.version);
    if (read.kind === 'unchanged') return;
    if (read.kind === 'loaded') {
      this.snapshot = { entries: read.entries, version: read.version };
      this.reportedInvalid = undefined;
      this.options.log?.info({ tokenStore: this.source, tokens: read.entries.length }, 'API token store reloaded');
      return;
    }
    if (this.reportedInvalid === read.version) return;
    this.reportedInvalid = read.version;
    this.options.log?.error(
      { tokenStore: this.source, problems: read.problems, tokens: this.snapshot.entries.length },
      'API token store is invalid: keeping the last valid tokens until it is fixed',
    );
  }

  private async apply<T extends ApiTokenChange>(decide: (entries: readonly ApiTokenEntry[]) => T): Promise<T> {
    const fresh = await readApiTokenFile(this.source);
    if (fresh.kind !== 'loaded') {
      throw new ApiTokenStoreInvalidError(this.source, fresh.kind === 'invalid' ? fresh.problems : []);
    }
    const change = decide(fresh.entries);
    await writeFileAtomic(this.source, formatApiTokenList(change.entries), 0o600);
    const written = await readApiTokenFile(this.source);
    if (written.kind === 'loaded') this.snapshot = { entries: written.entries, version: written.version };
    else this.snapshot = { ...this.snapshot, entries: change.entries };
    this.lastCheck = this.elapsedMs();
    await appendFile(this.changeLog, `${JSON.stringify(change.record)}\n`, { mode: 0o600 });
    return change;
  }
}
