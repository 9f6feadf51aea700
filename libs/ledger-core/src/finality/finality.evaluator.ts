import type { Attestation } from '@accord/protocol';
import { LedgerCoreError } from '../errors/ledger-core.errors';
import type { ChannelConfig } from '../governance/channel-config.schema';
import type { AttestationRejection, ForkAlert } from './fork-alert.events';

/** Checks an attestation signature: Ed25519 by `publicKeyHex` over SHA-256(JCS(body)). */
export type AttestationSignatureVerifier = (attestation: Attestation, publicKeyHex: string) => boolean;

export interface BlockFinalityInput {
  /**
   * The configuration block `height` produced (ClosedBlock.config): its active
   * members are the possible attesters, its policy gives the quorum, its keys
   * (rotations of that block applied) check the signatures.
   */
  readonly config: ChannelConfig;
  readonly height: number;
  /** Our hash of block `height`. */
  readonly blockHash: string;
  /** Everything received for this channel and height (any kind; others are skipped). */
  readonly attestations: readonly Attestation[];
  /** Signature check; 'trusted' when the caller already checked with the same keys. */
  readonly verify?: AttestationSignatureVerifier | 'trusted';
}

export interface RejectedAttestation {
  readonly attestation: Attestation;
  readonly reason: AttestationRejection;
}

export interface BlockFinality {
  readonly height: number;
  readonly blockHash: string;
  readonly final: boolean;
  /** Distinct attestations needed. */
  readonly required: number;
  /** Active members attesting our hash, sorted. */
  readonly attesters: readonly string[];
  readonly alerts: readonly ForkAlert[];
  readonly rejected: readonly RejectedAttestation[];
}

/** Decides whether a block is final and reports divergent attestations (docs/ledger.md "Finality"). */
export function evaluateBlockFinality(input: BlockFinalityInput): BlockFinality {
  void input;
  throw new LedgerCoreError('finality.invalid', 'evaluateBlockFinality: implementation in progress');
}

export interface StateAgreementInput {
  readonly config: ChannelConfig;
  readonly height: number;
  /** Our hash of block `height`: state attestations about another block are divergent. */
  readonly blockHash: string;
  /** Our own contracts' digest after the block, when known. */
  readonly expectedDigest?: string;
  readonly attestations: readonly Attestation[];
  readonly verify?: AttestationSignatureVerifier | 'trusted';
}

export interface StateAgreement {
  readonly height: number;
  /** Each digest attested (for our block) and by whom, sorted by digest. */
  readonly digests: readonly { readonly stateDigest: string; readonly members: readonly string[] }[];
  /** The digest a quorum of active members agrees on, if any. */
  readonly agreed: string | null;
  readonly required: number;
  readonly alerts: readonly ForkAlert[];
  readonly rejected: readonly RejectedAttestation[];
}

/** Compares the contracts' state digests attested for one height. */
export function evaluateStateAttestations(input: StateAgreementInput): StateAgreement {
  void input;
  throw new LedgerCoreError('finality.invalid', 'evaluateStateAttestations: implementation in progress');
}
