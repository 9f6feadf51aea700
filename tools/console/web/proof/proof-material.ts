import { ApiError, callApi } from '../api/api-client';
import type { Session } from '../api/session';

/** What the browser needs to check a tx proof: the proof, the members' keys at its height, and the quorum. */
export interface ProofMaterial {
  readonly proof: unknown;
  readonly members: unknown;
  readonly quorum: number;
  /** Where the keys and quorum came from, shown next to the verdict. */
  readonly source: string;
}

interface ProofBundle {
  readonly proof: unknown;
  readonly members: unknown;
  readonly quorum: number;
  readonly height: number;
}

interface MembersAtHeight {
  readonly policy: { readonly quorum: unknown };
  readonly finalityQuorum: number;
  readonly members: readonly { readonly status: string }[];
}

/**
 * THE function that fetches proof material. It asks the ledger's proof
 * bundle (`GET /v1/txs/:txId/proof-bundle`: proof, members' keys and quorum
 * in force at its height, in one answer); a ledger without that route
 * (404 other than tx_not_found) gets the three reads it is made of.
 */
export async function loadProofMaterial(session: Session, txId: string, channel: string): Promise<ProofMaterial> {
  const query = `?channel=${encodeURIComponent(channel)}`;
  try {
    const bundle = await callApi<ProofBundle>(session, 'ledger', `/v1/txs/${txId}/proof-bundle${query}`);
    return {
      proof: bundle.proof,
      members: bundle.members,
      quorum: bundle.quorum,
      source: `ledger proof bundle: keys of the members at height ${bundle.height}, quorum ${bundle.quorum}`,
    };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404 || error.code === 'tx_not_found') throw error;
    return assembleProofMaterial(session, txId, channel);
  }
}

/** The proof, then the members' keys and the channel policy's finality quorum at the proof's height. */
async function assembleProofMaterial(session: Session, txId: string, channel: string): Promise<ProofMaterial> {
  const ch = encodeURIComponent(channel);
  const proof = await callApi<{ header: { height: number } }>(session, 'ledger', `/v1/txs/${txId}/proof?channel=${ch}`);
  const height = proof.header.height;
  const [members, config] = await Promise.all([
    callApi<unknown>(session, 'ledger', `/v1/channels/${ch}/members/keys?height=${height}`),
    callApi<MembersAtHeight>(session, 'ledger', `/v1/channels/${ch}/members?height=${height}`),
  ]);
  const active = config.members.filter((m) => m.status === 'active').length;
  return {
    proof,
    members,
    quorum: config.finalityQuorum,
    source: `members' keys at height ${height}; channel policy quorum "${String(config.policy.quorum)}" = ${config.finalityQuorum} of ${active} active members`,
  };
}
