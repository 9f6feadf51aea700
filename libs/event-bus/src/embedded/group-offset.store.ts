import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LogCorruptedError } from '../event-bus.errors';
import { fsyncDirectory, isErrnoException, writeFileAtomic } from './durable-file.util';

/**
 * Committed consumer-group offsets of one topic: one small JSON file per group
 * (`groups/<groupId>.offset`, content `{"offset":N}`), replaced atomically.
 * The stored offset is the next one to deliver.
 */
export class GroupOffsetStore {
  private readonly dir: string;
  private dirReady: Promise<void> | undefined;

  constructor(topicDir: string) {
    this.dir = join(topicDir, 'groups');
  }

  async load(groupId: string): Promise<number | undefined> {
    const path = this.path(groupId);
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (error) {
      if (isErrnoException(error, 'ENOENT')) return undefined;
      throw error;
    }
    let offset: unknown;
    try {
      offset = (JSON.parse(content) as { offset?: unknown }).offset;
    } catch {
      offset = undefined;
    }
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      throw new LogCorruptedError(
        `committed offset file ${path} is unreadable: ${JSON.stringify(content.slice(0, 80))}`,
      );
    }
    return offset;
  }

  async commit(groupId: string, nextOffset: number): Promise<void> {
    this.dirReady ??= this.createDir().catch((error: unknown) => {
      this.dirReady = undefined;
      throw error;
    });
    await this.dirReady;
    await writeFileAtomic(this.path(groupId), `${JSON.stringify({ offset: nextOffset })}\n`);
  }

  private async createDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await fsyncDirectory(join(this.dir, '..'));
  }

  private path(groupId: string): string {
    return join(this.dir, `${groupId}.offset`);
  }
}
