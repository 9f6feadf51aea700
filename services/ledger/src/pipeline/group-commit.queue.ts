export interface GroupCommitOptions {
  /** At most this many items per commit. */
  readonly groupSize: number;
  /** Items waiting (not counting the commit in flight) at which the producer should pause. */
  readonly maxPending: number;
}

/**
 * Closed blocks waiting for their database commit (docs/ledger-service.md
 * "Pipeline"): one commit in flight at a time, each of the oldest
 * `groupSize` items, started as soon as the one before finishes, so the
 * producer goes on building blocks while the database works. The first
 * failure stops committing; the producer sees it through throwIfFailed().
 * `onPending` is told the number of waiting items after each push() round
 * (kick) and each finished commit.
 */
export class GroupCommitQueue<T> {
  private readonly pending: T[] = [];
  private inflight: Promise<void> | undefined;
  private error: unknown;

  constructor(
    private readonly commit: (group: readonly T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
    private readonly onPending: (count: number) => void = () => undefined,
  ) {}

  /** Adds an item; it waits for the next kick(). */
  push(item: T): void {
    this.pending.push(item);
  }

  /** Reports the waiting items and starts a commit unless one is in flight, nothing waits, or one failed. */
  kick(): void {
    this.onPending(this.pending.length);
    this.startNext();
  }

  /** The error of the failed commit, if any (no later commit starts). */
  get failure(): unknown {
    return this.error;
  }

  throwIfFailed(): void {
    if (this.error !== undefined) throw this.error;
  }

  /** Backpressure: waits for the commit in flight when `maxPending` items wait; true when it waited. */
  async waitWhileFull(): Promise<boolean> {
    if (this.pending.length < this.options.maxPending || this.inflight === undefined) return false;
    await this.inflight;
    return true;
  }

  /** Waits until no commit is in flight (a failed one stops the chain; pending items stay). */
  async drain(): Promise<void> {
    while (this.inflight !== undefined) await this.inflight;
  }

  private startNext(): void {
    if (this.inflight !== undefined || this.pending.length === 0 || this.error !== undefined) return;
    const group = this.pending.splice(0, this.options.groupSize);
    this.inflight = this.commit(group)
      .catch((error: unknown) => {
        this.error = error;
      })
      .finally(() => {
        this.inflight = undefined;
        this.onPending(this.pending.length);
        this.startNext();
      });
  }
}
