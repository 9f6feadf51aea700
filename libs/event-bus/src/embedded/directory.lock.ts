import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LogLockedError } from '../event-bus.errors';
import type { EventBusLogger } from '../event-bus.logger';
import { fsyncDirectory, isErrnoException } from './durable-file.util';

const LOCK_FILE = 'LOCK';
const MAX_ATTEMPTS = 5;

/**
 * Single-writer lock on a log directory: a LOCK file created exclusively
 * (O_EXCL) holding the owner's pid. A lock whose pid is no longer alive (the
 * owner crashed) is stale and taken over. The pid check cannot tell a reused
 * pid from the owner; the error then names the pid so an operator can decide.
 */
export class DirectoryLock {
  private released = false;

  private constructor(
    private readonly path: string,
    private readonly token: string,
  ) {}

  static async acquire(dataDir: string, logger: EventBusLogger): Promise<DirectoryLock> {
    const path = join(dataDir, LOCK_FILE);
    const token = `${process.pid}\n`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        const handle = await open(path, 'wx', 0o644);
        try {
          await handle.writeFile(token);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fsyncDirectory(dataDir);
        return new DirectoryLock(path, token);
      } catch (error) {
        if (!isErrnoException(error, 'EEXIST')) throw error;
      }
      const holder = await readHolder(path);
      if (holder === undefined) continue; // vanished meanwhile: try again
      if (holder.pid !== undefined && isProcessAlive(holder.pid)) {
        throw new LogLockedError(dataDir, holder.pid);
      }
      if (holder.pid === undefined && Date.now() - holder.mtimeMs < 2000) {
        // An empty LOCK this young is probably being written by a starting process.
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      logger.warn('taking over a stale embedded log lock', { lockFile: path, stalePid: holder.pid ?? null });
      // Rename first so that only one of several racing processes removes it.
      const aside = `${path}.stale-${process.pid}-${attempt}`;
      try {
        await rename(path, aside);
        await unlink(aside);
      } catch (error) {
        if (!isErrnoException(error, 'ENOENT')) throw error;
      }
    }
    const holder = await readHolder(path);
    throw new LogLockedError(dataDir, holder?.pid ?? -1);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // Only remove the file if it is still ours (an operator may have removed it).
    const content = await readFile(this.path, 'utf8').catch(() => undefined);
    if (content === this.token) await unlink(this.path).catch(() => undefined);
  }
}

async function readHolder(path: string): Promise<{ pid: number | undefined; mtimeMs: number } | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isErrnoException(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const [content, stat] = await Promise.all([handle.readFile('utf8'), handle.stat()]);
    const trimmed = content.trim();
    const pid = /^[1-9][0-9]*$/.test(trimmed) ? Number(trimmed) : undefined;
    return { pid, mtimeMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isErrnoException(error, 'EPERM');
  }
}
