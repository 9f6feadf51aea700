import type { Receipt, ReceiptKind } from '@accord/rules';

/**
 * Topics the contracts service reads and writes (docs/contracts.md
 * "Events"). The first three belong to the ledger (docs/ledger.md "Topics");
 * every topic has one partition.
 */
export const departmentBlocksTopic = (department: string): string => `accord.dept.${department}.blocks`;
export const txTopic = (channel: string): string => `accord.${channel}.tx`;
export const attestTopic = (channel: string): string => `accord.${channel}.attest`;
export const decisionsTopic = (department: string): string => `accord.dept.${department}.decisions`;

/** Header of a record on a tx topic: `tx` for envelopes (the ledger's KIND_HEADER). */
export const KIND_HEADER = 'kind';

export const DECISION_EVENT_TYPE = 'contracts.decision';

/**
 * One receipt of an applied block, published on
 * accord.dept.<department>.decisions (as JCS) for the storage gateway and
 * the catalog, in (height, seq) order per channel, at least once: consumers
 * skip (channel, height, seq) they have seen.
 */
export interface DecisionEvent {
  readonly v: 1;
  readonly type: typeof DECISION_EVENT_TYPE;
  /** The receipt kind: granted, denied, pending, consented, refused, cancelled, revoked, expired, used, registered, updated, deprecated, rejected. */
  readonly kind: ReceiptKind;
  /** The receipt's reason code (docs/rules.md "Receipts"). */
  readonly code: string;
  readonly channel: string;
  readonly height: number;
  readonly blockHash: string;
  /** Block time (ms). */
  readonly time: number;
  /** Position of the receipt among the block's receipts, from 0. */
  readonly seq: number;
  /** The tx that caused it; null for effects of time, membership or parameters. */
  readonly txId: string | null;
  /** The request (= grant) id or dataset id the receipt is about; null when none. */
  readonly subject: string | null;
  /** The receipt exactly as the rule engine produced it. */
  readonly receipt: Receipt;
}
