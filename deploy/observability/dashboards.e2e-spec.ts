import { join } from 'node:path';
import { runCli, SERVICE_NAMES } from '@accord/cli';
import { startTestNetwork, type TestNetwork } from '@accord/cli/testing';
import { chartExpressions } from './observability-files';
import { exposedSampleNames, metricNamesIn, missingMetricReason } from './promql-metric-names';

jest.setTimeout(300_000);

/**
 * The check: every metric the chart's dashboards and alert rules
 * use is exposed by the services. The network runs on the embedded default
 * and plays `accord demo` first (uploads, requests, a transfer), and every
 * gateway runs a scrub: histograms and gauges appear with their first
 * value, counters from their creation (ServiceMetrics.counter).
 */
describe("the chart's dashboards and alert rules on a running network", () => {
  let network: TestNetwork;

  beforeAll(async () => {
    network = await startTestNetwork();
    const errors: string[] = [];
    const code = await runCli(['demo', '--video-mib', '1', '--json'], {
      out: () => undefined,
      err: (line) => errors.push(line),
      env: { HOME: join(network.dataDir, 'home'), ACCORD_DATA_DIR: network.dataDir },
    });
    expect({ code, errors }).toEqual({ code: 0, errors: [] });
    for (const department of network.departments) {
      const scrub = await fetch(`${department.urls['storage-gateway']}/v1/scrubber/runs?wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${department.token}` },
      });
      expect(scrub.status).toBe(200);
    }
  });

  afterAll(async () => {
    await network?.destroy();
  });

  /** Sample names of the four services' /metrics of one department. */
  async function exposedBy(department: TestNetwork['departments'][number]): Promise<Set<string>> {
    const names = new Set<string>();
    for (const service of SERVICE_NAMES) {
      const response = await fetch(`${department.urls[service]}/metrics`);
      expect(`${service}: ${response.status}`).toBe(`${service}: 200`);
      for (const name of exposedSampleNames(await response.text())) names.add(name);
    }
    return names;
  }

  it('exposes every metric a dashboard or rule uses in one department (public security, the requester of the demo)', async () => {
    const used = chartExpressions().flatMap(({ where, expr }) => metricNamesIn(expr).map((name) => ({ where, name })));
    expect(used.length).toBeGreaterThan(50);
    const exposed = await exposedBy(network.departments[2]);
    const missing = used.flatMap(({ where, name }) => {
      const reason = missingMetricReason(name, exposed);
      return reason === undefined ? [] : [`${where}: ${reason}`];
    });
    expect(missing).toEqual([]);
  });
});
