import {
  canonicalBytes,
  txIdBytes,
  txLeafHash,
  type EnvelopeEntry,
  type RawEntry,
  type TxEnvelope,
} from '@accord/protocol';
import { testMember } from '@accord/protocol/testing';
import { TxFactory } from '../testing/ledger-api.fixture';
import { storedEntryDigest } from './stored-entry.digests';

const a = testMember('dept-a');

function envelopeEntry(): { entry: EnvelopeEntry; bytes: Buffer } {
  const envelope = new TxFactory('digests').tx(a, 'test.note', { text: 'héllo "quoted"', n: [1, 2, 3] });
  return { entry: { envelope, code: 'valid' }, bytes: Buffer.from(canonicalBytes(envelope)) };
}

describe('storedEntryDigest', () => {
  it('gives the leaf hash and txId of an envelope stored as its JCS, without re-encoding', () => {
    const { entry, bytes } = envelopeEntry();
    const digest = storedEntryDigest(entry, bytes);
    expect(Buffer.from(digest.leafHash)).toEqual(Buffer.from(txLeafHash(entry)));
    expect(Buffer.from(digest.txId as Uint8Array)).toEqual(Buffer.from(txIdBytes(entry.envelope.body)));
  });

  it('gives the leaf hash of a raw entry and no txId', () => {
    const bytes = Buffer.from('{"not":"an envelope"');
    const entry: RawEntry = { raw: bytes.toString('hex'), code: 'schema_error' };
    expect(storedEntryDigest(entry, bytes)).toEqual({ leafHash: txLeafHash(entry) });
  });

  it('hashes bytes that are not the canonical form as they are (the tx root then disagrees) and leaves the txId to re-encoding', () => {
    const { entry, bytes } = envelopeEntry();
    const spaced = Buffer.from(bytes.toString('utf8').replace('{"body":', '{ "body":'));
    const digest = storedEntryDigest(entry, spaced);
    expect(Buffer.from(digest.leafHash)).not.toEqual(Buffer.from(txLeafHash(entry)));
    expect(digest.txId).toBeUndefined();
  });

  it('takes no txId from an envelope that is not {body, sig} with a lowercase hex signature', () => {
    const { entry, bytes } = envelopeEntry();
    // As the audit reads them: the entry parsed from the very bytes.
    const parsed = (text: string): EnvelopeEntry => ({ envelope: JSON.parse(text) as TxEnvelope, code: entry.code });
    const upper = bytes.toString('utf8').replace(entry.envelope.sig, entry.envelope.sig.toUpperCase());
    expect(storedEntryDigest(parsed(upper), Buffer.from(upper)).txId).toBeUndefined();
    const extra = `${bytes.toString('utf8').slice(0, -1)},"x":1}`;
    expect(storedEntryDigest(parsed(extra), Buffer.from(extra)).txId).toBeUndefined();
    const short = bytes.toString('utf8').replace(entry.envelope.sig, entry.envelope.sig.slice(2));
    expect(storedEntryDigest(parsed(short), Buffer.from(short)).txId).toBeUndefined();
  });
});
