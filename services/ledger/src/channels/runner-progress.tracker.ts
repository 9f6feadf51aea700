import type { ChannelRunnerStatus } from '../pipeline/channel.runner';

/** A runner behind the log end that has not read further for this long is reported not ready. */
export const STALL_AFTER_MS = 10_000;

interface Progress {
  readonly readOffset: number;
  readonly since: number;
}

/**
 * Tells, for the `channels` readiness check, which runners are not
 * advancing: retrying after a failure (bus or database down), or behind the
 * log end without reading further for STALL_AFTER_MS. So a ledger whose
 * head stands still after an outage is not reported ready.
 */
export class RunnerProgressTracker {
  private readonly progress = new Map<string, Progress>();

  constructor(private readonly stallAfterMs = STALL_AFTER_MS) {}

  /** Why this runner is not advancing, or undefined. `logEnd`: the tx topic's end offset (undefined if unknown). */
  stallReason(status: ChannelRunnerStatus, logEnd: number | undefined, now: number): string | undefined {
    const last = this.progress.get(status.channel);
    if (last === undefined || last.readOffset !== status.readOffset)
      this.progress.set(status.channel, { readOffset: status.readOffset, since: now });
    if (status.state === 'retrying') return `retrying after: ${status.lastError ?? 'an error'}`;
    const since = this.progress.get(status.channel)?.since ?? now;
    if (logEnd !== undefined && logEnd > status.readOffset && now - since >= this.stallAfterMs)
      return `behind the log end (${status.readOffset} of ${logEnd}) with no progress for ${now - since} ms`;
    return undefined;
  }
}
