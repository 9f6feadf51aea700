import { BlockBuilder, prepareRecord, type ClosedBlock, type PreparedRecord } from '@accord/ledger-core';
import { testMember, TestLog } from '@accord/ledger-core/testing';
import { PreverifiedSignatures } from '../verification/preverified-signatures.cache';
import { SignatureVerifierPool } from '../verification/signature-verifier.pool';
import { ChunkedSignatureVerifier, VERIFY_CHUNK } from './chunked-signature.verifier';

// A real log, block builder and verifier pool (0 workers: verified on this
// thread, same answers); the hit/miss counts tell which checks the pool
// answered ahead of the builder and which the builder verified inline.
const a = testMember('dept-a');
const b = testMember('dept-b');
const CHANNEL = 'test-channel';
const pool = new SignatureVerifierPool({ workers: 0 });

afterAll(async () => {
  await pool.close();
});

/** A genesis of a and b, its cut, then `txs` txs signed in turn by a and b. */
function log(txs: number, forged: readonly number[] = []): TestLog {
  const l = new TestLog(CHANNEL);
  l.genesis(a, 'alliance', [a, b]);
  l.cut(0);
  for (let i = 0; i < txs; i++) {
    if (forged.includes(i)) l.tx(b, 'test.note', { i }, { signedBy: a });
    else l.tx(i % 2 === 0 ? a : b, 'test.note', { i });
  }
  return l;
}

function setup(chunkSize: number): {
  builder: BlockBuilder;
  verifier: ChunkedSignatureVerifier;
  run: (records: readonly PreparedRecord[]) => Promise<{ hits: number; misses: number; fed: number[] }>;
  closed: ClosedBlock[];
} {
  const signatures = new PreverifiedSignatures();
  const builder = new BlockBuilder(BlockBuilder.initialSnapshot(CHANNEL), { verify: signatures.verify });
  const verifier = new ChunkedSignatureVerifier(pool, signatures, chunkSize);
  const closed: ClosedBlock[] = [];
  const run = async (records: readonly PreparedRecord[]) => {
    const fed: number[] = [];
    const counts = await verifier.feedVerified(
      records,
      (record) => builder.signingKey(record),
      (record) => {
        fed.push(record.offset);
        const block = builder.push(record);
        if (block !== undefined) closed.push(block);
      },
    );
    return { ...counts, fed };
  };
  return { builder, verifier, run, closed };
}

const prepared = (l: TestLog): PreparedRecord[] => l.records.map((r) => prepareRecord(r));

describe('ChunkedSignatureVerifier', () => {
  it('chunks of 512 records by default', () => {
    expect(VERIFY_CHUNK).toBe(512);
  });

  it('feeds every record once, in log order, across chunks', async () => {
    const records = prepared(log(21));
    const { run } = setup(8);
    const { fed } = await run(records);
    expect(fed).toEqual(records.map((r) => r.offset));
  });

  it('Given a settled membership, every signature check is answered from the pool', async () => {
    const records = prepared(log(24));
    const { run } = setup(8);
    // The genesis block first, on its own.
    await run(records.slice(0, 2));
    const { hits, misses } = await run(records.slice(2));
    expect({ hits, misses }).toEqual({ hits: 24, misses: 0 });
  });

  it('verifies a chunk with fewer than 8 checks inline (cheaper than a round trip to a worker)', async () => {
    const records = prepared(log(7));
    const { run } = setup(8);
    await run(records.slice(0, 2));
    expect(await run(records.slice(2))).toMatchObject({ hits: 0, misses: 7 });
  });

  it('guesses keys one chunk back: after the genesis, the chunks whose keys were guessed before it are checked inline', async () => {
    // Chunks of 8: [genesis, cut, 6 txs], [8 txs], [8 txs], [8 txs]. The first two are guessed before the
    // genesis is fed (no members yet: nothing to prefetch); the last two with the genesis' members.
    const records = prepared(log(30));
    const { run } = setup(8);
    const { hits, misses } = await run(records);
    expect(hits).toBe(16);
    // The genesis signature and the 14 txs of the first two chunks.
    expect(misses).toBe(15);
  });

  it('builds exactly the blocks a builder verifying every signature inline builds, forgeries included', async () => {
    const l = log(40, [3, 17, 30]);
    l.cut(1);
    const records = prepared(l);
    const { run, closed } = setup(8);
    await run(records);
    const plain = new BlockBuilder(BlockBuilder.initialSnapshot(CHANNEL));
    const expected = records.map((r) => plain.push(r)).filter((block) => block !== undefined);
    expect(closed.map((c) => c.block.hash)).toEqual(expected.map((c) => c.block.hash));
    expect(closed[1].block.txs.filter((t) => t.code === 'bad_signature')).toHaveLength(3);
  });
});
