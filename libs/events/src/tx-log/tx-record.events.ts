import { cutMarkerSchema, type CutMarker } from '@accord/ledger-core';
import { txEnvelopeSchema, type TxEnvelope } from '@accord/protocol';

/**
 * Records of a channel's tx topic (txTopic). They are protocol records, not
 * service events: their schemas belong to the byte-exact protocol
 * (`txEnvelopeSchema` in libs/protocol, `cutMarkerSchema` in
 * libs/ledger-core) and are re-exported here so a consumer finds every
 * topic's contract in one place. A record that fails them is NOT parked: every
 * replica must put it into its block as a raw entry with a validity code
 * (DESIGN.md: invalid txs are kept and flagged, not dropped).
 */
export { cutMarkerSchema, txEnvelopeSchema, type CutMarker, type TxEnvelope };

/** Header naming the kind of a tx-topic record. */
export const KIND_HEADER = 'kind';

/** `tx`: value = JCS of a tx envelope; `cut`: value = JCS of a cut marker. */
export type RecordKind = 'tx' | 'cut';

/** The headers of a tx-topic record of `kind`. */
export function txRecordHeaders(kind: RecordKind): Record<string, string> {
  return { [KIND_HEADER]: kind };
}

/** The record kind a tx-topic message header names (no header, or an unknown one, means tx). */
export function recordKind(headers: Readonly<Record<string, string>>): RecordKind {
  return headers[KIND_HEADER] === 'cut' ? 'cut' : 'tx';
}
