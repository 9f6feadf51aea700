import type { TxSignatureVerifier } from '@accord/ledger-core';
import { verifyEd25519 } from '@accord/protocol';
import type { SignatureCheck, SignatureVerifierPool } from './signature-verifier.pool';

interface Verdict {
  readonly publicKey: string;
  readonly message: Uint8Array;
  readonly valid: boolean;
}

/**
 * Signature verdicts computed ahead of the BlockBuilder (on the worker
 * pool) for one batch of records, served through the builder's injectable
 * verify. A check the batch did not foresee (the signer's key changed
 * within the batch, say) is verified inline, so the builder always gets
 * exactly verifyEd25519's answer.
 */
export class PreverifiedSignatures {
  private readonly verdicts = new Map<string, Verdict>();
  private hitCount = 0;
  private missCount = 0;

  /** `inline`: verifies what the prefetch did not foresee (the pool's verifyOne; verifyEd25519 gives the same answers). */
  constructor(private readonly inline: TxSignatureVerifier = verifyEd25519) {}

  /** The verifier to hand to the BlockBuilder. */
  readonly verify: TxSignatureVerifier = (publicKeyHex, txIdBytes, signatureHex) => {
    const verdict = this.verdicts.get(signatureHex);
    if (verdict !== undefined && verdict.publicKey === publicKeyHex && sameBytes(verdict.message, txIdBytes)) {
      this.hitCount++;
      return verdict.valid;
    }
    this.missCount++;
    return this.inline(publicKeyHex, txIdBytes, signatureHex);
  };

  /** Verifies the checks on the pool and keeps the verdicts until clear(). */
  async prefetch(pool: SignatureVerifierPool, checks: readonly SignatureCheck[]): Promise<void> {
    if (checks.length === 0) return;
    const results = await pool.verifyBatch(checks);
    checks.forEach((check, i) =>
      this.verdicts.set(check.signature, { publicKey: check.publicKey, message: check.message, valid: results[i] }),
    );
  }

  clear(): void {
    this.verdicts.clear();
  }

  /** Verdicts served from the prefetch / verified inline since the last takeCounts(). */
  takeCounts(): { hits: number; misses: number } {
    const counts = { hits: this.hitCount, misses: this.missCount };
    this.hitCount = 0;
    this.missCount = 0;
    return counts;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}
