import { canonicalBytes, fromHex, sha256Hex, signAttestation, encodeAttestation } from '@accord/protocol';
import { RulesHarness, testMember } from '@accord/rules/testing';
import {
  attestTopic,
  BLOCK_COMMITTED,
  blockCommittedHeaders,
  blockCommittedTxIdsSchema,
  blocksTopic,
  deadLetterTopic,
  DECISION_EVENT_TYPE,
  decisionHeaders,
  decisionsTopic,
  decodeAttestationEvent,
  decodeBlockCommitted,
  decodeDecisionEvent,
  encodeParkedEvent,
  MAX_PARKED_VALUE_BYTES,
  parkedEvent,
  parkedEventHeaders,
  parkedEventSchema,
  recordKind,
  txRecordHeaders,
  txTopic,
  type DecisionEvent,
} from './index';

const a = testMember('dept-a');
const b = testMember('dept-b');
const bytes = (value: unknown): Uint8Array => canonicalBytes(value);

function chain(): RulesHarness {
  const h = RulesHarness.given([a, b]);
  h.register(a, 'roads');
  h.closeBlock();
  return h;
}

describe('topic names', () => {
  it('spells every topic as the running systems do (fixed vectors)', () => {
    expect(txTopic('roads')).toBe('accord.roads.tx');
    expect(attestTopic('roads')).toBe('accord.roads.attest');
    expect(blocksTopic('dept-a')).toBe('accord.dept.dept-a.blocks');
    expect(decisionsTopic('dept-a')).toBe('accord.dept.dept-a.decisions');
    expect(deadLetterTopic('dept-a', 'contracts')).toBe('accord.dlq.dept-a.contracts');
  });

  it('names tx-topic records by their kind header, a missing or unknown one meaning tx', () => {
    expect(txRecordHeaders('cut')).toEqual({ kind: 'cut' });
    expect(recordKind(txRecordHeaders('cut'))).toBe('cut');
    expect(recordKind(txRecordHeaders('tx'))).toBe('tx');
    expect(recordKind({})).toBe('tx');
    expect(recordKind({ kind: 'other' })).toBe('tx');
  });
});

describe('block.committed', () => {
  const h = chain();
  const closed = h.blocks[1];
  const event = {
    type: BLOCK_COMMITTED,
    channel: 'test-channel',
    block: closed.block,
    txIds: closed.txIds,
    configChanged: false,
  };

  it('reads the events already on the logs, which carry no version field, as version 1', () => {
    const decoded = decodeBlockCommitted(bytes(event));
    expect(decoded).toEqual({ ok: true, event: { ...event, block: JSON.parse(JSON.stringify(closed.block)) } });
    expect(decodeBlockCommitted(bytes({ ...event, v: 1 })).ok).toBe(true);
  });

  it('reads the header-only form and an event with its configuration', () => {
    const headerOnly = { ...event, block: { header: closed.block.header, hash: closed.block.hash } };
    expect(decodeBlockCommitted(bytes(headerOnly))).toMatchObject({ ok: true, event: headerOnly });
    const genesis = h.blocks[0];
    const withConfig = {
      ...event,
      block: genesis.block,
      txIds: genesis.txIds,
      configChanged: true,
      config: genesis.config,
    };
    expect(decodeBlockCommitted(bytes(withConfig))).toMatchObject({ ok: true, event: { config: genesis.config } });
  });

  it('ignores top-level fields a newer ledger may add', () => {
    const decoded = decodeBlockCommitted(bytes({ ...event, finality: 'soon' }));
    expect(decoded.ok && 'finality' in decoded.event).toBe(false);
  });

  it('refuses an unknown version, a wrong type, a broken block and non-JSON with a code', () => {
    expect(decodeBlockCommitted(bytes({ ...event, v: 2 }))).toMatchObject({
      ok: false,
      failure: { code: 'event_invalid', message: expect.stringContaining('v:') },
    });
    expect(decodeBlockCommitted(bytes({ ...event, type: 'block.other' }))).toMatchObject({ ok: false });
    const extra = { ...event, block: { ...closed.block, extra: 1 } };
    expect(decodeBlockCommitted(bytes(extra))).toMatchObject({ ok: false, failure: { code: 'event_invalid' } });
    expect(decodeBlockCommitted(Buffer.from('{"type":'))).toEqual({
      ok: false,
      failure: { code: 'event_not_json', message: 'block.committed record is not JSON' },
    });
    expect(decodeBlockCommitted(Uint8Array.of(0xff, 0xfe))).toMatchObject({
      ok: false,
      failure: { code: 'event_not_json' },
    });
  });

  it('has a txIds projection that reads the same events without parsing the envelopes', () => {
    const parsed = blockCommittedTxIdsSchema.parse(JSON.parse(Buffer.from(bytes(event)).toString()));
    expect(parsed.txIds).toEqual(closed.txIds);
    expect(parsed.block.txs?.map((t) => t.code)).toEqual(closed.block.txs.map((t) => t.code));
    expect(blockCommittedTxIdsSchema.safeParse({ ...event, v: 2 }).success).toBe(false);
  });

  it('names type, channel and height in the headers', () => {
    expect(blockCommittedHeaders('roads', 7)).toEqual({ type: 'block.committed', channel: 'roads', height: '7' });
  });
});

describe('contracts.decision', () => {
  const h = chain();
  const receipt = h.results[1].receipts[0];
  const event: DecisionEvent = {
    v: 1,
    type: DECISION_EVENT_TYPE,
    kind: receipt.kind,
    code: receipt.code,
    channel: 'test-channel',
    height: receipt.height,
    blockHash: h.blocks[1].block.hash,
    time: receipt.time,
    seq: 0,
    txId: receipt.txId,
    subject: 'dept-a/roads',
    receipt,
  };

  it('round-trips a decision with its receipt exactly as the rule engine produced it', () => {
    expect(receipt.kind).toBe('registered');
    expect(decodeDecisionEvent(bytes(event))).toEqual({ ok: true, event: JSON.parse(JSON.stringify(event)) });
    expect(decisionHeaders(event)).toEqual({
      type: 'contracts.decision',
      kind: 'registered',
      channel: 'test-channel',
      height: String(receipt.height),
    });
  });

  it('refuses a wrong version, an unknown receipt kind and a receipt that contradicts the event', () => {
    expect(decodeDecisionEvent(bytes({ ...event, v: 2 }))).toMatchObject({
      ok: false,
      failure: { code: 'event_invalid' },
    });
    expect(decodeDecisionEvent(bytes({ ...event, kind: 'vanished' }))).toMatchObject({ ok: false });
    const contradicting = decodeDecisionEvent(bytes({ ...event, receipt: { ...receipt, height: receipt.height + 1 } }));
    expect(contradicting).toMatchObject({ ok: false, failure: { message: expect.stringContaining('receipt.height') } });
    expect(decodeDecisionEvent(bytes({ ...event, receipt: { kind: 'registered' } }))).toMatchObject({ ok: false });
  });
});

describe('attestations', () => {
  const body = {
    v: 1,
    channel: 'roads',
    height: 3,
    blockHash: 'ab'.repeat(32),
    from: 'dept-a',
    kind: 'block',
  } as const;

  it('reads a signed attestation from its JCS bytes', () => {
    const attestation = signAttestation(body, a.signer);
    expect(decodeAttestationEvent(encodeAttestation(attestation))).toEqual({ ok: true, event: attestation });
  });

  it('refuses garbage, non-canonical JSON and a wrong version with a code', () => {
    const attestation = signAttestation(body, a.signer);
    expect(decodeAttestationEvent(Buffer.from('not json'))).toMatchObject({
      ok: false,
      failure: { code: 'event_not_json' },
    });
    expect(decodeAttestationEvent(Buffer.from(JSON.stringify(attestation, null, 1)))).toMatchObject({
      ok: false,
      failure: { code: 'event_invalid' },
    });
    const v2 = { ...attestation, body: { ...attestation.body, v: 2 } };
    expect(decodeAttestationEvent(bytes(v2))).toMatchObject({ ok: false, failure: { code: 'event_invalid' } });
  });
});

describe('event.parked', () => {
  const record = {
    topic: 'accord.dept.dept-a.blocks',
    offset: 41,
    timestamp: 1_700_000_000_123,
    value: Buffer.from('not json'),
    headers: { type: 'block.committed' },
  };

  it('keeps where the record came from, its bytes and why it was parked', () => {
    const parked = parkedEvent('contracts', record, { code: 'event_not_json', message: 'not JSON' });
    expect(parked).toEqual({
      v: 1,
      type: 'event.parked',
      consumer: 'contracts',
      topic: 'accord.dept.dept-a.blocks',
      offset: 41,
      timestamp: 1_700_000_000_123,
      key: null,
      headers: { type: 'block.committed' },
      value: Buffer.from('not json').toString('hex'),
      valueBytes: 8,
      valueSha256: sha256Hex(Buffer.from('not json')),
      truncated: false,
      reason: { code: 'event_not_json', message: 'not JSON' },
    });
    expect(parkedEventSchema.parse(JSON.parse(Buffer.from(encodeParkedEvent(parked)).toString()))).toEqual(parked);
    expect(parkedEventHeaders(parked)).toEqual({
      type: 'event.parked',
      topic: 'accord.dept.dept-a.blocks',
      offset: '41',
      code: 'event_not_json',
    });
  });

  it('copies at most MAX_PARKED_VALUE_BYTES of a huge record, identifying the whole by its hash', () => {
    const value = new Uint8Array(MAX_PARKED_VALUE_BYTES + 10).fill(7);
    const parked = parkedEvent('contracts', { ...record, key: 'roads', value }, { code: 'x', message: '' });
    expect(parked).toMatchObject({
      key: 'roads',
      truncated: true,
      valueBytes: value.length,
      valueSha256: sha256Hex(value),
    });
    expect(Buffer.from(fromHex(parked.value)).equals(value.subarray(0, MAX_PARKED_VALUE_BYTES))).toBe(true);
  });
});
