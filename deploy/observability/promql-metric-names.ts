/**
 * The metric names a PromQL expression reads, so the chart's dashboards and
 * alert rules can be checked against what the services expose. A metric
 * name is an identifier that is not a function (followed by `(`), a
 * keyword, a label name (inside `{...}` or a `by`/`without`/`on`/`ignoring`/
 * `group_left`/`group_right` list), a duration or a Grafana variable
 * (`$department`, `$__rate_interval`). Strings, comments, label matchers and
 * range brackets are skipped whole.
 */
export function metricNamesIn(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === '"' || ch === "'" || ch === '`') i = afterString(expr, i);
    else if (ch === '#') i = afterComment(expr, i);
    else if (ch === '{') i = afterBracketed(expr, i, '{', '}');
    else if (ch === '[') i = afterBracketed(expr, i, '[', ']');
    else if (ch === '$') i = afterVariable(expr, i);
    else if (/[0-9.]/.test(ch)) i = afterWhile(expr, i, /[0-9a-zA-Z_.+]/, true);
    else if (/[a-zA-Z_:]/.test(ch)) {
      const end = afterWhile(expr, i, /[a-zA-Z0-9_:]/);
      const word = expr.slice(i, end);
      const next = afterWhile(expr, end, /\s/);
      if (GROUPING.has(word)) i = expr[next] === '(' ? afterBracketed(expr, next, '(', ')') : end;
      else {
        if (expr[next] !== '(' && !KEYWORDS.has(word.toLowerCase())) names.add(word);
        i = end;
      }
    } else i++;
  }
  return [...names].sort();
}

/** Keywords whose parenthesised list names labels, not series. */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Binary operators, literals, and aggregation operators (which may be followed by `by (...)` before their `(`). */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

function afterString(expr: string, start: number): number {
  const quote = expr[start];
  let i = start + 1;
  while (i < expr.length && expr[i] !== quote) i += expr[i] === '\\' && quote !== '`' ? 2 : 1;
  return i + 1;
}

function afterComment(expr: string, start: number): number {
  const end = expr.indexOf('\n', start);
  return end === -1 ? expr.length : end + 1;
}

/** After the bracket that closes the one at `start`, strings inside included. */
function afterBracketed(expr: string, start: number, open: string, close: string): number {
  let depth = 0;
  let i = start;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      i = afterString(expr, i);
      continue;
    }
    if (ch === open) depth++;
    else if (ch === close && --depth === 0) return i + 1;
    i++;
  }
  return expr.length;
}

/** A Grafana variable: `$name`, `${name}` or `${name:format}`. */
function afterVariable(expr: string, start: number): number {
  if (expr[start + 1] === '{') return afterBracketed(expr, start + 1, '{', '}');
  return afterWhile(expr, start + 1, /[a-zA-Z0-9_]/);
}

/** Numbers and durations (`0.95`, `1e3`, `5m`, `1h30m`): an exponent's sign belongs to them. */
function afterWhile(expr: string, start: number, allowed: RegExp, number = false): number {
  let i = start;
  while (i < expr.length && allowed.test(expr[i])) {
    if (number && expr[i] === '+' && !/[eE]/.test(expr[i - 1])) break;
    i++;
  }
  return i;
}

/**
 * The sample names of a Prometheus text exposition (`x_total`,
 * `x_bucket`, `x_sum`, `x_count`, gauges as named): what a query can select.
 */
export function exposedSampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (match !== null) names.add(match[1]);
  }
  return names;
}

/**
 * Why a used name selects nothing, or undefined when it is exposed: a
 * counter is selected with `_total`, a histogram with `_bucket`, `_sum` or
 * `_count`.
 */
export function missingMetricReason(name: string, exposed: ReadonlySet<string>): string | undefined {
  if (exposed.has(name)) return undefined;
  if (exposed.has(`${name}_total`)) return `${name} is a counter: select ${name}_total`;
  if (exposed.has(`${name}_bucket`)) return `${name} is a histogram: select ${name}_bucket, _sum or _count`;
  return `${name} is not exposed by any service`;
}
