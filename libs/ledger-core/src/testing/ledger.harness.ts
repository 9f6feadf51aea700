import { TxEntry, ValidityCode } from '@accord/protocol';
import { BlockBuilder, BlockBuilderOptions, ClosedBlock } from '../block/block-builder';
import { ChannelConfig } from '../governance/channel-config.schema';
import { GovernanceEvent } from '../governance/governance.events';
import { KeyHistory } from '../governance/key-history.resolver';
import { TestLog } from './ledger-log.builder';

/**
 * A TestLog wired to a BlockBuilder for Given/When/Then tests: append txs to
 * `log`, then `closeBlock()` publishes a cut marker for the open height and
 * feeds everything new; `code(tx)` tells what a tx got in its block.
 */
export class LedgerHarness {
  readonly log: TestLog;
  readonly builder: BlockBuilder;
  readonly blocks: ClosedBlock[] = [];
  readonly keys = new KeyHistory();
  private fed = 0;
  private readonly entries = new Map<
    number,
    { readonly height: number; readonly index: number; readonly entry: TxEntry }
  >();

  constructor(channel = 'test-channel', options: BlockBuilderOptions = {}) {
    this.log = new TestLog(channel);
    this.builder = new BlockBuilder(BlockBuilder.initialSnapshot(channel), options);
  }

  /** Feeds the records appended since the last call; returns the blocks that closed. */
  sync(): ClosedBlock[] {
    const records = this.log.records.slice(this.fed);
    this.fed = this.log.records.length;
    const closed: ClosedBlock[] = [];
    for (const record of records) {
      const block = this.builder.push(record);
      if (block !== undefined) closed.push(block);
    }
    for (const block of closed) this.remember(block);
    return closed;
  }

  /** Cuts the open block (there must be one) and returns it. */
  closeBlock(): ClosedBlock {
    this.sync();
    const open = this.builder.openBlock();
    if (open === null) throw new Error('closeBlock: no open block');
    this.log.cut(open.height);
    const [block] = this.sync();
    return block;
  }

  /** The validity code a tx record got (its block must be closed). */
  code(tx: { readonly offset: number } | number): ValidityCode {
    const offset = typeof tx === 'number' ? tx : tx.offset;
    const found = this.entries.get(offset);
    if (found === undefined) throw new Error(`no closed block holds the record at offset ${offset}`);
    return found.entry.code;
  }

  position(tx: { readonly offset: number }): { height: number; index: number } {
    const found = this.entries.get(tx.offset);
    if (found === undefined) throw new Error(`no closed block holds the record at offset ${tx.offset}`);
    return { height: found.height, index: found.index };
  }

  get config(): ChannelConfig {
    const config = this.builder.config;
    if (config === null) throw new Error('the channel has no configuration yet');
    return config;
  }

  events(type?: GovernanceEvent['type']): GovernanceEvent[] {
    const all = this.blocks.flatMap((b) => b.events);
    return type === undefined ? all : all.filter((e) => e.type === type);
  }

  private remember(block: ClosedBlock): void {
    this.blocks.push(block);
    this.keys.recordAll(block.keyChanges);
    const { firstOffset, lastOffset, height } = block.block.header;
    let index = 0;
    for (const record of this.log.records) {
      if (record.offset < firstOffset || record.offset > lastOffset || record.kind !== 'tx') continue;
      this.entries.set(record.offset, { height, index, entry: block.block.txs[index] });
      index++;
    }
  }
}
