import { href } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { Badge, Loaded, Short, time } from '../components/status';

interface Decision {
  readonly kind: string;
  readonly code: string | null;
  readonly message: string;
  readonly checks: readonly { readonly name: string; readonly status: string; readonly message: string }[];
}

interface RequestItem {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly dataset: string;
  readonly purpose: string;
  readonly status: string;
  readonly code: string | null;
  readonly requestedAt: { readonly height: number; readonly time: number };
  readonly decision: Decision | null;
}

interface GrantItem {
  readonly id: string;
  readonly requester: string;
  readonly provider: string;
  readonly dataset: string;
  readonly status: string;
  readonly purpose?: string;
  readonly expiresAt?: number;
}

interface MemberTxs {
  readonly txs: readonly { txId: string; height: number; index: number; type: string; code: string }[];
  readonly next: string | null;
}

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info'> = {
  granted: 'ok',
  active: 'ok',
  pending: 'warn',
  denied: 'bad',
  refused: 'bad',
  rejected: 'bad',
};

/** Access requests with the rules' decisions and reasons, grants, and this department's access history. */
export function SharingPage() {
  const { channel, session } = useConsole();
  const ch = encodeURIComponent(channel ?? '');
  const requests = useApi<{ items: readonly RequestItem[] }>('contracts', `/v1/channels/${ch}/requests?limit=100`);
  const grants = useApi<{ items: readonly GrantItem[] }>('contracts', `/v1/channels/${ch}/grants?limit=100`);
  const history = useApi<MemberTxs>(
    'ledger',
    `/v1/channels/${ch}/members/${encodeURIComponent(session.department)}/txs?limit=200`,
  );
  return (
    <section aria-labelledby="sharing-title">
      <h1 id="sharing-title">Sharing on {channel}</h1>
      <h2>Requests and decisions</h2>
      <Loaded state={requests}>
        {(r) =>
          r.items.length === 0 ? (
            <p>No access request on this channel yet.</p>
          ) : (
            <ul class="cards">
              {r.items.map((item) => (
                <li key={item.id}>
                  <p>
                    <Badge tone={STATUS_TONE[item.status] ?? 'info'}>{item.status}</Badge>{' '}
                    <strong>{item.requester}</strong> asked <strong>{item.provider}</strong> for{' '}
                    <code>{item.dataset}</code> (purpose {item.purpose}) at block{' '}
                    <a href={href('block', { height: item.requestedAt.height })}>#{item.requestedAt.height}</a> —{' '}
                    <a href={href('tx', { id: item.id })}>request tx</a>
                  </p>
                  {item.decision && (
                    <details>
                      <summary>
                        Decision: {item.decision.kind}
                        {item.decision.code ? ` (${item.decision.code})` : ''} — {item.decision.message}
                      </summary>
                      <table class="data compact">
                        <thead>
                          <tr>
                            <th scope="col">Check</th>
                            <th scope="col">Result</th>
                            <th scope="col">Reason</th>
                          </tr>
                        </thead>
                        <tbody>
                          {item.decision.checks.map((check) => (
                            <tr key={check.name}>
                              <td>{check.name}</td>
                              <td>
                                <Badge tone={check.status === 'pass' ? 'ok' : check.status === 'fail' ? 'bad' : 'info'}>
                                  {check.status}
                                </Badge>
                              </td>
                              <td>{check.message}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <h2>Grants</h2>
      <Loaded state={grants}>
        {(g) =>
          g.items.length === 0 ? (
            <p>No grant on this channel yet.</p>
          ) : (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Grant</th>
                  <th scope="col">Dataset</th>
                  <th scope="col">To</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {g.items.map((grant) => (
                  <tr key={grant.id}>
                    <td>
                      <Short value={grant.id} />
                    </td>
                    <td>{grant.dataset}</td>
                    <td>{grant.requester}</td>
                    <td>
                      <Badge tone={STATUS_TONE[grant.status] ?? 'info'}>{grant.status}</Badge>
                    </td>
                    <td>{time(grant.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <h2>Access history of {session.department}</h2>
      <Loaded state={history}>
        {(h) => {
          const accesses = h.txs.filter((tx) => /^(access|storage|grant|transfer)\./.test(tx.type));
          return accesses.length === 0 ? (
            <p>No access tx signed by {session.department} on this channel yet.</p>
          ) : (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Block</th>
                  <th scope="col">Type</th>
                  <th scope="col">Validity</th>
                  <th scope="col">Tx</th>
                </tr>
              </thead>
              <tbody>
                {[...accesses].reverse().map((tx) => (
                  <tr key={tx.txId}>
                    <td>
                      <a href={href('block', { height: tx.height })}>#{tx.height}</a>
                    </td>
                    <td>{tx.type}</td>
                    <td>
                      <Badge tone={tx.code === 'valid' ? 'ok' : 'bad'}>{tx.code}</Badge>
                    </td>
                    <td>
                      <a href={href('tx', { id: tx.txId })}>
                        <Short value={tx.txId} />
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Loaded>
    </section>
  );
}
