import {
  channelNameSchema,
  isProtocolError,
  memberIdSchema,
  parseCanonicalJson,
  parseEnvelope,
  ProtocolError,
  TxEnvelope,
  uintSchema,
  validityCodeForParseError,
  canonicalBytes,
} from '@accord/protocol';
import { z } from 'zod';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import {
  GovernancePayload,
  isGovernanceTxType,
  parseGovernancePayload,
  POLICY_BOUNDS,
} from '../governance/governance-tx.schema';

/** One record of a channel's tx topic, as the consumer hands it over. */
export interface LogRecord {
  /** Kafka offset: strictly increasing, not necessarily consecutive. */
  readonly offset: number;
  /** Log timestamp in ms (LogAppendTime); block time comes from here. */
  readonly timestamp: number;
  /** From the record's `kind` header; a record without one is a tx. */
  readonly kind: 'tx' | 'cut';
  readonly value: Uint8Array;
}

/** Asks every replica to close the open block of `height`; unsigned, informative `from`. */
export const cutMarkerSchema = z.strictObject({
  v: z.literal(1),
  channel: channelNameSchema,
  height: uintSchema,
  from: memberIdSchema,
});
export type CutMarker = z.output<typeof cutMarkerSchema>;

/** Cut markers are tiny; anything bigger is garbage and is not even parsed. */
export const MAX_CUT_MARKER_BYTES = 1024;

/** The bytes of a cut marker record (JCS). */
export function encodeCutMarker(marker: Omit<CutMarker, 'v'>): Uint8Array {
  return canonicalBytes(cutMarkerSchema.parse({ v: 1, ...marker }));
}

/** A tx record whose bytes parsed as an envelope. */
export interface ParsedTx {
  readonly envelope: TxEnvelope;
  readonly txId: string;
  /** The 32 bytes the signature covers. */
  readonly txIdBytes: Uint8Array;
  /** For a configuration tx type: its checked payload, or null when it fails its schema (`schema_error`). */
  readonly governance: GovernancePayload | null;
}

/**
 * A log record parsed once, independently of ledger state, so the service
 * can parse (and pre-verify signatures) ahead of the builder, e.g. on worker
 * threads. Size limits that depend on the policy are applied by the builder.
 */
export type PreparedRecord =
  | {
      readonly prepared: true;
      readonly kind: 'tx';
      readonly offset: number;
      readonly timestamp: number;
      readonly value: Uint8Array;
      /** Set when the bytes are an envelope of this protocol version. */
      readonly tx: ParsedTx | null;
      /** Set when they are not: the raw validity code. */
      readonly parseError: 'schema_error' | 'too_large' | 'unsupported_version' | null;
    }
  | {
      readonly prepared: true;
      readonly kind: 'cut';
      readonly offset: number;
      readonly timestamp: number;
      readonly value: Uint8Array;
      /** null for a garbage marker, which is ignored. */
      readonly marker: CutMarker | null;
    };

/** Parses a log record once: the envelope (or why it is not one) or the cut marker. Throws `record.invalid` on a malformed record. */
export function prepareRecord(record: LogRecord): PreparedRecord {
  checkRecord(record);
  const { offset, timestamp, value } = record;
  if (record.kind === 'cut')
    return { prepared: true, kind: 'cut', offset, timestamp, value, marker: parseCutMarker(value) };
  // No policy allows more than the bound, so such a record is too_large whatever the state.
  if (value.length > POLICY_BOUNDS.maxTxBytes.max) {
    return { prepared: true, kind: 'tx', offset, timestamp, value, tx: null, parseError: 'too_large' };
  }
  try {
    const { envelope, txId } = parseEnvelope(value, { maxTxBytes: POLICY_BOUNDS.maxTxBytes.max });
    const { type, payload } = envelope.body;
    const governance = isGovernanceTxType(type) ? (parseGovernancePayload(type, payload) ?? null) : null;
    const txIdBytes = Buffer.from(txId, 'hex');
    return {
      prepared: true,
      kind: 'tx',
      offset,
      timestamp,
      value,
      tx: { envelope, txId, txIdBytes, governance },
      parseError: null,
    };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return {
      prepared: true,
      kind: 'tx',
      offset,
      timestamp,
      value,
      tx: null,
      parseError: validityCodeForParseError(error as ProtocolError),
    };
  }
}

export function isPreparedRecord(record: LogRecord | PreparedRecord): record is PreparedRecord {
  return typeof record === 'object' && record !== null && (record as { prepared?: unknown }).prepared === true;
}

function parseCutMarker(value: Uint8Array): CutMarker | null {
  if (value.length > MAX_CUT_MARKER_BYTES) return null;
  try {
    const result = cutMarkerSchema.safeParse(parseCanonicalJson(value, { maxBytes: MAX_CUT_MARKER_BYTES }));
    return result.success ? result.data : null;
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return null;
  }
}

function checkRecord(record: LogRecord): void {
  if (record === null || typeof record !== 'object')
    throw new LedgerCoreError('record.invalid', 'log record must be an object');
  const { offset, timestamp, kind, value } = record;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new LedgerCoreError(
      'record.invalid',
      `log record offset must be a non-negative integer, got ${String(offset)}`,
    );
  }
  if (!Number.isSafeInteger(timestamp)) {
    throw new LedgerCoreError('record.invalid', `log record timestamp must be an integer, got ${String(timestamp)}`, {
      offset,
    });
  }
  if (kind !== 'tx' && kind !== 'cut') {
    throw new LedgerCoreError('record.invalid', `log record kind must be "tx" or "cut", got ${String(kind)}`, {
      offset,
    });
  }
  if (!(value instanceof Uint8Array))
    throw new LedgerCoreError('record.invalid', 'log record value must be bytes', { offset });
}
