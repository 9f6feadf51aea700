import type { PreparedRecord } from '@accord/ledger-core';
import type { PreverifiedSignatures } from '../verification/preverified-signatures.cache';
import type { SignatureCheck, SignatureVerifierPool } from '../verification/signature-verifier.pool';

/** Records per signature pre-verification round. */
export const VERIFY_CHUNK = 512;

/** Below this many checks a chunk is verified inline: a handful of checks is cheaper than a round trip to a worker. */
const MIN_POOL_CHECKS = 8;

/** The key the block builder would check a record's signature with now; undefined when it would check none. */
export type SigningKeyOf = (record: PreparedRecord) => string | undefined;

/**
 * Feeds a batch of records to the block builder while their signatures are
 * verified on the worker pool ahead of it (docs/ledger-service.md
 * "Pipeline"): chunk by chunk, the next chunk's signatures are verified
 * while this one is fed. Its keys are guessed from the builder's state one
 * chunk back, so a membership change (e.g. the genesis) costs at most one
 * chunk of inline checks; PreverifiedSignatures checks inline whatever the
 * guess missed, so the builder always gets exactly verifyEd25519's answer.
 */
export class ChunkedSignatureVerifier {
  constructor(
    private readonly pool: SignatureVerifierPool,
    /** The verdict cache the builder verifies through. */
    private readonly signatures: PreverifiedSignatures,
    private readonly chunkSize = VERIFY_CHUNK,
  ) {}

  /**
   * Calls `feed` with every record, in order; returns how many signature
   * checks were served from the pool (hits) and verified inline (misses).
   */
  async feedVerified(
    records: readonly PreparedRecord[],
    signingKeyOf: SigningKeyOf,
    feed: (record: PreparedRecord) => void,
  ): Promise<{ hits: number; misses: number }> {
    const chunks: PreparedRecord[][] = [];
    for (let i = 0; i < records.length; i += this.chunkSize) chunks.push(records.slice(i, i + this.chunkSize));
    let verified = chunks.length > 0 ? this.preverify(chunks[0], signingKeyOf) : undefined;
    for (let c = 0; c < chunks.length; c++) {
      await verified;
      if (c + 1 < chunks.length) verified = this.preverify(chunks[c + 1], signingKeyOf);
      for (const record of chunks[c]) feed(record);
    }
    this.signatures.clear();
    return this.signatures.takeCounts();
  }

  /** Verifies the chunk's signatures on the pool with the keys the builder would use now. */
  private async preverify(records: readonly PreparedRecord[], signingKeyOf: SigningKeyOf): Promise<void> {
    const checks: SignatureCheck[] = [];
    for (const record of records) {
      if (record.kind !== 'tx' || record.tx === null) continue;
      const key = signingKeyOf(record);
      if (key !== undefined)
        checks.push({ publicKey: key, message: record.tx.txIdBytes, signature: record.tx.envelope.sig });
    }
    if (checks.length >= MIN_POOL_CHECKS) await this.signatures.prefetch(this.pool, checks);
  }
}
