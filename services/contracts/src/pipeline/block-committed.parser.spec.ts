import { canonicalBytes, computeBlockHash, type Block } from '@accord/protocol';
import { odrlPolicy, RulesHarness, testMember } from '@accord/rules/testing';
import { BlockEventInvalidError } from '../contracts.errors';
import { blockCommittedMessage } from '../testing/block-events.builder';
import { parseBlockCommitted } from './block-committed.parser';

const a = testMember('dept-a');
const b = testMember('dept-b');

function chain(): RulesHarness {
  const h = RulesHarness.given([a, b]);
  h.register(a, 'roads', { policy: odrlPolicy({ consent: true }) });
  h.register(b, 'permits');
  h.closeBlock();
  return h;
}

/** The event of block `height` as JSON, to tamper with. */
function eventJson(
  h: RulesHarness,
  height: number,
  options: { withConfig?: boolean } = {},
): Record<string, unknown> & { block: Block } {
  return JSON.parse(Buffer.from(blockCommittedMessage(h.blocks[height], height === 0, options).value).toString('utf8'));
}

function failure(value: unknown): BlockEventInvalidError {
  try {
    parseBlockCommitted(
      typeof value === 'string' ? Buffer.from(value) : canonicalBytes(value as Record<string, never>),
    );
  } catch (error) {
    if (error instanceof BlockEventInvalidError) return error;
    throw error;
  }
  throw new Error('expected BlockEventInvalidError');
}

describe('parseBlockCommitted', () => {
  const h = chain();

  it('reads a full event as the ledger encodes it, with or without the configuration', () => {
    const plain = parseBlockCommitted(blockCommittedMessage(h.blocks[1], false).value);
    expect(plain).toEqual({
      kind: 'full',
      channel: 'test-channel',
      block: h.blocks[1].block,
      configChanged: false,
      config: undefined,
    });
    const withConfig = parseBlockCommitted(blockCommittedMessage(h.blocks[0], true, { withConfig: true }).value);
    expect(withConfig).toMatchObject({ kind: 'full', configChanged: true, config: h.blocks[0].config });
  });

  it('reads a header-only event (a block too large for one message)', () => {
    const parsed = parseBlockCommitted(blockCommittedMessage(h.blocks[1], false, { headerOnly: true }).value);
    expect(parsed).toEqual({
      kind: 'header-only',
      channel: 'test-channel',
      header: h.blocks[1].block.header,
      hash: h.blocks[1].block.hash,
      configChanged: false,
      config: undefined,
    });
  });

  it('ignores fields a newer ledger may add', () => {
    expect(parseBlockCommitted(canonicalBytes({ ...eventJson(h, 1), finality: 'soon' })).kind).toBe('full');
  });

  it('refuses records that are not block.committed events, naming no channel', () => {
    expect(failure('not json')).toMatchObject({
      code: 'block_event_invalid',
      channel: null,
      message: 'block.committed record is not JSON',
    });
    expect(failure({ type: 'other' }).channel).toBeNull();
    expect(failure({ ...eventJson(h, 1), channel: 'NOT A CHANNEL' }).channel).toBeNull();
  });

  it('refuses an event whose block does not verify, naming its channel', () => {
    const event = eventJson(h, 1);
    const wrongHash = { ...event, block: { ...event.block, hash: '0'.repeat(64) } };
    expect(failure(wrongHash)).toMatchObject({
      channel: 'test-channel',
      message: 'block.committed test-channel/1: the block hash does not match its header',
    });

    const dropped = { ...event, block: { ...event.block, txs: event.block.txs.slice(1) } };
    expect(failure(dropped).message).toContain('1 txs, the header says 2');

    // Same count, other txs: the txRoot catches it (and the header still hashes right).
    const swapped = { ...event, block: { ...event.block, txs: [event.block.txs[1], event.block.txs[0]] } };
    expect(failure(swapped).message).toContain("the txs do not hash to the header's txRoot");

    const otherChannel = { ...event, channel: 'other' };
    expect(failure(otherChannel).message).toContain('the block is for channel test-channel');

    const ids = { ...event, txIds: [] };
    expect(failure(ids).message).toContain('0 txIds for 2 txs');

    const header = { ...event.block.header, height: 7 };
    const rehashed = { ...event, block: { ...event.block, header, hash: computeBlockHash(header) } };
    expect(parseBlockCommitted(canonicalBytes(rehashed)).kind).toBe('full');
  });

  it('refuses a configuration of another channel', () => {
    const event = eventJson(h, 0, { withConfig: true });
    const config = { ...(event['config'] as Record<string, unknown>), channel: 'other' };
    expect(failure({ ...event, config }).message).toContain('the configuration is for channel other');
  });
});
