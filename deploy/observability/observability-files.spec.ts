import { readFileSync } from 'node:fs';
import {
  chartExpressions,
  dashboardExpressions,
  dashboardProblems,
  labelValuesSelector,
  loadDashboards,
  loadRules,
  RULES_FILE,
  ruleExpressions,
  rulesProblems,
} from './observability-files';
import { metricNamesIn } from './promql-metric-names';

/** The chart's dashboards and rules, offline: they parse and have the shape Grafana and Prometheus need. */
describe("the chart's dashboards", () => {
  const dashboards = loadDashboards();

  it('are the five the operators need, with distinct uids', () => {
    expect(dashboards.map((d) => d.file)).toEqual([
      'consumer-lag.json',
      'department-overview.json',
      'ledger-channel.json',
      'sharing-activity.json',
      'storage-gateway.json',
    ]);
    const uids = dashboards.map((d) => (d.dashboard as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboards.map((d) => [d.file, d.dashboard] as const))('%s is Grafana dashboard JSON', (_file, dashboard) => {
    expect(dashboardProblems(dashboard)).toEqual([]);
  });

  it.each(dashboards.map((d) => [d.file, d.dashboard] as const))(
    '%s filters every query by the $department variable',
    (file, dashboard) => {
      for (const { where, expr } of dashboardExpressions(file, dashboard).filter(
        (e) => !e.where.includes('variable department'),
      ))
        expect(`${where}: ${expr}`).toMatch(/accord_department="\$department"/);
    },
  );
});

describe('dashboardProblems', () => {
  it('names what is missing', () => {
    const panel = { id: 1, type: 'timeseries', title: 'p', gridPos: {}, datasource: { type: 'loki' }, targets: [{}] };
    expect(dashboardProblems({ uid: 'has spaces', panels: [panel] })).toEqual([
      'uid: a string of at most 40 letters, digits, - or _',
      'title: missing',
      'schemaVersion: missing',
      'panel "p": datasource is not a Prometheus one',
      'panel "p": a target without refId or expr',
    ]);
  });
});

describe('labelValuesSelector', () => {
  it("gives a variable's series selector", () => {
    expect(labelValuesSelector('label_values(x{a="$b"}, channel)')).toBe('x{a="$b"}');
    expect(labelValuesSelector('label_values(channel)')).toBeUndefined();
  });
});

describe("the chart's alert rules", () => {
  const rules = loadRules();

  it('are a PrometheusRule spec: groups of alerts with a severity, a summary and a description', () => {
    expect(rulesProblems(rules)).toEqual([]);
  });

  it('contain no template braces (the chart embeds the file as it is)', () => {
    expect(readFileSync(RULES_FILE, 'utf8')).not.toContain('{{');
  });

  it('cover forks, tamper, a stalled chain, consumer lag, scrubber mismatches and halted contracts channels', () => {
    const names = ruleExpressions(rules).map((r) => r.where.replace('prometheus-rules.yaml: ', ''));
    expect(names).toEqual(
      expect.arrayContaining([
        'AccordLedgerForkDetected',
        'AccordLedgerTamperDetected',
        'AccordLedgerChainStalled',
        'AccordConsumerLagHigh',
        'AccordScrubberMismatch',
        'AccordContractsChannelHalted',
      ]),
    );
  });

  it('names what is missing', () => {
    expect(rulesProblems({ groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'x > 0' }, { record: 'r' }] }] })).toEqual(
      [
        'A: severity label missing',
        'A: summary annotation missing',
        'A: description annotation missing',
        'g: a rule that is not an alert',
      ],
    );
  });
});

describe('chartExpressions', () => {
  it('read only Accord metrics (checked against running services by dashboards.e2e-spec.ts)', () => {
    const names = new Set(chartExpressions().flatMap((e) => metricNamesIn(e.expr)));
    expect(names.size).toBeGreaterThan(30);
    for (const name of names) expect(name).toMatch(/^accord_/);
  });
});
