import { BlockBuilder, prepareRecord, type PreparedRecord } from '@accord/ledger-core';
import { testMember, TestLog } from '@accord/ledger-core/testing';
import { FakeClock } from '@accord/service-kit/testing';
import { BlockAssembler, type PendingBlock } from './block.assembler';

const a = testMember('dept-a');
const b = testMember('dept-b');
const c = testMember('dept-c');
const CHANNEL = 'test-channel';

function assemble(l: TestLog): PendingBlock[] {
  const builder = new BlockBuilder(BlockBuilder.initialSnapshot(CHANNEL));
  const assembler = new BlockAssembler(null, new FakeClock(100, { stepMs: 1 }));
  const pending: PendingBlock[] = [];
  for (const record of l.records.map((r): PreparedRecord => prepareRecord(r))) {
    const closed = assembler.feed(builder, record);
    if (closed !== undefined) pending.push(closed);
  }
  return pending;
}

describe('BlockAssembler', () => {
  it('hands over each closed block with the tx records it holds (no cut markers), stamped with the local clock', () => {
    const l = new TestLog(CHANNEL);
    const genesis = l.genesis(a, 'alliance', [a, b]);
    l.cut(0);
    const first = l.tx(a);
    const second = l.tx(b);
    l.cut(1);
    const [block0, block1] = assemble(l);
    expect(block0.item.records.map((r) => r.offset)).toEqual([genesis.offset]);
    expect(block1.item.records.map((r) => r.offset)).toEqual([first.offset, second.offset]);
    expect(block1.item.records[0].value).toBe(l.records[first.offset].value);
    expect([block0.closedAt, block1.closedAt]).toEqual([100, 101]);
    expect(block1.item.closed.block.header.height).toBe(1);
  });

  it('marks a block whose configuration differs from the one after the block before', () => {
    const l = new TestLog(CHANNEL);
    l.genesis(a, 'alliance', [a, b], { policy: { votingWindowBlocks: 50 } });
    l.cut(0);
    l.tx(a);
    l.cut(1);
    const join = l.joinRequest(c);
    l.joinVote(a, join.txId, true);
    l.joinVote(b, join.txId, true);
    l.cut(2);
    l.tx(c);
    l.cut(3);
    expect(assemble(l).map((p) => p.item.configChanged)).toEqual([true, false, true, false]);
  });
});
