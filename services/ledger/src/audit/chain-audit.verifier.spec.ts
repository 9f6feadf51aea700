import { Block, buildBlock, canonicalBytes, EntryDigest, isEnvelopeEntry, signTx } from '@accord/protocol';
import { LedgerHarness, testMember } from '@accord/ledger-core/testing';
import { auditChain, AuditFailure, UnreadablePageError } from './chain-audit.verifier';
import { storedEntryDigest } from './stored-entry.digests';

const a = testMember('dept-a');
const b = testMember('dept-b');
const outsider = testMember('dept-x');

/** A chain of `blocks` blocks after genesis, each with `perBlock` notes by a and b plus one tx by a non-member. */
function chain(blocks: number, perBlock: number): { harness: LedgerHarness; blocks: Block[] } {
  const harness = new LedgerHarness('audit-channel');
  harness.log.genesis(a, 'alliance', [a, b]);
  harness.closeBlock();
  for (let h = 1; h <= blocks; h++) {
    for (let i = 0; i < perBlock; i++) harness.log.tx(i % 2 === 0 ? a : b, 'test.note', { h, i });
    harness.log.tx(outsider, 'test.note', { h });
    harness.closeBlock();
  }
  return { harness, blocks: harness.blocks.map((c) => JSON.parse(JSON.stringify(c.block)) as Block) };
}

async function* pagesOf(blocks: readonly Block[], size: number): AsyncIterable<readonly Block[]> {
  for (let i = 0; i < blocks.length; i += size) yield blocks.slice(i, i + size);
}

describe('auditChain', () => {
  it('accepts an untouched chain, paged and pipelined', async () => {
    const { harness, blocks } = chain(6, 5);
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 6,
      pages: pagesOf(blocks, 2),
      keys: harness.keys.resolver(),
    });
    expect(result).toEqual({
      ok: true,
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 6,
      blocks: 7,
      txs: 1 + 6 * 6,
      blockHash: blocks[6].hash,
    });
  });

  it('audits a range anchored on the block before it', async () => {
    const { harness, blocks } = chain(5, 2);
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 3,
      toHeight: 5,
      anchor: blocks[2].header,
      pages: pagesOf(blocks.slice(3), 1),
      keys: harness.keys.resolver(),
    });
    expect(result).toMatchObject({ ok: true, blocks: 3, blockHash: blocks[5].hash });
  });

  it('reports the height of a tx whose payload was altered', async () => {
    const { harness, blocks } = chain(6, 3);
    const entry = blocks[4].txs[1];
    if (!isEnvelopeEntry(entry)) throw new Error('expected an envelope');
    (entry.envelope.body.payload as Record<string, unknown>)['i'] = 99;
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 6,
      pages: pagesOf(blocks, 2),
      keys: harness.keys.resolver(),
    });
    expect(result).toMatchObject({ ok: false, height: 4, code: 'chain.tx_root_mismatch' });
  });

  it('reports a valid-flagged tx whose signature was swapped, with its index', async () => {
    const { harness, blocks } = chain(4, 3);
    const entry = blocks[2].txs[2];
    if (!isEnvelopeEntry(entry)) throw new Error('expected an envelope');
    const forged = signTx({ ...entry.envelope.body, payload: { forged: true } }, b.signer);
    // A forger who also rebuilds the tx root and every later link; only the signature check is left.
    const rebuilt = rebuildFrom(blocks, 2, (txs) =>
      txs.map((t, i) =>
        i === 2 ? { envelope: { body: forged.body, sig: entry.envelope.sig }, code: 'valid' as const } : t,
      ),
    );
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: pagesOf(rebuilt, 3),
      keys: harness.keys.resolver(),
    });
    expect(result).toMatchObject({ ok: false, height: 2, index: 2, code: 'chain.bad_signature' });
  });

  it('reports a consistently rewritten chain through the attestations of other members', async () => {
    const { harness, blocks } = chain(5, 2);
    const attested = new Map(blocks.map((blk) => [blk.header.height, blk.hash]));
    // Rewrite the non-member's tx payload in block 3 (its signature is never checked) and relink everything after.
    const rebuilt = rebuildFrom(blocks, 3, (txs) =>
      txs.map((t) =>
        isEnvelopeEntry(t) && t.code === 'unknown_member'
          ? { ...t, envelope: { ...t.envelope, body: { ...t.envelope.body, payload: { h: 42 } } } }
          : t,
      ),
    );
    const plain = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 5,
      pages: pagesOf(rebuilt, 2),
      keys: harness.keys.resolver(),
    });
    expect(plain.ok).toBe(true);
    const checked: number[] = [];
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 5,
      pages: pagesOf(rebuilt, 2),
      keys: harness.keys.resolver(),
      checkAttestations: async (page) => {
        checked.push(...page.map((blk) => blk.header.height));
        const bad = page.find((blk) => attested.get(blk.header.height) !== blk.hash);
        return bad === undefined
          ? undefined
          : ({
              height: bad.header.height,
              code: 'audit.attestation_mismatch',
              reason: 'dept-b attested another hash',
              members: ['dept-b'],
            } satisfies AuditFailure);
      },
    });
    expect(result).toMatchObject({ ok: false, height: 3, code: 'audit.attestation_mismatch', members: ['dept-b'] });
    expect(checked).toEqual([0, 1, 2, 3]);
  });

  it('reports a block missing from storage', async () => {
    const { harness, blocks } = chain(4, 1);
    const withoutTwo = [...blocks.slice(0, 2), ...blocks.slice(3)];
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: pagesOf(withoutTwo, 2),
      keys: harness.keys.resolver(),
    });
    expect(result).toMatchObject({ ok: false, height: 2, code: 'chain.height_gap' });
    const truncated = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: pagesOf(blocks.slice(0, 4), 2),
      keys: harness.keys.resolver(),
    });
    expect(truncated).toMatchObject({ ok: false, height: 4, code: 'chain.height_gap' });
  });

  it('reports an entry the protocol cannot serialize as an invalid entry at its height', async () => {
    const { harness, blocks } = chain(4, 2);
    const entry = blocks[3].txs[0];
    if (!isEnvelopeEntry(entry)) throw new Error('expected an envelope');
    (entry.envelope.body.payload as Record<string, unknown>)['i'] = 0.5;
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: pagesOf(blocks, 2),
      keys: harness.keys.resolver(),
    });
    expect(result).toMatchObject({ ok: false, height: 3, index: 0, code: 'chain.entry_invalid' });
  });

  it('reports rows that cannot be read after verifying the blocks below them', async () => {
    const { harness, blocks } = chain(4, 2);
    async function* broken(): AsyncIterable<readonly Block[]> {
      yield blocks.slice(0, 2);
      throw new UnreadablePageError({ height: 3, code: 'audit.row_corrupt', reason: 'ledger_tx bytes are not JSON' }, [
        blocks[2],
      ]);
    }
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: broken(),
      keys: harness.keys.resolver(),
    });
    expect(result).toMatchObject({ ok: false, height: 3, code: 'audit.row_corrupt', blocks: 3 });
    const tampered = blocks.map((blk) => JSON.parse(JSON.stringify(blk)) as Block);
    tampered[1].header.time += 1;
    async function* brokenAbove(): AsyncIterable<readonly Block[]> {
      yield tampered.slice(0, 2);
      throw new UnreadablePageError({ height: 3, code: 'audit.row_corrupt', reason: 'unreadable' }, [tampered[2]]);
    }
    const lower = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: brokenAbove(),
      keys: harness.keys.resolver(),
    });
    expect(lower).toMatchObject({ ok: false, height: 1, code: 'chain.block_hash_mismatch' });
  });

  it('uses the signature verifier it is given', async () => {
    const { harness, blocks } = chain(3, 2);
    let checks = 0;
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 3,
      pages: pagesOf(blocks, 2),
      keys: harness.keys.resolver(),
      verifySignatures: async (batch) => {
        checks += batch.length;
        return batch.map(() => false);
      },
    });
    expect(result).toMatchObject({ ok: false, height: 0, index: 0, code: 'chain.bad_signature' });
    expect(checks).toBeGreaterThan(0);
  });
});

describe('auditChain with the entries hashed from their stored bytes', () => {
  /** The rows as stored (each entry's log bytes) and the audit's digests of them, as ChainAuditService reads them. */
  function stored(blocks: readonly Block[]): { rows: Map<Block, Buffer[]>; digests: (block: Block) => EntryDigest[] } {
    const rows = new Map(
      blocks.map((blk) => [
        blk,
        blk.txs.map((t) => (isEnvelopeEntry(t) ? Buffer.from(canonicalBytes(t.envelope)) : Buffer.from(t.raw, 'hex'))),
      ]),
    );
    return {
      rows,
      digests: (blk) => blk.txs.map((t, i) => storedEntryDigest(t, (rows.get(blk) as Buffer[])[i])),
    };
  }

  it('accepts an untouched chain without re-encoding its entries', async () => {
    const { harness, blocks } = chain(6, 5);
    const { digests } = stored(blocks);
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 6,
      pages: pagesOf(blocks, 2),
      keys: harness.keys.resolver(),
      entryDigests: digests,
    });
    expect(result).toMatchObject({ ok: true, blocks: 7, txs: 1 + 6 * 6, blockHash: blocks[6].hash });
  });

  it('reports a row whose stored bytes were altered at its height', async () => {
    const { harness, blocks } = chain(6, 3);
    const { rows, digests } = stored(blocks);
    const row = (rows.get(blocks[4]) as Buffer[])[1];
    (rows.get(blocks[4]) as Buffer[])[1] = Buffer.from(row.toString('utf8').replace('"i":1', '"i":7'));
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 6,
      pages: pagesOf(blocks, 4),
      keys: harness.keys.resolver(),
      entryDigests: digests,
    });
    expect(result).toMatchObject({ ok: false, height: 4, code: 'chain.tx_root_mismatch' });
  });

  it('reports a row stored in a non-canonical form of the same envelope at its height', async () => {
    const { harness, blocks } = chain(4, 2);
    const { rows, digests } = stored(blocks);
    const row = (rows.get(blocks[2]) as Buffer[])[0];
    (rows.get(blocks[2]) as Buffer[])[0] = Buffer.from(row.toString('utf8').replace('{"body":', '{"body": '));
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: pagesOf(blocks, 2),
      keys: harness.keys.resolver(),
      entryDigests: digests,
    });
    expect(result).toMatchObject({ ok: false, height: 2, code: 'chain.tx_root_mismatch' });
  });

  it('still checks every signature against the txId of the stored body', async () => {
    const { harness, blocks } = chain(4, 3);
    const entry = blocks[3].txs[1];
    if (!isEnvelopeEntry(entry)) throw new Error('expected an envelope');
    const forged = signTx({ ...entry.envelope.body, payload: { forged: true } }, b.signer);
    const rebuilt = rebuildFrom(blocks, 3, (txs) =>
      txs.map((t, i) =>
        i === 1 ? { envelope: { body: forged.body, sig: entry.envelope.sig }, code: 'valid' as const } : t,
      ),
    );
    const result = await auditChain({
      channel: 'audit-channel',
      fromHeight: 0,
      toHeight: 4,
      pages: pagesOf(rebuilt, 3),
      keys: harness.keys.resolver(),
      entryDigests: stored(rebuilt).digests,
    });
    expect(result).toMatchObject({ ok: false, height: 3, index: 1, code: 'chain.bad_signature' });
  });
});

/** Replaces the txs of block `from` and rebuilds it and every later block so hashes and links stay consistent. */
function rebuildFrom(blocks: readonly Block[], from: number, edit: (txs: Block['txs']) => Block['txs']): Block[] {
  const out = blocks.slice(0, from).map((blk) => JSON.parse(JSON.stringify(blk)) as Block);
  for (let h = from; h < blocks.length; h++) {
    const { header, txs } = blocks[h];
    out.push(
      buildBlock({
        channel: header.channel,
        height: header.height,
        prevHash: out[h - 1].hash,
        txs: h === from ? edit(txs) : txs,
        firstOffset: header.firstOffset,
        lastOffset: header.lastOffset,
        time: header.time,
      }),
    );
  }
  return out;
}
