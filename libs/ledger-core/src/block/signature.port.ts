import { verifyEd25519 } from '@accord/protocol';

/**
 * Checks one tx signature: Ed25519 by `publicKeyHex` over the 32 txId bytes.
 * Injectable so the service can verify batches on worker threads ahead of
 * the builder and answer from a cache; it must return exactly what
 * {@link verifyTxSignature} would, or replicas diverge.
 */
export type TxSignatureVerifier = (publicKeyHex: string, txIdBytes: Uint8Array, signatureHex: string) => boolean;

export const verifyTxSignature: TxSignatureVerifier = (publicKeyHex, txIdBytes, signatureHex) =>
  verifyEd25519(publicKeyHex, txIdBytes, signatureHex);
