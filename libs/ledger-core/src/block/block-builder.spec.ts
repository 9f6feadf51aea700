import { buildBlock, canonicalBytes, encodeEnvelope, signTx, txLeafHash, verifyChain } from '@accord/protocol';
import { isLedgerCoreError } from '../errors/ledger-core.errors';
import { ChannelPolicy } from '../governance/governance-tx.schema';
import { LedgerHarness } from '../testing/ledger.harness';
import { testMember } from '../testing/ledger-log.builder';
import { BlockBuilder, ClosedBlock } from './block-builder';
import { prepareRecord } from './log-record.parser';
import { burnedNonces, InMemoryNonceRegistry } from './nonce-registry.port';

const a = testMember('dept-a');
const b = testMember('dept-b');
const outsider = testMember('outsider');

/** Given: an alliance of a and b whose genesis block (height 0) is closed with this policy. */
function given(
  policy: Partial<ChannelPolicy> = {},
  options: ConstructorParameters<typeof LedgerHarness>[1] = {},
): LedgerHarness {
  const h = new LedgerHarness('test-channel', options);
  h.log.genesis(a, 'alliance', [a, b], { policy });
  h.closeBlock();
  return h;
}

function expectCode(error: unknown, code: string): void {
  expect(isLedgerCoreError(error) && error.code).toBe(code);
}

describe('BlockBuilder cutting', () => {
  it('Given maxTxPerBlock 3, When txs arrive, Then a block closes at every third tx with that record offset and time', () => {
    const h = given({ maxTxPerBlock: 3 });
    const txs = [h.log.tx(a), h.log.tx(b), h.log.tx(a), h.log.tx(b)];
    const [block] = h.sync();
    expect(block.block.header).toMatchObject({
      height: 1,
      txCount: 3,
      firstOffset: txs[0].offset,
      lastOffset: txs[2].offset,
    });
    expect(block.block.header.time).toBe(h.log.records[txs[2].offset].timestamp);
    expect(block.txIds).toEqual(txs.slice(0, 3).map((t) => t.txId));
    expect(h.builder.openBlock()).toMatchObject({ height: 2, txCount: 1, firstOffset: txs[3].offset });
  });

  it('Given maxBlockBytes, When the txs reach it, Then the block closes (the tx that crosses it included)', () => {
    const h = given({ maxBlockBytes: 1024 });
    const sizes: number[] = [];
    let closed: ClosedBlock[] = [];
    while (closed.length === 0) {
      const { offset } = h.log.tx(a, 'test.note', { text: 'x'.repeat(150) });
      sizes.push(h.log.records[offset].value.length);
      closed = h.sync();
    }
    const total = sizes.reduce((s, n) => s + n, 0);
    expect(total).toBeGreaterThanOrEqual(1024);
    expect(total - sizes[sizes.length - 1]).toBeLessThan(1024);
    expect(closed[0].block.header.txCount).toBe(sizes.length);
  });

  it('closes on the first cut marker for the open height and ignores duplicates, other heights, other channels and garbage', () => {
    const h = given();
    h.log.cut(1); // no open block: ignored
    const first = h.log.tx(a);
    h.log.cut(0); // a past height
    h.log.cut(2); // a future height
    h.log.cut(1, { channel: 'other-channel' });
    h.log.rawCut('not a marker');
    h.log.rawCut('{"channel":"test-channel","from":"x","height":1,"v":2}');
    h.log.rawCut(' {"channel":"test-channel","from":"x","height":1,"v":1}');
    expect(h.sync()).toEqual([]);
    const marker = h.log.cut(1, { from: 'dept-b' });
    h.log.cut(1); // duplicate: the block of height 1 is already closed
    const second = h.log.tx(b);
    const [block] = h.sync();
    expect(block.block.header).toMatchObject({ height: 1, txCount: 1, firstOffset: first.offset, lastOffset: marker });
    expect(block.block.header.time).toBe(h.log.records[marker].timestamp);
    expect(h.builder.openBlock()).toMatchObject({ height: 2, firstOffset: second.offset, txCount: 1 });
  });

  it('keeps every record: garbage, non-canonical, other versions, oversize and other channels get their codes', () => {
    const h = given({ maxTxBytes: 1024 });
    const good = signTx(
      { v: 1, channel: 'test-channel', type: 'test.note', from: 'dept-a', nonce: 99, ts: 1, payload: {} },
      a.signer,
    );
    const garbage = h.log.rawTx(Buffer.from([0xff, 0x00, 0x13]));
    const nonCanonical = h.log.rawTx(JSON.stringify(good, null, 1));
    const otherVersion = h.log.jsonTx({ ...good, body: { ...good.body, v: 2 } });
    const oversize = h.log.tx(a, 'test.note', { text: 'x'.repeat(2000) });
    const wrongChannel = h.log.tx(a, 'test.note', {}, { channel: 'other-channel' });
    const notJsonObject = h.log.rawTx('[]');
    const block = h.closeBlock();

    expect(
      [garbage, nonCanonical, otherVersion, oversize.offset, wrongChannel.offset, notJsonObject].map((o) => h.code(o)),
    ).toEqual(['schema_error', 'schema_error', 'unsupported_version', 'too_large', 'wrong_channel', 'schema_error']);
    expect(block.block.txs[0]).toEqual({ raw: 'ff0013', code: 'schema_error' });
    expect(block.block.txs[4]).toEqual({ envelope: wrongChannel.envelope, code: 'wrong_channel' });
    expect(block.txIds).toEqual([null, null, null, null, wrongChannel.txId, null]);
  });

  it('flags replays and forged signatures; a forged tx does not burn the nonce', () => {
    const h = given();
    const original = h.log.tx(a, 'test.note', { n: 1 }, { nonce: 5 });
    h.log.rawTx(h.log.records[original.offset].value); // the same bytes again
    const forged = h.log.tx(b, 'test.note', { n: 2 }, { nonce: 5, signedBy: outsider });
    const real = h.log.tx(b, 'test.note', { n: 3 }, { nonce: 5 });
    const replayOfReal = h.log.tx(b, 'test.note', { n: 4 }, { nonce: 5 });
    const block = h.closeBlock();
    expect(block.block.txs.map((t) => t.code)).toEqual(['valid', 'replayed', 'bad_signature', 'valid', 'replayed']);
    expect([h.code(forged), h.code(real), h.code(replayOfReal)]).toEqual(['bad_signature', 'valid', 'replayed']);
  });

  it('judges every envelope of a txId on its own: a forged copy committed first neither burns the nonce nor makes the genuine one a duplicate, also when the builder resumed from its registry', () => {
    const h = given();
    const genuine = signTx(
      { v: 1, channel: 'test-channel', type: 'test.note', from: b.id, nonce: 9, ts: 1, payload: {} },
      b.signer,
    );
    const forged = { body: genuine.body, sig: signTx(genuine.body, outsider.signer).sig };
    const forgedAt = h.log.rawTx(encodeEnvelope(forged));
    const forgedBlock = h.closeBlock();
    // A replica restarting here: the snapshot of the forged copy's block and the nonces its chain burned.
    const nonces = new InMemoryNonceRegistry();
    for (const block of h.blocks) for (const { from, nonce } of burnedNonces(block.block)) nonces.add(from, nonce);
    const resumed = new BlockBuilder(forgedBlock.snapshot, { nonces });
    const genuineAt = h.log.rawTx(encodeEnvelope(genuine));
    const replayAt = h.log.rawTx(encodeEnvelope(genuine));
    h.log.cut(forgedBlock.block.header.height + 1);
    const records = h.log.records.filter((r) => r.offset > forgedBlock.block.header.lastOffset);
    const [next] = records.map((r) => resumed.push(r)).filter((blk) => blk !== undefined);
    expect(h.code(forgedAt)).toBe('bad_signature');
    expect(next.txIds).toEqual([forgedBlock.txIds[0], forgedBlock.txIds[0]]);
    expect(next.block.txs.map((t) => t.code)).toEqual(['valid', 'replayed']);
    expect([genuineAt, replayAt]).toEqual([next.block.header.firstOffset, next.block.header.firstOffset + 1]);
  });

  it('builds exactly the block protocol buildBlock builds from the same entries, linked from a zero-hash genesis', async () => {
    const h = given({ maxTxPerBlock: 4 });
    h.log.tx(a);
    h.log.rawTx('garbage');
    h.log.joinRequest(outsider);
    h.log.tx(b, 'test.note', {}, { channel: 'elsewhere' });
    h.log.tx(b);
    h.closeBlock();
    for (const closed of h.blocks) {
      const { header, txs } = closed.block;
      const reference = buildBlock({ ...header, txs });
      expect(reference).toEqual(closed.block);
      expect(closed.leafHashes.map((l) => Buffer.from(l).toString('hex'))).toEqual(
        txs.map((t) => Buffer.from(txLeafHash(t)).toString('hex')),
      );
    }
    expect(h.blocks[0].block.header.prevHash).toBe('0'.repeat(64));
    expect(h.blocks[1].block.header.prevHash).toBe(h.blocks[0].block.hash);
    await expect(
      verifyChain(
        h.blocks.map((c) => c.block),
        h.keys.resolver(),
      ),
    ).resolves.toMatchObject({ ok: true, blocks: 3 });
  });

  it('never lets block time go backwards when log timestamps do', () => {
    const h = given();
    const t0 = h.blocks[0].block.header.time;
    h.log.advance(-60_000);
    h.log.tx(a);
    const block = h.closeBlock();
    expect(block.block.header.time).toBe(t0);
  });

  it('accepts gaps in offsets and rejects records out of order or malformed with typed errors', () => {
    const h = given();
    h.log.skipOffsets(10);
    const tx = h.log.tx(a);
    h.sync();
    expect(h.builder.openBlock()?.firstOffset).toBe(tx.offset);
    const bad = (record: unknown): unknown => {
      try {
        h.builder.push(record as never);
        return undefined;
      } catch (error) {
        return error;
      }
    };
    expectCode(bad({ ...h.log.records[0] }), 'record.out_of_order');
    expectCode(bad({ offset: -1, timestamp: 0, kind: 'tx', value: new Uint8Array() }), 'record.invalid');
    expectCode(bad({ offset: 100, timestamp: 1.5, kind: 'tx', value: new Uint8Array() }), 'record.invalid');
    expectCode(bad({ offset: 100, timestamp: 1, kind: 'other', value: new Uint8Array() }), 'record.invalid');
    expectCode(bad({ offset: 100, timestamp: 1, kind: 'tx', value: 'text' }), 'record.invalid');
    expectCode(bad(null), 'record.invalid');
  });

  it('rejects an invalid snapshot with a typed error', () => {
    const make = (snapshot: unknown) => () => new BlockBuilder(snapshot as never);
    const initial = BlockBuilder.initialSnapshot('test-channel');
    for (const snapshot of [
      {},
      { ...initial, nextHeight: -1 },
      { ...initial, nextHeight: 3 },
      { ...initial, channel: 'Bad Channel' },
    ]) {
      try {
        make(snapshot)();
        throw new Error('expected a snapshot.invalid error');
      } catch (error) {
        expectCode(error, 'snapshot.invalid');
      }
    }
  });
});

describe('BlockBuilder services for the ledger service', () => {
  it('tells which key it would check a tx with, and uses the injected verifier with exactly that key', () => {
    const calls: [string, string][] = [];
    const h = given(
      {},
      { verify: (key, txIdBytes) => (calls.push([key, Buffer.from(txIdBytes).toString('hex')]), true) },
    );
    const noteByA = signTx(
      { v: 1, channel: 'test-channel', type: 'test.note', from: 'dept-a', nonce: 50, ts: 1, payload: {} },
      a.signer,
    );
    const join = signTx(
      {
        v: 1,
        channel: 'test-channel',
        type: 'member.join.request',
        from: 'outsider',
        nonce: 0,
        ts: 1,
        payload: { ed25519: outsider.keys.ed25519.publicKey, x25519: outsider.keys.x25519.publicKey },
      },
      outsider.signer,
    );
    const byStranger = signTx(
      { v: 1, channel: 'test-channel', type: 'test.note', from: 'stranger', nonce: 0, ts: 1, payload: {} },
      outsider.signer,
    );
    expect(h.builder.signingKey(noteByA)).toBe(a.keys.ed25519.publicKey);
    expect(h.builder.signingKey(join)).toBe(outsider.keys.ed25519.publicKey);
    expect(h.builder.signingKey(byStranger)).toBeUndefined();
    const prepared = prepareRecord({ offset: 999, timestamp: 0, kind: 'tx', value: encodeEnvelope(noteByA) });
    expect(h.builder.signingKey(prepared)).toBe(a.keys.ed25519.publicKey);

    calls.length = 0;
    const forged = h.log.tx(b, 'test.note', {}, { signedBy: outsider });
    h.closeBlock();
    // The injected verifier said yes, so the forged tx passes: the verifier is trusted to be exact.
    expect(h.code(forged)).toBe('valid');
    expect(calls).toEqual([[b.keys.ed25519.publicKey, forged.txId]]);
  });

  it('accepts prepared records and gives the same blocks as raw ones', () => {
    const h = given({ maxTxPerBlock: 2 });
    for (let i = 0; i < 5; i++) h.log.tx(i % 2 === 0 ? a : b);
    h.log.rawTx('junk');
    h.sync();
    const other = new BlockBuilder(BlockBuilder.initialSnapshot('test-channel'));
    const blocks = other.pushAll(h.log.records.map(prepareRecord));
    expect(blocks.map((c) => c.block.hash)).toEqual(h.blocks.map((c) => c.block.hash));
  });

  it('resumes from a snapshot and a preloaded nonce registry, rebuilding the open block from the log', () => {
    const h = given({ maxTxPerBlock: 3 });
    const replayBytes = h.log.records[h.log.tx(a, 'test.note', {}, { nonce: 42 }).offset].value;
    h.log.tx(b);
    h.log.tx(a);
    h.log.tx(b);
    h.log.rawTx(replayBytes);
    h.log.tx(a);
    h.sync();
    expect(h.blocks).toHaveLength(3);

    const resumeFrom = h.blocks[1];
    const nonces = new InMemoryNonceRegistry();
    for (const closed of h.blocks.slice(0, 2))
      for (const { from, nonce } of burnedNonces(closed.block)) nonces.add(from, nonce);
    const resumed = new BlockBuilder(JSON.parse(JSON.stringify(resumeFrom.snapshot)), { nonces });
    const rest = resumed.pushAll(h.log.records.filter((r) => r.offset >= resumeFrom.snapshot.nextOffset));
    expect(rest.map((c) => c.block.hash)).toEqual([h.blocks[2].block.hash]);
    expect(rest[0].block.txs[1].code).toBe('replayed');
    expect(resumed.snapshot()).toEqual(h.builder.snapshot());
    expect(resumed.openBlock()).toEqual(h.builder.openBlock());
  });

  it('reports the limits in force for the cut timer', () => {
    const h = new LedgerHarness();
    expect(h.builder.limits()).toEqual({
      maxTxPerBlock: 500,
      maxBlockBytes: 4 * 1024 * 1024,
      maxTxBytes: 256 * 1024,
      batchTimeoutMs: 200,
    });
    h.log.genesis(a, 'alliance', [a, b], { policy: { maxTxPerBlock: 7, batchTimeoutMs: 50 } });
    h.sync();
    expect(h.builder.limits().maxTxPerBlock).toBe(500); // the genesis block keeps the limits it opened with
    h.closeBlock();
    expect(h.builder.limits()).toMatchObject({ maxTxPerBlock: 7, batchTimeoutMs: 50 });
    expect(canonicalBytes(h.builder.snapshot()).length).toBeGreaterThan(0); // JSON all the way
  });
});
