import { exposedSampleNames, metricNamesIn, missingMetricReason } from './promql-metric-names';

describe('metricNamesIn', () => {
  it.each<[string, string, string[]]>([
    ['a bare selector', 'up', ['up']],
    [
      'a selector with matchers',
      'accord_ledger_head_height{accord_department="d", channel=~"a|b"}',
      ['accord_ledger_head_height'],
    ],
    [
      'functions, aggregation with by, ranges and Grafana variables',
      'sum by (channel, code) (rate(accord_ledger_txs_committed_total{channel=~"$channel"}[$__rate_interval]))',
      ['accord_ledger_txs_committed_total'],
    ],
    [
      'a histogram quantile with the grouping after the call',
      'histogram_quantile(0.95, sum(rate(accord_http_request_duration_seconds_bucket[5m])) by (le, accord_service))',
      ['accord_http_request_duration_seconds_bucket'],
    ],
    [
      'binary operators, bool, offset and numbers with exponents',
      'a_total - b_total offset 1h > bool 1e+3 and c unless d or e * inf',
      ['a_total', 'b_total', 'c', 'd', 'e'],
    ],
    ['vector matching lists', 'x / on (channel) group_left (kind) y + ignoring(code) z', ['x', 'y', 'z']],
    ['without', 'sum without (pod) (x)', ['x']],
    [
      'strings holding braces, quotes and names',
      'label_replace(x{a="}{\\"not_me"}, "dst", "$1", "src", "(not_me_either)")',
      ['x'],
    ],
    ['subqueries and durations', 'max_over_time(deriv(x[5m])[1h30m:1m])', ['x']],
    ['a ${var} and a comment', 'x{d="${department}"} # not_a_metric here\n + y', ['x', 'y']],
    ['functions of no series', 'time() - vector(1)', []],
    [
      'the stalled-chain rule',
      'changes(accord_ledger_head_height[15m]) == 0\nand (accord_ledger_open_block_txs > 0 or accord_ledger_runner_at_log_end == 0)',
      ['accord_ledger_head_height', 'accord_ledger_open_block_txs', 'accord_ledger_runner_at_log_end'],
    ],
  ])('finds the metrics of %s', (_what, expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });
});

describe('exposedSampleNames', () => {
  it('lists sample names, not HELP or TYPE lines', () => {
    const text = [
      '# HELP accord_x_total Things',
      '# TYPE accord_x_total counter',
      'accord_x_total{accord_service="ledger"} 3',
      '# TYPE accord_y_seconds histogram',
      'accord_y_seconds_bucket{le="0.1"} 1',
      'accord_y_seconds_sum 0.05',
      'accord_y_seconds_count 1',
      'accord_z 7',
      '',
    ].join('\n');
    expect([...exposedSampleNames(text)].sort()).toEqual([
      'accord_x_total',
      'accord_y_seconds_bucket',
      'accord_y_seconds_count',
      'accord_y_seconds_sum',
      'accord_z',
    ]);
  });
});

describe('missingMetricReason', () => {
  const exposed = new Set(['accord_x_total', 'accord_y_seconds_bucket', 'accord_z']);

  it('accepts exposed names', () => {
    expect(missingMetricReason('accord_z', exposed)).toBeUndefined();
  });

  it('names the suffix a counter or histogram is selected with', () => {
    expect(missingMetricReason('accord_x', exposed)).toBe('accord_x is a counter: select accord_x_total');
    expect(missingMetricReason('accord_y_seconds', exposed)).toMatch(/histogram: select accord_y_seconds_bucket/);
    expect(missingMetricReason('accord_w', exposed)).toBe('accord_w is not exposed by any service');
  });
});
