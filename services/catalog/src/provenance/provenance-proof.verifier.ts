import { validateTxProof, verifyTxProof, type Members, type TxProofFailureCode } from '@accord/protocol';

/** What the verifier reads of a trail entry (a ProvenanceEntry, or one parsed from the HTTP answer). */
export interface ProvableEntry {
  readonly channel: string;
  readonly height: number;
  readonly kind: string;
  readonly txId: string | null;
  readonly proof: unknown;
}

/** The members' keys to check an entry's proof with: one set, or the set in force at the entry's height. */
export type ProvenanceKeys = Members | ((entry: ProvableEntry) => Members);

export type ProvenanceProofFailureCode =
  | TxProofFailureCode
  /** The entry has a txId but no proof. */
  | 'proof.missing'
  /** The proof does not have the form of a TxProof. */
  | 'proof.invalid'
  /** A valid proof, but of another tx, height or channel than the entry says, or of a tx committed as invalid. */
  | 'proof.entry_mismatch';

export type ProvenanceProofCheck =
  | {
      readonly txId: string;
      readonly height: number;
      readonly kind: string;
      readonly ok: true;
      readonly blockHash: string;
      readonly attesters: readonly string[];
    }
  | {
      readonly txId: string;
      readonly height: number;
      readonly kind: string;
      readonly ok: false;
      readonly code: ProvenanceProofFailureCode;
      readonly reason: string;
    };

export interface ProvenanceProofReport {
  /** Every entry with a txId carries a proof that verifies and matches it. */
  readonly ok: boolean;
  /** One check per entry with a txId, in the entries' order. */
  readonly checks: readonly ProvenanceProofCheck[];
  /** Entries without a txId (effects of time): nothing to prove. */
  readonly withoutTx: number;
}

/**
 * Checks the proofs of a provenance trail offline (docs/catalog-provenance-export.md
 * "Verifying the proofs"): each entry's proof must verify with verifyTxProof against
 * the members' keys with at least `quorum` attestations (default: every member), and
 * prove that very entry: its txId, at its height, on its channel, committed as valid.
 * Pure; an invalid proof is a result, only an invalid quorum throws (`quorum.invalid`).
 */
export function verifyProvenanceProofs(
  entries: readonly ProvableEntry[],
  keys: ProvenanceKeys,
  quorum?: number,
): ProvenanceProofReport {
  const checks: ProvenanceProofCheck[] = [];
  let withoutTx = 0;
  for (const entry of entries) {
    if (entry.txId === null) {
      withoutTx++;
      continue;
    }
    checks.push(
      checkEntry(entry as ProvableEntry & { txId: string }, typeof keys === 'function' ? keys(entry) : keys, quorum),
    );
  }
  return { ok: checks.every((c) => c.ok), checks, withoutTx };
}

function checkEntry(
  entry: ProvableEntry & { readonly txId: string },
  members: Members,
  quorum?: number,
): ProvenanceProofCheck {
  const { txId, height, kind } = entry;
  const fail = (code: ProvenanceProofFailureCode, reason: string): ProvenanceProofCheck => ({
    txId,
    height,
    kind,
    ok: false,
    code,
    reason,
  });
  if (entry.proof === null || entry.proof === undefined)
    return fail('proof.missing', `entry ${kind} of tx ${txId} has no proof`);
  let proof;
  try {
    proof = validateTxProof(entry.proof);
  } catch (error) {
    return fail('proof.invalid', (error as Error).message);
  }
  const result = verifyTxProof(proof, members, quorum === undefined ? {} : { quorum });
  if (!result.ok) return fail(result.code, result.reason);
  if (result.txId !== txId || result.height !== height || result.channel !== entry.channel) {
    return fail(
      'proof.entry_mismatch',
      `the proof is of tx ${result.txId} at ${result.channel}/${result.height}, the entry of tx ${txId} at ${entry.channel}/${height}`,
    );
  }
  if (result.validity !== 'valid') {
    return fail('proof.entry_mismatch', `tx ${txId} was committed as ${result.validity}, not valid`);
  }
  return { txId, height, kind, ok: true, blockHash: result.blockHash, attesters: result.attesters };
}
