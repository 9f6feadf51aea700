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
  readonly members: Readonly<Record<string, unknown>>;
  readonly quorum: number;
  readonly height: number;
}

/** The channel's configuration at a height (ledger `GET /v1/channels/:channel/members?height=`). */
interface PolicyAtHeight {
  readonly policy: { readonly quorum: unknown };
  readonly finalityQuorum: number;
  readonly members: readonly { readonly status: string }[];
}

/**
 * THE function that fetches proof material. It asks the ledger's proof
 * bundle (`GET /v1/txs/:txId/proof-bundle`: proof, members' keys and quorum
 * in force at its height, in one answer) and reads the channel policy at
 * that height to say which rule the quorum comes from; a ledger without the
 * bundle route (404 other than tx_not_found) gets the reads it is made of.
 */
export async function loadProofMaterial(session: Session, txId: string, channel: string): Promise<ProofMaterial> {
  const query = `?channel=${encodeURIComponent(channel)}`;
  let bundle: ProofBundle;
  try {
    bundle = await callApi<ProofBundle>(session, 'ledger', `/v1/txs/${txId}/proof-bundle${query}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404 || error.code === 'tx_not_found') throw error;
    return assembleProofMaterial(session, txId, channel);
  }
  const policy = await policyAt(session, channel, bundle.height);
  // The bundle and the policy come from the same ledger; should they ever disagree, check with the stricter.
  const quorum = Math.max(bundle.quorum, policy.finalityQuorum);
  const disagreement =
    bundle.quorum === policy.finalityQuorum
      ? ''
      : ` (the bundle said ${bundle.quorum}, the policy gives ${policy.finalityQuorum}: checked with ${quorum})`;
  return {
    proof: bundle.proof,
    members: bundle.members,
    quorum,
    source: `ledger proof bundle at height ${bundle.height}: keys of ${Object.keys(bundle.members).length} members; ${quorumRule(policy)}${disagreement}`,
  };
}

/** The proof, then the members' keys and the channel policy's finality quorum at the proof's height. */
async function assembleProofMaterial(session: Session, txId: string, channel: string): Promise<ProofMaterial> {
  const ch = encodeURIComponent(channel);
  const proof = await callApi<{ header: { height: number } }>(session, 'ledger', `/v1/txs/${txId}/proof?channel=${ch}`);
  const height = proof.header.height;
  const [members, policy] = await Promise.all([
    callApi<unknown>(session, 'ledger', `/v1/channels/${ch}/members/keys?height=${height}`),
    policyAt(session, channel, height),
  ]);
  return {
    proof,
    members,
    quorum: policy.finalityQuorum,
    source: `members' keys at height ${height}; ${quorumRule(policy)}`,
  };
}

function policyAt(session: Session, channel: string, height: number): Promise<PolicyAtHeight> {
  return callApi<PolicyAtHeight>(
    session,
    'ledger',
    `/v1/channels/${encodeURIComponent(channel)}/members?height=${height}`,
  );
}

/** E.g. `quorum 2 = channel policy "majority" of 3 active members`. */
function quorumRule(policy: PolicyAtHeight): string {
  const active = policy.members.filter((m) => m.status === 'active').length;
  return `quorum ${policy.finalityQuorum} = channel policy "${String(policy.policy.quorum)}" of ${active} active members`;
}
