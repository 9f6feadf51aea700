import { useConsole } from '../app/console-context';
import { useDepartmentHealth } from '../app/use-health';
import { Badge } from '../components/status';

/** Readiness of every service of every department, with each check and any consumer lag or parked events. */
export function HealthPage() {
  const { departments } = useConsole();
  return (
    <section aria-labelledby="health-title">
      <h1 id="health-title">Health</h1>
      <p class="muted">GET /health/ready and /metrics of each service, refreshed every 10 seconds.</p>
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
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Ready</th>
              <th scope="col">Checks</th>
              <th scope="col">Consumers</th>
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
                <td>
                  {s.consumers.length === 0 ? (
                    <span class="muted">no lag or parked events reported</span>
                  ) : (
                    <ul class="plain">
                      {s.consumers.map((c) => (
                        <li key={c.metric + c.labels}>
                          <code>
                            {c.metric}
                            {c.labels}
                          </code>{' '}
                          = {c.value}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
