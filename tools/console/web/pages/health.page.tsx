import { useConsole } from '../app/console-context';
import type { ConsumerLag } from '../app/readiness-details';
import { useDepartmentHealth, type ServiceHealth } from '../app/use-health';
import { Badge } from '../components/status';

/** Readiness of every service of every department, with each check, and where each event consumer stands. */
export function HealthPage() {
  const { departments } = useConsole();
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Health</h1>
      <p class="muted">
        GET /health/ready of each service, refreshed every 10 seconds. A consumer's lag is the number of messages
        between its topic's log end and its next offset; a service is not ready while a consumer catches up or retries.
      </p>
      {departments.map((department) => (
        <DepartmentHealth key={department} department={department} />
      ))}
    </section>
  );
}

function DepartmentHealth({ department }: { readonly department: string }) {
  const health = useDepartmentHealth(department);
  return (
    <section aria-labelledby={`health-${department}`} class="panel">
      <h2 id={`health-${department}`}>{department}</h2>
      {health === undefined ? (
        <p class="muted">Probing…</p>
      ) : (
        <>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Ready</th>
                <th scope="col">Checks</th>
                <th scope="col">Consumer lag</th>
              </tr>
            </thead>
            <tbody>
              {health.map((s) => (
                <tr key={s.service} data-testid={`health-${department}-${s.service}`}>
                  <td>{s.service}</td>
                  <td>
                    {s.ready ? (
                      <Badge tone="ok">ready</Badge>
                    ) : (
                      <Badge tone="bad">{s.status === 0 ? 'unreachable' : `not ready (${s.status})`}</Badge>
                    )}
                  </td>
                  <td>
                    <ul class="inline">
                      {s.checks.map((check) => (
                        <li key={check.name} title={check.details}>
                          <Badge tone={check.up ? 'ok' : 'bad'}>
                            {check.name} {check.up ? 'up' : 'down'}
                          </Badge>
                        </li>
                      ))}
                    </ul>
                    {s.problem && <p class="field-error">{s.problem}</p>}
                  </td>
                  <td class="num">{lagSummary(s.consumers)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <ConsumerTable department={department} health={health} />
        </>
      )}
    </section>
  );
}

/** Every event consumer of the department's services: consumer · topic · state · lag · parked. */
function ConsumerTable({
  department,
  health,
}: {
  readonly department: string;
  readonly health: readonly ServiceHealth[];
}) {
  const rows = health.flatMap((s) => s.consumers.map((consumer) => ({ service: s.service, ...consumer })));
  const title = `consumers-${department}`;
  return (
    <>
      <h3 id={title}>Event consumers</h3>
      {rows.length === 0 ? (
        <p class="muted">No service reports an event consumer.</p>
      ) : (
        <table class="data compact" aria-labelledby={title}>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Consumer</th>
              <th scope="col">Topic</th>
              <th scope="col">State</th>
              <th scope="col">Lag (messages)</th>
              <th scope="col">Parked</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={`${row.service}/${row.consumer}/${row.topic}`}
                data-testid={`lag-${department}-${row.service}-${row.consumer}`}
              >
                <td>{row.service}</td>
                <th scope="row">{row.consumer}</th>
                <td>
                  <code>{row.topic}</code>
                </td>
                <td>
                  <Badge tone={stateTone(row.state)}>{row.state}</Badge>
                </td>
                <td class="num">{row.lag ?? <span class="muted">not measured yet</span>}</td>
                <td class="num">{row.parked}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A service's consumers in one cell of the service table: how many, and the messages they are behind in all. */
function lagSummary(consumers: readonly ConsumerLag[]): string {
  if (consumers.length === 0) return 'none';
  const total = consumers.reduce((sum, c) => sum + (c.lag ?? 0), 0);
  return `${total} (${consumers.length} ${consumers.length === 1 ? 'consumer' : 'consumers'})`;
}

function stateTone(state: string): 'ok' | 'warn' | 'bad' | 'info' {
  if (state === 'live') return 'ok';
  if (state === 'retrying') return 'bad';
  return 'warn';
}
