import { Issue } from '../common/rules-ids.schema';
import { DatasetRecord, GrantRecord, RequestRecord } from '../state/rules-state.schema';

/** Why the rules turned down a well-formed request for an existing, active dataset (receipt kind `denied`). */
export const DENIAL_CODES = [
  'purpose_not_allowed',
  'duration_too_long',
  'level_too_low',
  'sensitivity_not_allowed',
  'insufficient_points',
  'privacy_guard',
] as const;
export type DenialCode = (typeof DENIAL_CODES)[number];

/** Why a tx could not apply at all (receipt kind `rejected`); the state is unchanged. */
export const REJECTION_CODES = [
  'invalid_payload',
  'invalid_policy',
  'invalid_parameters',
  'dataset_exists',
  'unknown_dataset',
  'dataset_deprecated',
  'not_owner',
  'version_not_next',
  'requester_not_member',
  'provider_not_member',
  'own_dataset',
  'duplicate_request',
  'unknown_request',
  'request_not_pending',
  'not_provider',
  'not_requester',
  'unknown_grant',
  'grant_not_active',
  'grant_exhausted',
  'amount_overflow',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Codes of the other receipt kinds. */
export const OUTCOME_CODES = [
  'ok',
  'auto',
  'consent_required',
  'exhausted',
  'provider_refused',
  'requester_cancelled',
  'provider_revoked',
  'member_removed',
  'dataset_deprecated',
  'request_expired',
  'grant_expired',
] as const;
export type OutcomeCode = (typeof OUTCOME_CODES)[number];

/** Every reason code a receipt can carry: stable strings, never renamed or reused. */
export type ReasonCode = DenialCode | RejectionCode | OutcomeCode;

export interface ReceiptBase {
  readonly height: number;
  /** Block time. */
  readonly time: number;
  /** Index of the causing tx in its block; null for effects of time or membership at a block boundary. */
  readonly index: number | null;
  readonly txId: string | null;
  /** Signer of the causing tx; null when there is none. */
  readonly from: string | null;
}

/** A grant the privacy guard counts against a request. */
export interface ConflictingGrant {
  readonly grant: string;
  readonly dataset: string;
  readonly provider: string;
  readonly subjectKey: string;
  readonly purpose: string;
  readonly expiresAt: number;
}

export type CheckName =
  | 'requester_member'
  | 'dataset_known'
  | 'dataset_active'
  | 'provider_member'
  | 'not_own_dataset'
  | 'no_duplicate'
  | 'purpose'
  | 'duration'
  | 'level'
  | 'sensitivity'
  | 'points'
  | 'privacy_guard'
  | 'consent';

/** One step of an access decision; `pending` only for `consent` (the provider must decide). */
export interface Check {
  readonly name: CheckName;
  readonly status: 'pass' | 'fail' | 'skipped' | 'pending';
  /** The reason code when the check fails. */
  readonly code: DenialCode | RejectionCode | null;
  readonly message: string;
}

export interface RegisteredReceipt extends ReceiptBase {
  readonly kind: 'registered';
  readonly code: 'ok';
  readonly dataset: string;
  readonly record: DatasetRecord;
  readonly points: number;
}

export interface UpdatedReceipt extends ReceiptBase {
  readonly kind: 'updated';
  readonly code: 'ok';
  readonly dataset: string;
  readonly record: DatasetRecord;
  readonly points: number;
}

export interface DeprecatedReceipt extends ReceiptBase {
  readonly kind: 'deprecated';
  readonly code: 'ok';
  readonly dataset: string;
  readonly reason: string | null;
}

export interface PendingReceipt extends ReceiptBase {
  readonly kind: 'pending';
  readonly code: 'consent_required';
  readonly request: RequestRecord;
  readonly checks: readonly Check[];
}

export interface GrantedReceipt extends ReceiptBase {
  readonly kind: 'granted';
  readonly code: 'auto';
  readonly request: RequestRecord;
  readonly grant: GrantRecord;
  readonly checks: readonly Check[];
}

export interface ConsentedReceipt extends ReceiptBase {
  readonly kind: 'consented';
  readonly code: 'ok';
  readonly request: string;
  readonly grant: GrantRecord;
}

export interface DeniedReceipt extends ReceiptBase {
  readonly kind: 'denied';
  readonly code: DenialCode;
  /** The request's id: the access.request txId, or the pending request a consent tried to grant. */
  readonly request: string;
  /** `request`: denied when made (nothing is stored); `consent`: a pending request failed its re-check at consent (held points come back). */
  readonly stage: 'request' | 'consent';
  readonly requester: string;
  readonly dataset: string;
  readonly purpose: string;
  readonly refund: number;
  readonly message: string;
  readonly checks: readonly Check[];
  readonly conflicts: readonly ConflictingGrant[];
}

export interface RefusedReceipt extends ReceiptBase {
  readonly kind: 'refused';
  readonly code: 'provider_refused';
  readonly request: string;
  readonly refund: number;
  readonly reason: string | null;
}

export interface CancelledReceipt extends ReceiptBase {
  readonly kind: 'cancelled';
  readonly code: 'requester_cancelled' | 'member_removed' | 'dataset_deprecated';
  readonly request: string;
  readonly refund: number;
}

export interface RevokedReceipt extends ReceiptBase {
  readonly kind: 'revoked';
  readonly code: 'provider_revoked' | 'member_removed';
  readonly grant: string;
  readonly reason: string | null;
}

export type ExpiredReceipt =
  | (ReceiptBase & {
      readonly kind: 'expired';
      readonly code: 'request_expired';
      readonly request: string;
      readonly refund: number;
    })
  | (ReceiptBase & { readonly kind: 'expired'; readonly code: 'grant_expired'; readonly grant: string });

export interface UsedReceipt extends ReceiptBase {
  readonly kind: 'used';
  /** `exhausted`: this was the grant's last allowed access. */
  readonly code: 'ok' | 'exhausted';
  readonly grant: string;
  readonly dataset: string;
  readonly provider: string;
  readonly bytes: number;
  readonly accessesUsed: number;
  readonly maxAccesses: number | null;
  /** The access counted towards maxRewardedUsesPerGrant (and earned `points`, the use points then in force). */
  readonly rewarded: boolean;
  readonly points: number;
}

export interface RejectedReceipt extends ReceiptBase {
  readonly kind: 'rejected';
  readonly code: RejectionCode;
  /** The tx type, or `policy` for rule parameters a configuration brought that did not validate. */
  readonly type: string;
  readonly message: string;
  readonly issues: readonly Issue[];
}

/**
 * What the rules decided, in order: the events the state evolves by and the
 * record the contracts service stores and publishes. A rejected or
 * request-stage denied receipt changes nothing.
 */
export type Receipt =
  | RegisteredReceipt
  | UpdatedReceipt
  | DeprecatedReceipt
  | PendingReceipt
  | GrantedReceipt
  | ConsentedReceipt
  | DeniedReceipt
  | RefusedReceipt
  | CancelledReceipt
  | RevokedReceipt
  | ExpiredReceipt
  | UsedReceipt
  | RejectedReceipt;

export type ReceiptKind = Receipt['kind'];
