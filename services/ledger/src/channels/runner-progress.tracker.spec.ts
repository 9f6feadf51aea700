import type { ChannelRunnerStatus } from '../pipeline/channel.runner';
import { RunnerProgressTracker } from './runner-progress.tracker';

const status = (readOffset: number, state: ChannelRunnerStatus['state'] = 'running', lastError: string | null = null) =>
  ({ channel: 'c', state, readOffset, lastError }) as ChannelRunnerStatus;

describe('RunnerProgressTracker', () => {
  it('Given a runner behind the log end, When it reads nothing for the stall time, Then it is not advancing until it reads again', () => {
    const tracker = new RunnerProgressTracker(10_000);
    expect(tracker.stallReason(status(5), 9, 0)).toBeUndefined();
    expect(tracker.stallReason(status(5), 9, 9_999)).toBeUndefined();
    expect(tracker.stallReason(status(5), 9, 10_000)).toMatch(
      /behind the log end \(5 of 9\) with no progress for 10000 ms/,
    );
    expect(tracker.stallReason(status(7), 9, 10_001)).toBeUndefined();
  });

  it('Given a runner at the log end, Then an idle log is not a stall', () => {
    const tracker = new RunnerProgressTracker(10_000);
    expect(tracker.stallReason(status(9), 9, 0)).toBeUndefined();
    expect(tracker.stallReason(status(9), 9, 60_000)).toBeUndefined();
    expect(tracker.stallReason(status(9), undefined, 120_000)).toBeUndefined();
  });

  it('Given a runner retrying after a failure, Then it is not advancing, with the failure', () => {
    const tracker = new RunnerProgressTracker(10_000);
    expect(tracker.stallReason(status(3, 'retrying', 'kafka read failed: connection refused'), undefined, 0)).toBe(
      'retrying after: kafka read failed: connection refused',
    );
  });
});
