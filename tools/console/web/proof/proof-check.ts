/* eslint-disable no-restricted-imports -- the browser bundle imports the protocol's modules one by one: its entry point also exports the key-wrap module, whose AES-GCM/HKDF node:crypto calls have no browser stand-in (docs/console.md) */
import { membersSchema } from '@accord/protocol/src/members/members.schema';
import { txProofSchema } from '@accord/protocol/src/proof/tx-proof.schema';
import { verifyTxProof, type TxProofVerification } from '@accord/protocol/src/proof/tx-proof.verifier';

export type ProofCheck =
  TxProofVerification | { readonly ok: false; readonly code: 'proof.malformed'; readonly reason: string };

/**
 * Checks a tx proof in the browser with the protocol's own verifier (the
 * bundle swaps its node:crypto modules for pure-JS ones): inclusion under
 * the block's tx root, the block hash, the attestations of distinct members
 * up to `quorum`, and the tx signature.
 */
export function checkProof(proof: unknown, members: unknown, quorum: number): ProofCheck {
  const parsedProof = txProofSchema.safeParse(proof);
  if (!parsedProof.success) return malformed('proof', parsedProof.error.issues);
  const parsedMembers = membersSchema.safeParse(members);
  if (!parsedMembers.success) return malformed('members', parsedMembers.error.issues);
  try {
    return verifyTxProof(parsedProof.data, parsedMembers.data, { quorum });
  } catch (error) {
    return { ok: false, code: 'proof.malformed', reason: error instanceof Error ? error.message : String(error) };
  }
}

function malformed(what: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): ProofCheck {
  const first = issues[0];
  return {
    ok: false,
    code: 'proof.malformed',
    reason: `the ${what} is malformed${first ? ` at ${first.path.map(String).join('.') || '(root)'}: ${first.message}` : ''}`,
  };
}
