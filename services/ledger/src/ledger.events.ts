import type { ChannelConfig } from '@accord/ledger-core';
import type { Block, BlockHeader } from '@accord/protocol';

/**
 * Topics and messages of the ledger (docs/ledger.md "Topics"). Every topic
 * has one partition. Records on a tx topic carry a `kind` header: `tx`
 * (value = JCS of the envelope; also assumed when the header is missing or
 * unknown) or `cut` (value = JCS of a cut marker).
 */
export const txTopic = (channel: string): string => `accord.${channel}.tx`;
export const attestTopic = (channel: string): string => `accord.${channel}.attest`;
export const departmentBlocksTopic = (department: string): string => `accord.dept.${department}.blocks`;

export const KIND_HEADER = 'kind';
export type RecordKind = 'tx' | 'cut';

/** The record kind a tx-topic message header names (docs/ledger.md: no header = tx). */
export function recordKind(headers: Readonly<Record<string, string>>): RecordKind {
  return headers[KIND_HEADER] === 'cut' ? 'cut' : 'tx';
}

/**
 * `block.committed` on accord.dept.<department>.blocks: one per block this
 * department's ledger committed, in height order, at least once (a restart
 * may repeat the last ones; consumers skip heights they applied). `block`
 * is the complete block; only when that does not fit one bus message is it
 * sent without `txs` (`{header, hash}`), and consumers fetch the block from
 * GET /v1/channels/:channel/blocks/:height.
 */
export interface BlockCommittedEvent {
  readonly type: 'block.committed';
  readonly channel: string;
  readonly block: Block | { readonly header: BlockHeader; readonly hash: string };
  /** txId of each entry of `block.txs` (null for raw entries). */
  readonly txIds: readonly (string | null)[];
  /** The block changed the channel configuration (members, keys, policy, proposals). */
  readonly configChanged: boolean;
  /** The channel configuration after the block; present exactly when `configChanged`. */
  readonly config?: ChannelConfig;
}
