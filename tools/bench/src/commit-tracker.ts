/**
 * Learns when txs are committed, from the departments' block.committed
 * events (blocksTopic(department), docs/events.md): the same events
 * the other services consume. A tx counts as committed when EVERY tracked
 * department's event for its block has arrived; its latency runs from its
 * send time (the scheduled one, for paced runs: no coordinated omission)
 * to that moment.
 */
import { performance } from 'node:perf_hooks';
import type { EventBus, LogMessage, Subscription } from '@accord/event-bus';
import {
  BLOCK_COMMITTED,
  blockCommittedTxIdsSchema,
  blocksTopic,
  decodeEvent,
  type BlockCommittedTxIds,
} from '@accord/events';
import { DeadLetterPublisher } from '@accord/service-kit';

/** The tracker's name as a consumer: its dead letters go to deadLetterTopic(department, 'bench'). */
export const TRACKER_CONSUMER = 'bench';

interface Pending {
  readonly sentAt: number;
  /** Bit per department that committed it. */
  seen: number;
  /** Local time the first department committed it. */
  firstAt: number;
}

export interface TrackedOutcome {
  /** Commit latency at all departments, ms, in commit order. */
  readonly latencies: number[];
  /** Latency until the first department committed, ms. */
  readonly firstLatencies: number[];
  /** Local time the last tracked tx was committed everywhere. */
  readonly lastCommitAt: number;
  /** Validity codes other than `valid` among the tracked txs (should be none). */
  readonly invalid: ReadonlyMap<string, number>;
}

export class CommitTracker {
  private readonly pending = new Map<string, Pending>();
  private readonly subscriptions: Subscription[] = [];
  private latencies: number[] = [];
  private firstLatencies: number[] = [];
  private invalid = new Map<string, number>();
  private lastCommitAt = 0;
  private waiter: (() => void) | undefined;
  private readonly all: number;
  private readonly deadLetters: DeadLetterPublisher[];
  /** Records of the blocks topics that failed the block.committed schema (should stay 0; each is logged). */
  unreadable = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly departments: readonly string[],
    private readonly groupPrefix: string,
  ) {
    this.all = (1 << departments.length) - 1;
    const log = { error: (_: Record<string, unknown>, message: string) => console.error(`commit tracker: ${message}`) };
    this.deadLetters = departments.map(
      (department) => new DeadLetterPublisher({ bus, department, consumer: TRACKER_CONSUMER, log }),
    );
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.departments.length; i++) {
      const topic = blocksTopic(this.departments[i]);
      await this.bus.ensureTopic(topic);
      this.subscriptions.push(
        await this.bus.subscribe({
          topic,
          groupId: `${this.groupPrefix}-${i}`,
          fromIfNoCommit: 'earliest',
          maxBatchSize: 1000,
          handler: async (batch) => this.onBatch(i, batch),
        }),
      );
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.stop()));
  }

  /** Starts tracking a tx sent (or scheduled) at local time `sentAt` (performance.now()). */
  expect(txId: string, sentAt: number): void {
    this.pending.set(txId, { sentAt, seen: 0, firstAt: 0 });
  }

  /** Forgets every tracked tx (after a run that was given up). */
  reset(): void {
    this.pending.clear();
    this.latencies = [];
    this.firstLatencies = [];
    this.invalid = new Map();
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** Waits until every tracked tx is committed everywhere, then returns and resets the results. */
  async drain(timeoutMs: number, what: string): Promise<TrackedOutcome> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(
          `${what}: ${this.pending.size} txs still not committed by every department after ${Math.round(timeoutMs / 1000)} s`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    const outcome: TrackedOutcome = {
      latencies: this.latencies,
      firstLatencies: this.firstLatencies,
      lastCommitAt: this.lastCommitAt,
      invalid: this.invalid,
    };
    this.latencies = [];
    this.firstLatencies = [];
    this.invalid = new Map();
    return outcome;
  }

  private async onBatch(department: number, batch: readonly LogMessage[]): Promise<void> {
    const now = performance.now();
    const bit = 1 << department;
    for (const message of batch) {
      // The txIds projection of the block.committed schema: the bench reads only txIds and codes.
      const decoded = decodeEvent(blockCommittedTxIdsSchema, message.value, BLOCK_COMMITTED);
      if (!decoded.ok) {
        this.unreadable++;
        await this.deadLetters[department].park([{ message, reason: decoded.failure }]);
        continue;
      }
      const event: BlockCommittedTxIds = decoded.event;
      event.txIds.forEach((txId, index) => {
        if (txId === null) return;
        const p = this.pending.get(txId);
        if (p === undefined || (p.seen & bit) !== 0) return;
        if (p.seen === 0) {
          p.firstAt = now;
          const code = event.block.txs?.[index]?.code;
          if (code !== undefined && code !== 'valid') this.invalid.set(code, (this.invalid.get(code) ?? 0) + 1);
        }
        p.seen |= bit;
        if (p.seen === this.all) {
          this.latencies.push(now - p.sentAt);
          this.firstLatencies.push(p.firstAt - p.sentAt);
          this.lastCommitAt = now;
          this.pending.delete(txId);
        }
      });
    }
    if (this.pending.size === 0) this.waiter?.();
  }
}
