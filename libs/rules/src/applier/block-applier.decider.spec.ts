import type { ClosedBlock } from '@accord/ledger-core';
import { RulesHarness, testMember } from '../testing/rules.harness';
import { applyBlockRecords, decideBlockRecord } from './block-applier.decider';
import type { AppliedChannels, BlockApplierEvent, BlockRecordCommand } from './block-applier.events';
import { evolveAppliedChannels } from './block-applier.evolver';

// The block applier on its own, as in oskardudycz/EventSourcing.NodeJS:
// Given(events) / When(record) / Then(events), over blocks a real ledger
// core and rule engine produced (RulesHarness); no database, no mocks.
const a = testMember('dept-a');
const b = testMember('dept-b');
const CHANNEL = 'test-channel';
const TOPIC = 'accord.dept.dept-a.blocks';
const AT = '2026-01-01T00:00:00.000Z';

/** Genesis, then a block with a registration, then one with another. */
function chain(): RulesHarness {
  const h = RulesHarness.given([a, b]);
  h.register(a, 'roads');
  h.closeBlock();
  h.register(b, 'permits');
  h.closeBlock();
  return h;
}

/** The block.applied event the engine produced for height `height` of the chain. */
function appliedAt(h: RulesHarness, height: number): BlockApplierEvent {
  const closed = h.blocks[height];
  return {
    type: 'block.applied',
    channel: CHANNEL,
    block: closed.block,
    config: closed.config,
    result: h.results[height],
  };
}

function given(...events: BlockApplierEvent[]): AppliedChannels {
  return events.reduce(evolveAppliedChannels, new Map() as AppliedChannels);
}

/** A full block.committed record of a closed block that carries its configuration. */
function committed(
  closed: ClosedBlock,
  changes: Partial<Extract<BlockRecordCommand, { type: 'block.received' }>> = {},
): BlockRecordCommand {
  return {
    type: 'block.received',
    topic: TOPIC,
    offset: closed.block.header.height,
    channel: closed.block.header.channel,
    header: closed.block.header,
    hash: closed.block.hash,
    block: closed.block,
    configChanged: false,
    config: closed.config,
    fetchedConfig: undefined,
    problem: undefined,
    storedHash: undefined,
    at: AT,
    ...changes,
  };
}

function when(channels: AppliedChannels, command: BlockRecordCommand): BlockApplierEvent[] {
  return decideBlockRecord(command, channels);
}

describe('decideBlockRecord / evolveAppliedChannels', () => {
  it('Given nothing, When block 0 arrives, Then it is applied with the engine result; evolving moves the head', () => {
    const h = chain();
    const events = when(given(), committed(h.blocks[0]));
    expect(events).toEqual([appliedAt(h, 0)]);
    const channel = given(...events).get(CHANNEL);
    expect(channel?.head).toMatchObject({
      height: 0,
      blockHash: h.blocks[0].block.hash,
      digest: h.results[0].digest,
      config: h.blocks[0].config,
      halted: null,
    });
    expect(channel?.state).toEqual(h.results[0].state);
  });

  it('Given block 0, When block 2 arrives, Then the channel halts at 1 for the height gap, naming the topic', () => {
    const h = chain();
    const [event] = when(given(appliedAt(h, 0)), committed(h.blocks[2]));
    expect(event).toEqual({
      type: 'channel.halted',
      channel: CHANNEL,
      halt: { height: 1, code: 'height_gap', message: expect.stringContaining('expected block 1'), at: AT },
    });
    if (event.type !== 'channel.halted') throw new Error('not a halt');
    expect(event.halt.message).toContain(TOPIC);
  });

  it('Given a halted channel, When the missing block arrives, Then nothing happens: a halted channel applies nothing', () => {
    const h = chain();
    const halted = given(appliedAt(h, 0), ...when(given(appliedAt(h, 0)), committed(h.blocks[2])));
    expect(when(halted, committed(h.blocks[1]))).toEqual([]);
    expect(
      when(halted, { type: 'record.invalid', offset: 9, channel: CHANNEL, code: 'x', message: 'x', at: AT }),
    ).toEqual([]);
  });

  it('Given blocks 0..2, When the head or a block applied since the load is redelivered, Then it is skipped as a duplicate', () => {
    const h = chain();
    const channels = given(appliedAt(h, 0), appliedAt(h, 1), appliedAt(h, 2));
    expect(when(channels, committed(h.blocks[2]))).toEqual([{ type: 'block.duplicate', channel: CHANNEL, height: 2 }]);
    expect(when(channels, committed(h.blocks[1]))).toEqual([{ type: 'block.duplicate', channel: CHANNEL, height: 1 }]);
  });

  it('Given a channel loaded at height 2, When block 1 is replayed with the hash the store holds, Then it is skipped', () => {
    const h = chain();
    // As the service loads it: head and state from the store, no hashes applied since.
    const loaded = given(appliedAt(h, 0), appliedAt(h, 1), appliedAt(h, 2)).get(CHANNEL)!;
    const fresh: AppliedChannels = new Map([[CHANNEL, { ...loaded, applied: new Map() }]]);
    const replay = committed(h.blocks[1], { storedHash: h.blocks[1].block.hash });
    expect(when(fresh, replay)).toEqual([{ type: 'block.duplicate', channel: CHANNEL, height: 1 }]);
    const [unknown] = when(fresh, committed(h.blocks[1]));
    expect(unknown).toMatchObject({ type: 'channel.halted', halt: { height: 1, code: 'block_divergence' } });
  });

  it('Given blocks 0..1, When another block 1 arrives, Then the channel halts for the divergence', () => {
    const h = chain();
    const fork = RulesHarness.given([a, b]);
    fork.register(b, 'forked');
    fork.closeBlock();
    const [event] = when(given(appliedAt(h, 0), appliedAt(h, 1)), committed(fork.blocks[1]));
    expect(event).toMatchObject({ type: 'channel.halted', halt: { height: 1, code: 'block_divergence' } });
    if (event.type !== 'channel.halted') throw new Error('not a halt');
    expect(event.halt.message).toBe(
      `block 1 was applied with hash ${h.blocks[1].block.hash}; a later event carries hash ${fork.blocks[1].block.hash}`,
    );
  });

  it('Given blocks 0..1, When block 2 of a fork arrives, Then the channel halts: the hash link is broken', () => {
    const h = chain();
    const fork = RulesHarness.given([a, b]);
    fork.register(b, 'forked');
    fork.closeBlock();
    fork.register(a, 'later');
    fork.closeBlock();
    const [event] = when(given(appliedAt(h, 0), appliedAt(h, 1)), committed(fork.blocks[2]));
    expect(event).toMatchObject({ type: 'channel.halted', halt: { height: 2, code: 'chain_broken' } });
  });

  it('Given block 0, When block 1 came without txs the reader could fetch, Then the channel halts with the fetch problem', () => {
    const h = chain();
    const problem = { code: 'block_unavailable', message: 'ACCORD_LEDGER_URL is not set' };
    expect(when(given(appliedAt(h, 0)), committed(h.blocks[1], { block: undefined, problem }))).toEqual([
      { type: 'channel.halted', channel: CHANNEL, halt: { height: 1, ...problem, at: AT } },
    ]);
    expect(when(given(appliedAt(h, 0)), committed(h.blocks[1], { block: undefined }))).toEqual([
      {
        type: 'channel.halted',
        channel: CHANNEL,
        halt: { height: 1, code: 'block_unavailable', message: 'block 1 came without its txs', at: AT },
      },
    ]);
  });

  it('Given nothing, When the genesis changes the configuration without carrying it, Then it applies only with a fetched one', () => {
    const h = chain();
    const bare = { config: undefined, configChanged: true } as const;
    const [halt] = when(given(), committed(h.blocks[0], bare));
    expect(halt).toMatchObject({ type: 'channel.halted', halt: { height: 0, code: 'config_unavailable' } });
    expect(when(given(), committed(h.blocks[0], { ...bare, fetchedConfig: h.blocks[0].config! }))).toEqual([
      appliedAt(h, 0),
    ]);
  });

  it('Given block 0, When block 1 does not change the configuration nor carry it, Then it applies with the head configuration', () => {
    const h = chain();
    expect(when(given(appliedAt(h, 0)), committed(h.blocks[1], { config: undefined }))).toEqual([appliedAt(h, 1)]);
  });

  it('Given block 0, When the rule engine refuses block 1, Then the channel halts with its code', () => {
    const h = chain();
    const other = new RulesHarness([a, b]);
    other.closeBlock();
    const wrongConfig = { ...other.blocks[0].config!, channel: 'other-channel' };
    const [event] = when(given(appliedAt(h, 0)), committed(h.blocks[1], { config: wrongConfig }));
    expect(event).toMatchObject({ type: 'channel.halted', halt: { height: 1, code: 'config.invalid' } });
  });

  it('Given block 0, When a record of the channel does not verify, Then the channel halts at the next height, naming the offset', () => {
    const h = chain();
    const invalid: BlockRecordCommand = {
      type: 'record.invalid',
      offset: 7,
      channel: CHANNEL,
      code: 'block_event_invalid',
      message: 'block.committed test-channel/1: 1 txs, the header says 2',
      at: AT,
    };
    expect(when(given(appliedAt(h, 0)), invalid)).toEqual([
      {
        type: 'channel.halted',
        channel: CHANNEL,
        halt: {
          height: 1,
          code: 'block_event_invalid',
          message: 'block.committed test-channel/1: 1 txs, the header says 2 (offset 7)',
          at: AT,
        },
      },
    ]);
  });

  it('When a record names no channel, Then it is skipped and no channel changes', () => {
    const command: BlockRecordCommand = {
      type: 'record.invalid',
      offset: 3,
      channel: null,
      code: 'block_event_invalid',
      message: 'block.committed record is not JSON',
      at: AT,
    };
    const events = when(given(), command);
    expect(events).toEqual([{ type: 'record.skipped', offset: 3, message: 'block.committed record is not JSON' }]);
    expect(given(...events).size).toBe(0);
  });

  it('applyBlockRecords folds a run in log order: applies, skips a replay, halts at a gap and ignores what follows', () => {
    const h = chain();
    const { events, channels } = applyBlockRecords(new Map(), [
      committed(h.blocks[0]),
      committed(h.blocks[0]),
      committed(h.blocks[2]),
      committed(h.blocks[1]),
    ]);
    expect(events.map((e) => e.type)).toEqual(['block.applied', 'block.duplicate', 'channel.halted']);
    expect(channels.get(CHANNEL)?.head).toMatchObject({ height: 0, halted: { height: 1, code: 'height_gap' } });
  });

  it('evolve never modifies its input', () => {
    const h = chain();
    const before = given(appliedAt(h, 0));
    const snapshot = structuredClone([...before.entries()]);
    const after = evolveAppliedChannels(before, appliedAt(h, 1));
    expect([...before.entries()]).toEqual(snapshot);
    expect(after.get(CHANNEL)?.head.height).toBe(1);
    expect(before.get(CHANNEL)?.head.height).toBe(0);
  });
});
