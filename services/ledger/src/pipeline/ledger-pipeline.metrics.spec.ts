import type { ChannelRunnerStatus } from './channel.runner';
import { runnerBacklog } from './ledger-pipeline.metrics';

function status(overrides: Partial<ChannelRunnerStatus>): ChannelRunnerStatus {
  return {
    channel: 'alliance',
    state: 'running',
    head: { height: 4, hash: 'ab'.repeat(32) },
    committedOffset: 10,
    readOffset: 10,
    openBlock: null,
    pendingBlocks: 0,
    atEndOfLog: true,
    lastError: null,
    ...overrides,
  };
}

describe('runnerBacklog', () => {
  it('reports an idle runner at the log end as holding nothing back', () => {
    expect(runnerBacklog(status({}))).toEqual({ channel: 'alliance', openBlockTxs: 0, atLogEnd: 1 });
  });

  it("counts the open block's txs and reports a runner behind the log end", () => {
    const openBlock = { height: 5, firstOffset: 10, lastOffset: 12, txCount: 3, bytes: 900 };
    expect(runnerBacklog(status({ openBlock, readOffset: 13, atEndOfLog: false }))).toEqual({
      channel: 'alliance',
      openBlockTxs: 3,
      atLogEnd: 0,
    });
  });
});
