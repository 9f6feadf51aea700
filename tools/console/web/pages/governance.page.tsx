import { href } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, JsonBlock, Loaded, Short } from '../components/status';

interface Members {
  readonly height: number;
  readonly kind: string;
  readonly owner: string | null;
  readonly policy: Record<string, unknown> & { readonly quorum: unknown };
  readonly finalityQuorum: number;
  readonly members: readonly {
    readonly id: string;
    readonly status: string;
    readonly ed25519: string;
    readonly joinedAt: { height: number } | null;
    readonly leftAt: { height: number } | null;
  }[];
}

interface Vote {
  readonly member: string;
  readonly approve: boolean;
  readonly at: { readonly height: number; readonly index: number };
}

/** An open proposal as the ledger lists it (ledger-core proposalSchema plus its tally). */
type Proposal = {
  readonly id: string;
  readonly proposer: string;
  readonly openedAt: { readonly height: number; readonly index: number };
  readonly expiresAtHeight: number;
  readonly votes: readonly Vote[];
  readonly tally: { yes: number; no: number; activeMembers: number; approveAt: number; rejectAt: number };
} & (
  | { readonly type: 'member.join'; readonly applicant: { readonly id: string; readonly ed25519: string } }
  | { readonly type: 'policy.change'; readonly policy: Record<string, unknown> }
);

interface Proposals {
  readonly proposals: readonly Proposal[];
}

/** Members of the channel with their status and keys, its policy, and the open proposals with their tallies. */
export function GovernancePage() {
  const { channel } = useConsole();
  const ch = encodeURIComponent(channel ?? '');
  const members = useApi<Members>('ledger', `/v1/channels/${ch}/members`);
  const proposals = useApi<Proposals>('ledger', `/v1/channels/${ch}/proposals`);
  return (
    <section aria-labelledby="gov-title">
      <h1 id="gov-title">Governance of {channel}</h1>
      <Loaded state={members}>
        {(m) => (
          <>
            <dl class="facts">
              <dt>Kind</dt>
              <dd>{m.kind}</dd>
              <dt>Owner</dt>
              <dd>{m.owner ?? '—'}</dd>
              <dt>Finality quorum</dt>
              <dd>
                {m.finalityQuorum} (policy: {String(m.policy.quorum)})
              </dd>
              <dt>As of block</dt>
              <dd>#{m.height}</dd>
            </dl>
            <h2>Members</h2>
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Department</th>
                  <th scope="col">Status</th>
                  <th scope="col">Signing key</th>
                  <th scope="col">Joined at</th>
                  <th scope="col">Left at</th>
                </tr>
              </thead>
              <tbody>
                {m.members.map((member) => (
                  <tr key={member.id}>
                    <td>{member.id}</td>
                    <td>
                      <Badge tone={member.status === 'active' ? 'ok' : 'info'}>{member.status}</Badge>
                    </td>
                    <td>
                      <Short value={member.ed25519} />
                    </td>
                    <td>{member.joinedAt ? `#${member.joinedAt.height}` : '—'}</td>
                    <td>{member.leftAt ? `#${member.leftAt.height}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <JsonBlock summary="Channel policy" value={m.policy} />
          </>
        )}
      </Loaded>
      <h2>Open proposals</h2>
      <Loaded state={proposals}>
        {(p) =>
          p.proposals.length === 0 ? (
            <p>No open proposal.</p>
          ) : (
            <ul class="cards">
              {p.proposals.map((proposal) => (
                <ProposalCard
                  key={proposal.id}
                  proposal={proposal}
                  active={members.data?.members.filter((m) => m.status === 'active').map((m) => m.id)}
                />
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

/** One open proposal: what it asks, who voted how and where, who has not voted yet, and how far it is from a decision. */
function ProposalCard({ proposal, active }: { readonly proposal: Proposal; readonly active?: readonly string[] }) {
  const voted = new Set(proposal.votes.map((v) => v.member));
  const awaiting = active?.filter((id) => !voted.has(id));
  const title = proposal.type === 'member.join' ? `Admission of ${proposal.applicant.id}` : 'Policy change';
  return (
    <li aria-label={title}>
      <p>
        <strong>{title}</strong> <Badge tone="warn">open</Badge> — proposed by {proposal.proposer} in block{' '}
        <a href={href('block', { height: proposal.openedAt.height })}>#{proposal.openedAt.height}</a> (
        <a href={href('tx', { id: proposal.id })}>proposal tx</a>), votes count until block #{proposal.expiresAtHeight}
      </p>
      <p>
        {proposal.tally.yes} yes, {proposal.tally.no} no of {proposal.tally.activeMembers} members: approved at{' '}
        {proposal.tally.approveAt} yes, rejected at {proposal.tally.rejectAt} no.
        {awaiting && awaiting.length > 0 && <> Not voted yet: {awaiting.join(', ')}.</>}
      </p>
      {proposal.votes.length === 0 ? (
        <p class="muted">No vote yet.</p>
      ) : (
        <table class="data compact" aria-label={`Votes on: ${title}`}>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Vote</th>
              <th scope="col">In block</th>
            </tr>
          </thead>
          <tbody>
            {proposal.votes.map((vote) => (
              <tr key={vote.member}>
                <td>{vote.member}</td>
                <td>
                  <Badge tone={vote.approve ? 'ok' : 'bad'}>{vote.approve ? 'approve' : 'reject'}</Badge>
                </td>
                <td>
                  <a href={href('block', { height: vote.at.height })}>#{vote.at.height}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {proposal.type === 'member.join' ? (
        <p>
          Applicant's signing key: <Short value={proposal.applicant.ed25519} />
        </p>
      ) : (
        <JsonBlock summary="Proposed policy" value={proposal.policy} />
      )}
    </li>
  );
}
