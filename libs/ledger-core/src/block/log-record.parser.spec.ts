import { canonicalBytes, encodeEnvelope, signTx } from '@accord/protocol';
import { testMember } from '../testing/ledger-log.builder';
import { encodeCutMarker, prepareRecord } from './log-record.parser';

const a = testMember('dept-a');

describe('prepareRecord', () => {
  it('parses an envelope once: txId, the signed bytes and the checked governance payload', () => {
    const envelope = signTx(
      {
        v: 1,
        channel: 'c',
        type: 'member.join.vote',
        from: 'dept-a',
        nonce: 1,
        ts: 2,
        payload: { proposal: 'ab'.repeat(32), approve: true },
      },
      a.signer,
    );
    const prepared = prepareRecord({ offset: 3, timestamp: 4, kind: 'tx', value: encodeEnvelope(envelope) });
    expect(prepared).toMatchObject({ prepared: true, kind: 'tx', offset: 3, timestamp: 4, parseError: null });
    if (prepared.kind !== 'tx' || prepared.tx === null) throw new Error('expected a parsed tx');
    expect(prepared.tx.envelope).toEqual(envelope);
    expect(Buffer.from(prepared.tx.txIdBytes).toString('hex')).toBe(prepared.tx.txId);
    expect(prepared.tx.governance).toEqual({
      type: 'member.join.vote',
      payload: { proposal: 'ab'.repeat(32), approve: true },
    });
  });

  it('marks a governance payload that fails its schema, and leaves other tx types alone', () => {
    const bad = signTx(
      { v: 1, channel: 'c', type: 'member.leave', from: 'dept-a', nonce: 1, ts: 2, payload: { why: 'x' } },
      a.signer,
    );
    const other = signTx(
      { v: 1, channel: 'c', type: 'dataset.register', from: 'dept-a', nonce: 2, ts: 2, payload: { why: 'x' } },
      a.signer,
    );
    for (const [envelope, governance] of [
      [bad, null],
      [other, null],
    ] as const) {
      const prepared = prepareRecord({ offset: 0, timestamp: 0, kind: 'tx', value: encodeEnvelope(envelope) });
      expect(prepared.kind === 'tx' && prepared.tx?.governance).toBe(governance);
    }
  });

  it('does not even parse a record above the largest maxTxBytes any policy allows', () => {
    const huge = new Uint8Array(16 * 1024 * 1024 + 1).fill(0x20);
    expect(prepareRecord({ offset: 0, timestamp: 0, kind: 'tx', value: huge })).toMatchObject({
      tx: null,
      parseError: 'too_large',
    });
  });

  it('round-trips cut markers and turns garbage markers into null', () => {
    const value = encodeCutMarker({ channel: 'c', height: 7, from: 'dept-a' });
    expect(Buffer.from(value).toString()).toBe('{"channel":"c","from":"dept-a","height":7,"v":1}');
    expect(prepareRecord({ offset: 0, timestamp: 0, kind: 'cut', value })).toMatchObject({
      marker: { v: 1, channel: 'c', height: 7, from: 'dept-a' },
    });
    for (const garbage of [
      '',
      'null',
      '{"channel":"c","from":"dept-a","height":-1,"v":1}',
      '{"channel":"c","extra":1,"from":"dept-a","height":7,"v":1}',
    ]) {
      expect(prepareRecord({ offset: 0, timestamp: 0, kind: 'cut', value: Buffer.from(garbage) })).toMatchObject({
        marker: null,
      });
    }
    expect(
      prepareRecord({ offset: 0, timestamp: 0, kind: 'cut', value: canonicalBytes({ pad: 'x'.repeat(2000) }) }),
    ).toMatchObject({ marker: null });
  });
});
