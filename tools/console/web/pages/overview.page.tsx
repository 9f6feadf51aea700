import { href } from '../app/router';
import { useConsole } from '../app/console-context';
import { useApi } from '../app/use-api';
import { useDepartmentHealth } from '../app/use-health';
import { Badge, Loaded, Short } from '../components/status';

interface LedgerChannels {
  readonly channels: readonly {
    readonly channel: string;
    readonly kind: string | null;
    readonly activeMembers: number | null;
    readonly head: { readonly height: number; readonly hash: string } | null;
    readonly runner: { readonly state: string } | null;
  }[];
}

/** The departments behind this console with their services' readiness, and the channels this department follows. */
export function OverviewPage() {
  const { departments, session, principal } = useConsole();
  const channels = useApi<LedgerChannels>('ledger', '/v1/channels');
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <p>
        Logged in to <strong>{session.department}</strong>
        {principal ? (
          <>
            {' '}
            as <strong>{principal.name}</strong> with the roles {principal.roles.join(', ')}
          </>
        ) : null}
        .
      </p>
      <h2>Departments</h2>
      <ul class="cards departments">
        {departments.map((department) => (
          <DepartmentCard key={department} department={department} current={department === session.department} />
        ))}
      </ul>
      <h2>Channels followed by {session.department}</h2>
      <Loaded state={channels}>
        {(c) => (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Kind</th>
                <th scope="col">Members</th>
                <th scope="col">Head</th>
                <th scope="col">Runner</th>
              </tr>
            </thead>
            <tbody>
              {c.channels.map((entry) => (
                <tr key={entry.channel}>
                  <td>{entry.channel}</td>
                  <td>{entry.kind ?? '—'}</td>
                  <td>{entry.activeMembers ?? '—'}</td>
                  <td>
                    {entry.head ? (
                      <a href={href('chain')}>
                        #{entry.head.height} <Short value={entry.head.hash} length={8} />
                      </a>
                    ) : (
                      'no block yet'
                    )}
                  </td>
                  <td>
                    <Badge tone={entry.runner?.state === 'running' ? 'ok' : 'warn'}>
                      {entry.runner?.state ?? 'unknown'}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </section>
  );
}

function DepartmentCard({ department, current }: { readonly department: string; readonly current: boolean }) {
  const health = useDepartmentHealth(department);
  const ready = health?.filter((s) => s.ready).length;
  return (
    <li>
      <h3>
        {department} {current && <Badge tone="info">you</Badge>}
      </h3>
      {health === undefined ? (
        <p class="muted">Probing…</p>
      ) : (
        <p>
          <Badge tone={ready === health.length ? 'ok' : 'bad'}>
            {ready}/{health.length} services ready
          </Badge>{' '}
          <a href={href('health')}>details</a>
        </p>
      )}
    </li>
  );
}
