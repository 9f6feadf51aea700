import { isEnvelopeEntry, txLeafHash } from '../block/block.codec';
import { Block, EnvelopeEntry, TxEntry } from '../block/block.schema';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalize } from '../json/canonical-json.codec';
import { resealChain, TestChain, testMember } from '../testing/test-chain.builder';
import { encodeEnvelope, txIdBytes } from '../tx/tx.codec';
import { EntryDigest, KeyResolver, SignatureCheck, verifyChain, verifySignatureBatch } from './chain.verifier';

const alice = testMember('dept-a');
const bob = testMember('dept-b');
const mallory = testMember('mallory');

/** Three blocks with every kind of entry the ledger records. */
function sampleChain(): TestChain {
  const chain = new TestChain([alice, bob]);
  chain.append([chain.tx(alice), chain.tx(bob)]);
  const forged = { ...chain.tx(alice), sig: mallory.signer.sign(Buffer.alloc(32)) };
  const garbage = Buffer.from('{"not":"an envelope"}').toString('hex');
  const tooLarge = Buffer.alloc(2000, 0x61).toString('hex');
  chain.append([
    { envelope: forged, code: 'bad_signature' },
    { envelope: chain.tx(mallory), code: 'unknown_member' },
    { raw: garbage, code: 'schema_error' },
    { raw: tooLarge, code: 'too_large' },
    { envelope: chain.tx(bob, { channel: 'other' }), code: 'wrong_channel' },
    { envelope: chain.tx(alice, { nonce: 0 }), code: 'replayed' },
    { raw: Buffer.from(canonicalize({ body: { v: 2 }, sig: '' })).toString('hex'), code: 'unsupported_version' },
  ]);
  chain.append([chain.tx(bob)]);
  return chain;
}

const replaceTx = (blocks: readonly Block[], height: number, index: number, entry: TxEntry): Block[] =>
  resealChain(
    blocks.map((b) => (b.header.height === height ? { ...b, txs: b.txs.map((t, i) => (i === index ? entry : t)) } : b)),
    height,
  );

describe('verifyChain', () => {
  const chain = sampleChain();
  const resolve = chain.keyResolver();

  it('accepts a consistent chain and reports its head', async () => {
    expect(await verifyChain(chain.blocks, resolve, { maxTxBytes: 1999 })).toEqual({
      ok: true,
      blocks: 3,
      height: 2,
      blockHash: chain.blocks[2].hash,
    });
    expect(await verifyChain([], resolve)).toEqual({ ok: true, blocks: 0, height: null, blockHash: null });
  });

  it('continues from a trusted anchor header', async () => {
    expect(await verifyChain(chain.blocks.slice(1), resolve, { anchor: chain.blocks[0].header })).toMatchObject({
      ok: true,
      height: 2,
    });
    expect(await verifyChain(chain.blocks.slice(2), resolve, { anchor: chain.blocks[0].header })).toMatchObject({
      ok: false,
      height: 2,
      code: 'chain.height_gap',
    });
    expect(await verifyChain(chain.blocks.slice(1), resolve)).toMatchObject({
      ok: false,
      height: 1,
      code: 'chain.height_gap',
    });
  });

  const b = chain.blocks;
  it.each<[string, () => Block[], number, string]>([
    ['a missing block', () => [b[0], b[2]], 2, 'chain.height_gap'],
    [
      'a wrong genesis prevHash',
      () => resealChain([{ ...b[0], header: { ...b[0].header, prevHash: 'ff'.repeat(32) } }, b[1], b[2]]),
      0,
      'chain.prev_hash_mismatch',
    ],
    [
      'a broken link',
      () => [b[0], b[1], { ...b[2], header: { ...b[2].header, prevHash: b[0].hash } }],
      2,
      'chain.prev_hash_mismatch',
    ],
    [
      'a recorded hash that is not the header hash',
      () => [b[0], { ...b[1], hash: b[0].hash }, b[2]],
      1,
      'chain.block_hash_mismatch',
    ],
    [
      'an edited header field',
      () => [b[0], { ...b[1], header: { ...b[1].header, time: b[1].header.time + 1 } }, b[2]],
      1,
      'chain.block_hash_mismatch',
    ],
    ['a dropped tx', () => [b[0], { ...b[1], txs: b[1].txs.slice(1) }, b[2]], 1, 'chain.tx_count_mismatch'],
    [
      'a changed validity code',
      () => [b[0], { ...b[1], txs: b[1].txs.map((t, i) => (i === 1 ? { ...t, code: 'valid' as const } : t)) }, b[2]],
      1,
      'chain.tx_root_mismatch',
    ],
    [
      'swapped txs',
      () => [b[0], { ...b[1], txs: [b[1].txs[1], b[1].txs[0], ...b[1].txs.slice(2)] }, b[2]],
      1,
      'chain.tx_root_mismatch',
    ],
    [
      'another channel',
      () => resealChain([b[0], { ...b[1], header: { ...b[1].header, channel: 'other' } }, b[2]], 1),
      1,
      'chain.channel_mismatch',
    ],
    [
      'overlapping offsets',
      () => resealChain([b[0], { ...b[1], header: { ...b[1].header, firstOffset: b[0].header.lastOffset } }, b[2]], 1),
      1,
      'chain.offsets_invalid',
    ],
    [
      'too few offsets for the txs',
      () =>
        resealChain([b[0], { ...b[1], header: { ...b[1].header, lastOffset: b[1].header.firstOffset + 2 } }, b[2]], 1),
      1,
      'chain.offsets_invalid',
    ],
    [
      'time going backwards',
      () => resealChain([b[0], b[1], { ...b[2], header: { ...b[2].header, time: b[1].header.time - 1 } }], 2),
      2,
      'chain.time_regressed',
    ],
  ])('reports %s at the first bad height', async (_name, blocks, height, code) => {
    expect(await verifyChain(blocks(), resolve)).toMatchObject({ ok: false, height, code });
  });

  describe('entries', () => {
    const valid = b[0].txs[0] as EnvelopeEntry;

    it.each<[string, TxEntry, string]>([
      [
        'a tx flagged valid with a bad signature',
        { envelope: { ...valid.envelope, sig: 'ab'.repeat(64) }, code: 'valid' },
        'chain.bad_signature',
      ],
      [
        'a tx flagged bad_signature whose signature is fine',
        { envelope: valid.envelope, code: 'bad_signature' },
        'chain.signature_flag_wrong',
      ],
      [
        'a tx flagged valid from an unknown signer',
        { envelope: chain.tx(mallory), code: 'valid' },
        'chain.unknown_signer',
      ],
      ['raw bytes flagged valid', { raw: '00', code: 'valid' }, 'chain.entry_invalid'],
      [
        'raw bytes that parse as an envelope',
        { raw: Buffer.from(encodeEnvelope(valid.envelope)).toString('hex'), code: 'schema_error' },
        'chain.entry_invalid',
      ],
      [
        'raw bytes flagged with the wrong parse code',
        { raw: '00', code: 'unsupported_version' },
        'chain.entry_invalid',
      ],
      ['an envelope flagged too_large', { envelope: valid.envelope, code: 'too_large' }, 'chain.entry_invalid'],
      [
        'another channel not flagged wrong_channel',
        { envelope: chain.tx(alice, { channel: 'other' }), code: 'replayed' },
        'chain.entry_invalid',
      ],
      [
        'wrong_channel on a tx for this channel',
        { envelope: valid.envelope, code: 'wrong_channel' },
        'chain.entry_invalid',
      ],
      [
        'bad_signature from a signer without a key',
        { envelope: chain.tx(mallory), code: 'bad_signature' },
        'chain.entry_invalid',
      ],
    ])('reports %s', async (_name, entry, code) => {
      const result = await verifyChain(replaceTx(b, 1, 2, entry), resolve);
      expect(result).toMatchObject({ ok: false, height: 1, index: 2, code });
    });

    it('rechecks too_large flags and envelope sizes when maxTxBytes is given', async () => {
      expect(await verifyChain(b, resolve, { maxTxBytes: 2000 })).toMatchObject({
        ok: false,
        height: 1,
        index: 3,
        code: 'chain.entry_invalid',
      });
      expect(await verifyChain(b, resolve, { maxTxBytes: 100 })).toMatchObject({
        ok: false,
        height: 0,
        index: 0,
        code: 'chain.entry_invalid',
      });
    });
  });

  it('reports the lowest bad height when a signature fails before a structural fault', async () => {
    const { envelope } = b[0].txs[1] as EnvelopeEntry;
    const forged = replaceTx(b, 0, 1, { envelope: { ...envelope, sig: 'cd'.repeat(64) }, code: 'valid' });
    const blocks = [forged[0], forged[1], { ...forged[2], hash: forged[0].hash }];
    expect(await verifyChain(blocks, resolve, { batchSize: 1000 })).toMatchObject({
      ok: false,
      height: 0,
      index: 1,
      code: 'chain.bad_signature',
    });
    expect(await verifyChain(blocks, resolve, { batchSize: 1 })).toMatchObject({
      ok: false,
      height: 0,
      index: 1,
      code: 'chain.bad_signature',
    });
  });

  it('uses the key the resolver gives for each position (key rotation)', async () => {
    const rotated = testMember('dept-a-rotated');
    const c = new TestChain([alice, bob]);
    c.append([c.tx(alice)]);
    const afterRotation = c.tx({ ...rotated, id: 'dept-a' });
    c.append([afterRotation]);
    const resolver: KeyResolver = (id, at) =>
      id === 'dept-a' ? (at.height === 0 ? alice : rotated).keys.ed25519.publicKey : c.keyResolver()(id, at);
    expect(await verifyChain(c.blocks, resolver)).toMatchObject({ ok: true, height: 1 });
    expect(await verifyChain(c.blocks, c.keyResolver())).toMatchObject({
      ok: false,
      height: 1,
      code: 'chain.bad_signature',
    });
  });

  it('hands signatures to a batch verifier, which may be asynchronous', async () => {
    const batches: number[] = [];
    const verifySignatures = async (checks: readonly SignatureCheck[]) => {
      batches.push(checks.length);
      await new Promise((resolveTimer) => setImmediate(resolveTimer));
      return verifySignatureBatch(checks);
    };
    expect(await verifyChain(b, resolve, { verifySignatures, batchSize: 2 })).toMatchObject({ ok: true });
    // Checks queue up across blocks until a batch is full: block 0 has 2 valid
    // txs (flushed), block 1 one bad_signature, block 2 one valid tx.
    expect(batches).toEqual([2, 2]);
    const lying = (checks: readonly SignatureCheck[]) => checks.map(() => true);
    expect(await verifyChain(b, resolve, { verifySignatures: lying })).toMatchObject({
      ok: false,
      height: 1,
      code: 'chain.signature_flag_wrong',
    });
    await expect(verifyChain(b, resolve, { verifySignatures: () => [] })).rejects.toThrow(ProtocolError);
    await expect(verifyChain(b, resolve, { batchSize: 0 })).rejects.toThrow(ProtocolError);
  });

  it('skips only the Ed25519 checks when the caller verified the signatures itself (checkSignatures: false)', async () => {
    const calls: number[] = [];
    const counting = (checks: readonly SignatureCheck[]) => {
      calls.push(checks.length);
      return verifySignatureBatch(checks);
    };
    // A resealed chain whose signature is wrong but whose hashes are consistent: only a signature check finds it.
    const badSig = replaceTx(b, 0, 0, {
      envelope: { ...(b[0].txs[0] as EnvelopeEntry).envelope, sig: 'ab'.repeat(64) },
      code: 'valid',
    });
    expect(await verifyChain(badSig, resolve, { verifySignatures: counting })).toMatchObject({
      ok: false,
      code: 'chain.bad_signature',
    });
    calls.length = 0;
    expect(await verifyChain(badSig, resolve, { verifySignatures: counting, checkSignatures: false })).toMatchObject({
      ok: true,
      blocks: 3,
    });
    expect(calls).toEqual([]);
    // Everything else is still checked: a changed byte of a stored tx changes the tx root.
    const edited = b.map((block, h) =>
      h === 0
        ? {
            ...block,
            txs: [
              {
                ...(block.txs[0] as EnvelopeEntry),
                envelope: { ...(block.txs[0] as EnvelopeEntry).envelope, sig: 'cd'.repeat(64) },
              },
              ...block.txs.slice(1),
            ],
          }
        : block,
    );
    expect(await verifyChain(edited, resolve, { checkSignatures: false })).toMatchObject({
      ok: false,
      height: 0,
      code: 'chain.tx_root_mismatch',
    });
    // ... and a signer without a key here.
    const stranger = replaceTx(b, 2, 0, { envelope: chain.tx(mallory), code: 'valid' });
    expect(await verifyChain(stranger, resolve, { checkSignatures: false })).toMatchObject({
      ok: false,
      height: 2,
      code: 'chain.unknown_signer',
    });
  });

  it('verifies a longer chain (2,000 txs in 50 blocks)', async () => {
    const c = new TestChain([alice, bob]);
    for (let h = 0; h < 50; h++) c.append(Array.from({ length: 40 }, (_, i) => c.tx(i % 2 === 0 ? alice : bob)));
    expect(await verifyChain(c.blocks, c.keyResolver())).toMatchObject({ ok: true, blocks: 50 });
  });

  describe('with entry digests from elsewhere', () => {
    const digestsOf = (block: Block): EntryDigest[] =>
      block.txs.map((t) =>
        isEnvelopeEntry(t)
          ? { leafHash: txLeafHash(t), txId: txIdBytes(t.envelope.body) }
          : { leafHash: txLeafHash(t) },
      );

    it('accepts the chain when the digests are those of its entries', async () => {
      let asked = 0;
      const result = await verifyChain(chain.blocks, resolve, {
        entryDigests: (block) => {
          asked++;
          return digestsOf(block);
        },
      });
      expect(result).toMatchObject({ ok: true, height: 2 });
      expect(asked).toBe(3);
    });

    it('checks the tx root against the given leaf hashes and the signatures against the given txIds', async () => {
      const wrongLeaf = await verifyChain(chain.blocks, resolve, {
        entryDigests: (block) =>
          block.header.height === 1
            ? digestsOf(block).map((d, i) => (i === 2 ? { ...d, leafHash: Buffer.alloc(32) } : d))
            : digestsOf(block),
      });
      expect(wrongLeaf).toMatchObject({ ok: false, height: 1, code: 'chain.tx_root_mismatch' });
      const wrongTxId = await verifyChain(chain.blocks, resolve, {
        entryDigests: (block) =>
          block.header.height === 2
            ? digestsOf(block).map((d) => ({ ...d, txId: Buffer.alloc(32) }))
            : digestsOf(block),
      });
      expect(wrongTxId).toMatchObject({ ok: false, height: 2, index: 0, code: 'chain.bad_signature' });
    });

    it('re-encodes the entries of a block without digests, and the body of an entry without a txId', async () => {
      const result = await verifyChain(chain.blocks, resolve, {
        entryDigests: (block) =>
          block.header.height === 0 ? undefined : digestsOf(block).map((d) => ({ leafHash: d.leafHash })),
      });
      expect(result).toMatchObject({ ok: true, height: 2 });
    });

    it('rejects digests that do not match the block in number', async () => {
      await expect(
        verifyChain(chain.blocks, resolve, { entryDigests: (block) => digestsOf(block).slice(1) }),
      ).rejects.toThrow(ProtocolError);
    });
  });
});
