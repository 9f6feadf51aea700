import { createHash } from 'node:crypto';
import { ProtocolError } from '../errors/protocol.errors';
import { canonicalize } from '../json/canonical-json.codec';
import { MerkleTree } from '../merkle/merkle-tree';
import { testMember, TestChain } from '../testing/test-chain.builder';
import { buildBlock, computeBlockHash, GENESIS_PREV_HASH, txLeafHash, validateBlock } from './block.codec';
import { BlockHeader, TxEntry } from './block.schema';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

describe('blocks', () => {
  const header: BlockHeader = {
    v: 1,
    channel: 'health',
    height: 0,
    prevHash: GENESIS_PREV_HASH,
    txRoot: sha(''),
    txCount: 0,
    firstOffset: 0,
    lastOffset: 0,
    time: 1700000000000,
  };

  it('blockHash is SHA-256 of the canonical header (known answer)', () => {
    const json =
      '{"channel":"health","firstOffset":0,"height":0,"lastOffset":0,' +
      `"prevHash":"${'0'.repeat(64)}","time":1700000000000,"txCount":0,"txRoot":"${sha('')}","v":1}`;
    expect(canonicalize(header)).toBe(json);
    expect(computeBlockHash(header)).toBe(sha(json));
  });

  it('leaf = SHA-256(0x00 || JCS({envelope, code})) or JCS({raw, code})', () => {
    const chain = new TestChain([testMember('dept-a')]);
    const envelope = chain.tx(chain.members[0]);
    const entry: TxEntry = { envelope, code: 'valid' };
    const expected = sha(
      Buffer.concat([Buffer.from([0]), Buffer.from(`{"code":"valid","envelope":${canonicalize(envelope)}}`)]),
    );
    expect(Buffer.from(txLeafHash(entry)).toString('hex')).toBe(expected);
    // Only envelope and code are hashed, whatever else the object carries.
    expect(Buffer.from(txLeafHash({ ...entry, note: 'x' } as TxEntry)).toString('hex')).toBe(expected);
    const raw: TxEntry = { raw: 'ff00', code: 'schema_error' };
    expect(Buffer.from(txLeafHash(raw)).toString('hex')).toBe(
      sha(Buffer.concat([Buffer.from([0]), Buffer.from('{"code":"schema_error","raw":"ff00"}')])),
    );
  });

  it('buildBlock computes txRoot, txCount and the hash; the empty block has the empty root', () => {
    const chain = new TestChain([testMember('dept-a')]);
    const txs: TxEntry[] = [
      { envelope: chain.tx(chain.members[0]), code: 'valid' },
      { raw: '00', code: 'schema_error' },
    ];
    const block = buildBlock({
      channel: 'health',
      height: 0,
      prevHash: GENESIS_PREV_HASH,
      txs,
      firstOffset: 5,
      lastOffset: 7,
      time: 1,
    });
    expect(block.header.txCount).toBe(2);
    expect(block.header.txRoot).toBe(
      Buffer.from(MerkleTree.fromLeafHashes(txs.map(txLeafHash)).root()).toString('hex'),
    );
    expect(block.hash).toBe(computeBlockHash(block.header));
    const empty = buildBlock({
      channel: 'health',
      height: 0,
      prevHash: GENESIS_PREV_HASH,
      txs: [],
      firstOffset: 0,
      lastOffset: 0,
      time: 1,
    });
    expect(empty.header.txRoot).toBe(sha(''));
  });

  it('rejects invalid headers and block shapes with block.invalid', () => {
    const bad = {
      channel: 'health',
      height: -1,
      prevHash: GENESIS_PREV_HASH,
      txs: [],
      firstOffset: 0,
      lastOffset: 0,
      time: 1,
    };
    expect(() => buildBlock(bad)).toThrow(expect.objectContaining({ code: 'block.invalid' }));
    expect(() => buildBlock({ ...bad, height: 0, prevHash: 'x' })).toThrow(ProtocolError);
    expect(() =>
      validateBlock({ header, hash: computeBlockHash(header), txs: [{ raw: 'zz', code: 'schema_error' }] }),
    ).toThrow(expect.objectContaining({ code: 'block.invalid' }));
    expect(() =>
      validateBlock({ header, hash: computeBlockHash(header), txs: [{ raw: '00', code: 'weird' }] }),
    ).toThrow(ProtocolError);
    expect(validateBlock({ header, hash: computeBlockHash(header), txs: [] }).header).toEqual(header);
  });
});
