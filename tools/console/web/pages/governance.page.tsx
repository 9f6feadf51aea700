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

interface Proposals {
  readonly proposals: readonly (Record<string, unknown> & {
    readonly id?: string;
    readonly kind?: string;
    readonly tally?: { yes: number; no: number; activeMembers: number; approveAt: number; rejectAt: number };
  })[];
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
              {p.proposals.map((proposal, i) => (
                <li key={proposal.id ?? i}>
                  <strong>{String(proposal.kind ?? proposal.type ?? 'proposal')}</strong>{' '}
                  {proposal.tally && (
                    <span>
                      — {proposal.tally.yes} yes, {proposal.tally.no} no of {proposal.tally.activeMembers} (approved at{' '}
                      {proposal.tally.approveAt}, rejected at {proposal.tally.rejectAt})
                    </span>
                  )}
                  <JsonBlock summary="Details" value={proposal} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
