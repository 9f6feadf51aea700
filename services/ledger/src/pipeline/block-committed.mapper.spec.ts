import { blockCommittedEventSchema, decodeBlockCommitted } from '@accord/events';
import { canonicalBytes, parseCanonicalJson } from '@accord/protocol';
import { LedgerHarness, testMember } from '@accord/ledger-core/testing';
import { encodeBlockCommitted, encodeBlockCommittedHeaderOnly } from './block-committed.mapper';

const a = testMember('dept-a');
const b = testMember('dept-b');

describe('block.committed encoding', () => {
  it('assembles the same JCS bytes from the record bytes as canonicalBytes of the whole event, raw entries included', () => {
    const h = new LedgerHarness('events');
    h.log.genesis(a, 'alliance', [a, b]);
    h.closeBlock();
    h.log.tx(a, 'test.note', { text: 'é "quoted" \u2028', n: -9007199254740991 });
    h.log.rawTx('not json at all');
    h.log.rawTx('{"body":1}');
    h.log.tx(b);
    const closed = h.closeBlock();
    const records = h.log.records
      .filter(
        (r) =>
          r.kind === 'tx' && r.offset >= closed.block.header.firstOffset && r.offset <= closed.block.header.lastOffset,
      )
      .map((r) => r.value);
    expect(records).toHaveLength(4);
    for (const configChanged of [true, false]) {
      const fast = encodeBlockCommitted(closed.block, closed.txIds, configChanged, records, closed.config);
      const plain = encodeBlockCommitted(closed.block, closed.txIds, configChanged, undefined, closed.config);
      expect(Buffer.from(fast).toString()).toBe(Buffer.from(plain).toString());
      const expected = {
        type: 'block.committed',
        channel: 'events',
        block: closed.block,
        txIds: closed.txIds,
        configChanged,
        ...(configChanged ? { config: closed.config } : {}),
      };
      expect(Buffer.from(plain).equals(Buffer.from(canonicalBytes(expected)))).toBe(true);
      expect(parseCanonicalJson(fast)).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  // The fast encoder is the hot path: instead of a schema parse on every publish, this pins that its
  // output is exactly the schema's shape (every field it writes is in the schema, none is missing).
  it("writes exactly @accord/events' block.committed schema, full and header-only, with and without configuration", () => {
    const h = new LedgerHarness('events');
    h.log.genesis(a, 'alliance', [a, b]);
    const genesis = h.closeBlock();
    h.log.tx(a, 'test.note', { text: 'x' });
    h.log.rawTx('garbage');
    const closed = h.closeBlock();
    const records = h.log.records
      .filter((r) => r.kind === 'tx' && r.offset >= closed.block.header.firstOffset)
      .map((r) => r.value);
    const encodings = [
      encodeBlockCommitted(genesis.block, genesis.txIds, true, undefined, genesis.config),
      encodeBlockCommitted(closed.block, closed.txIds, false, records),
      encodeBlockCommitted(closed.block, closed.txIds, true, records, closed.config),
      encodeBlockCommittedHeaderOnly(closed.block, closed.txIds, false),
      encodeBlockCommittedHeaderOnly(genesis.block, genesis.txIds, true, genesis.config),
    ];
    for (const bytes of encodings) {
      const decoded = decodeBlockCommitted(bytes);
      if (!decoded.ok) throw new Error(decoded.failure.message);
      expect(Buffer.from(canonicalBytes(decoded.event)).equals(Buffer.from(bytes))).toBe(true);
      const strict = blockCommittedEventSchema.strict().safeParse(parseCanonicalJson(bytes));
      expect(strict.success).toBe(true);
    }
  });

  it('drops the txs, keeping header and hash, for the header-only form', () => {
    const h = new LedgerHarness('events');
    h.log.genesis(a, 'public', [a]);
    const closed = h.closeBlock();
    const event = parseCanonicalJson(encodeBlockCommittedHeaderOnly(closed.block, closed.txIds, true, closed.config));
    expect(event).toEqual(
      JSON.parse(
        JSON.stringify({
          type: 'block.committed',
          channel: 'events',
          block: { header: closed.block.header, hash: closed.block.hash },
          txIds: closed.txIds,
          configChanged: true,
          config: closed.config,
        }),
      ),
    );
  });

  it('refuses a configuration-changing block without the configuration after it', () => {
    const h = new LedgerHarness('events');
    h.log.genesis(a, 'public', [a]);
    const closed = h.closeBlock();
    expect(() => encodeBlockCommitted(closed.block, closed.txIds, true)).toThrow(/configuration/);
    expect(() => encodeBlockCommittedHeaderOnly(closed.block, closed.txIds, true, null)).toThrow(/configuration/);
  });

  it('refuses records that do not match the txs', () => {
    const h = new LedgerHarness('events');
    h.log.genesis(a, 'public', [a]);
    const closed = h.closeBlock();
    expect(() => encodeBlockCommitted(closed.block, closed.txIds, true, [], closed.config)).toThrow(/records/);
  });
});
