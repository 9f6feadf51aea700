/**
 * A sign that replicas disagree about the chain (`block`) or about the
 * contracts' state after a block (`state`):
 * - `divergent`: a member attests a value other than ours for that height;
 * - `equivocation`: one member attests two different values for one height;
 * - `split`: (state, when we have no digest of our own) members attest different digests.
 * `id` is stable, so the service can store each alert once however often it re-evaluates.
 */
export interface ForkAlert {
  readonly id: string;
  readonly kind: 'block' | 'state';
  readonly reason: 'divergent' | 'equivocation' | 'split';
  readonly channel: string;
  readonly height: number;
  /** The member at fault; null for a split. */
  readonly member: string | null;
  /** Which attested value disagrees. */
  readonly field: 'blockHash' | 'stateDigest';
  /** Our value, when we have one. */
  readonly expected: string | null;
  /** The values seen (sorted, distinct). */
  readonly observed: readonly string[];
}

/** Why an attestation was left out of a finality decision. */
export type AttestationRejection = 'wrong_channel' | 'wrong_height' | 'wrong_kind' | 'not_a_member' | 'bad_signature';
