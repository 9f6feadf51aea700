import { href } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { mayRead } from '../api/access';
import { Badge, Loaded, RequiresRoles, Short, time } from '../components/status';

interface Alert {
  readonly id: string;
  readonly channel: string;
  readonly height: number;
  readonly kind: string;
  readonly reason: string;
  readonly member: string | null;
  readonly expected: string | null;
  readonly observed: string | null;
  readonly raisedAt: number | string;
  readonly lastSeenAt: number | string;
}

interface ContractsChannels {
  readonly channels: readonly { readonly channel: string; readonly height: number; readonly halted: unknown }[];
}

interface Scrubber {
  readonly lastRun: { readonly finishedAt: string | number; readonly objectsChecked: number } | null;
  readonly findings: readonly (Record<string, unknown> & { readonly kind?: string; readonly object?: string })[];
}

/** Forks, tampering and divergence the ledger raised, halted rule engines, and the scrubber's findings. */
export function AlertsPage() {
  const { channel, principal } = useConsole();
  const alerts = useApi<{ alerts: readonly Alert[] }>(
    'ledger',
    `/v1/alerts?channel=${encodeURIComponent(channel ?? '')}`,
  );
  const contracts = useApi<ContractsChannels>('contracts', '/v1/channels');
  const scrubber = useApi<Scrubber>('storage-gateway', mayRead(principal, 'scrubber') ? '/v1/scrubber' : null);
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <h2>Forks, tampering and divergence on {channel}</h2>
      <Loaded state={alerts}>
        {(a) =>
          a.alerts.length === 0 ? (
            <p>
              <Badge tone="ok">none</Badge> No fork, tamper or divergence alert.
            </p>
          ) : (
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Block</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Department</th>
                  <th scope="col">Expected</th>
                  <th scope="col">Observed</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {a.alerts.map((alert) => (
                  <tr key={alert.id}>
                    <td>
                      <a href={href('block', { height: alert.height })}>#{alert.height}</a>
                    </td>
                    <td>{alert.kind}</td>
                    <td>
                      <Badge tone="bad">{alert.reason}</Badge>
                    </td>
                    <td>{alert.member ?? '—'}</td>
                    <td>{alert.expected ? <Short value={alert.expected} /> : '—'}</td>
                    <td>{alert.observed ? <Short value={alert.observed} /> : '—'}</td>
                    <td>{typeof alert.lastSeenAt === 'number' ? time(alert.lastSeenAt) : alert.lastSeenAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <h2>Rule engine</h2>
      <Loaded state={contracts}>
        {(c) => {
          const halted = c.channels.filter((entry) => entry.halted !== null && entry.halted !== undefined);
          return halted.length === 0 ? (
            <p>
              <Badge tone="ok">running</Badge> The rules apply every channel.
            </p>
          ) : (
            <ul>
              {halted.map((entry) => (
                <li key={entry.channel}>
                  <Badge tone="bad">halted</Badge> {entry.channel} at #{entry.height}: {JSON.stringify(entry.halted)}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
      <h2>Scrubber findings</h2>
      <RequiresRoles read="scrubber">
        <Loaded state={scrubber}>
          {(s) => (
            <>
              <p class="muted">
                {s.lastRun
                  ? `Last run finished ${String(s.lastRun.finishedAt)}, ${s.lastRun.objectsChecked} objects checked.`
                  : 'No finished run yet.'}
              </p>
              {s.findings.length === 0 ? (
                <p>
                  <Badge tone="ok">none</Badge> No damaged or missing object.
                </p>
              ) : (
                <ul>
                  {s.findings.map((finding, i) => (
                    <li key={i}>
                      <Badge tone="bad">{String(finding.kind ?? 'finding')}</Badge> {JSON.stringify(finding)}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Loaded>
      </RequiresRoles>
    </section>
  );
}
