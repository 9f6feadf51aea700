import { execFile } from 'node:child_process';
import { mkdir, open, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FILLER = '.disk-filler';
const FILL_CHUNK_BYTES = 4096;

/**
 * A small tmpfs mounted for one test, to make a real disk full (ENOSPC) or
 * read-only (EROFS) under the embedded log. Needs root (or CAP_SYS_ADMIN):
 * a `mount` that is refused fails the test with that reason, it never skips.
 */
export class TmpfsDisk {
  private constructor(readonly dir: string) {}

  /** Mounts a tmpfs of `sizeBytes` on `dir` (created if missing). */
  static async mount(dir: string, sizeBytes: number): Promise<TmpfsDisk> {
    await mkdir(dir, { recursive: true });
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
    } catch (error) {
      throw new Error(
        `this test needs to mount a tmpfs (run it as root or with CAP_SYS_ADMIN): mount -t tmpfs on ${dir} failed: ${stderrOf(error)}`,
      );
    }
    return new TmpfsDisk(dir);
  }

  /**
   * Fills the disk up to the last byte with a filler file (page by page
   * until the file system says ENOSPC), then gives `leaveBytes` back, so a
   * write bigger than that stops short. Returns the filler's size.
   */
  async fill(leaveBytes = 0): Promise<number> {
    const handle = await open(join(this.dir, FILLER), 'a');
    const page = Buffer.alloc(FILL_CHUNK_BYTES, 0x5a);
    let written = 0;
    try {
      for (;;) {
        const { bytesWritten } = await handle.write(page, 0, page.length);
        written += bytesWritten;
        if (bytesWritten < page.length) break;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      await handle.close();
    }
    if (leaveBytes > 0) await truncate(join(this.dir, FILLER), Math.max(0, written - leaveBytes));
    return Math.max(0, written - leaveBytes);
  }

  /** Removes the filler: the disk has room again. */
  async free(): Promise<void> {
    await rm(join(this.dir, FILLER), { force: true });
  }

  /**
   * Remounts read-only or writable. The kernel refuses `ro` (EBUSY) while a
   * file on the disk is open for writing, so it is retried for a while (an
   * offset file being replaced closes in milliseconds); a log that keeps
   * its active segment open makes it fail with the kernel's reason.
   */
  async remount(mode: 'ro' | 'rw', timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await run('mount', ['-o', `remount,${mode}`, this.dir]);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`mount -o remount,${mode} ${this.dir} failed: ${stderrOf(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Unmounts (lazily if something still holds a file there) and removes the mount point. */
  async unmount(): Promise<void> {
    await run('umount', [this.dir]).catch(() => run('umount', ['-l', this.dir]));
    await rm(this.dir, { recursive: true, force: true });
  }
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : (error as Error).message;
}
