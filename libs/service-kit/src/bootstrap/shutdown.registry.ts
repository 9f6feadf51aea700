/**
 * Resources a service opened, closed in a fixed order on shutdown: first
 * what feeds work in (bus), then stores (object store, database). Nest runs
 * module shutdown hooks in module-graph order, which says nothing about
 * dependencies between sibling modules, so infra modules register here and
 * the kit closes them explicitly. Also used to clean up after a failed start.
 */
export const CLOSE_ORDER = { bus: 10, objectStore: 20, database: 30 } as const;

interface Entry {
  readonly name: string;
  readonly order: number;
  readonly close: () => Promise<void>;
}

export class ShutdownRegistry {
  private readonly entries: Entry[] = [];
  private closing: Promise<readonly { name: string; error: unknown }[]> | undefined;

  register(name: string, order: number, close: () => Promise<void>): void {
    this.entries.push({ name, order, close });
  }

  /** Closes everything once (later calls await the same run); returns failures instead of stopping at the first. */
  closeAll(): Promise<readonly { name: string; error: unknown }[]> {
    this.closing ??= (async () => {
      const failures: { name: string; error: unknown }[] = [];
      const ordered = [...this.entries].sort((a, b) => a.order - b.order);
      for (const entry of ordered) {
        try {
          await entry.close();
        } catch (error) {
          failures.push({ name: entry.name, error });
        }
      }
      return failures;
    })();
    return this.closing;
  }
}
