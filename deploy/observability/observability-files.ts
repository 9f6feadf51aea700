import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The chart's files this folder checks (docs/observability.md). */
export const CHART_FILES_DIR = join(__dirname, '..', 'helm', 'accord', 'files');
export const DASHBOARDS_DIR = join(CHART_FILES_DIR, 'dashboards');
export const RULES_FILE = join(CHART_FILES_DIR, 'prometheus-rules.yaml');

/** A PromQL expression of a dashboard or rule, and where it is (for messages). */
export interface UsedExpression {
  readonly where: string;
  readonly expr: string;
}

export interface DashboardFile {
  readonly file: string;
  readonly dashboard: unknown;
}

export function loadDashboards(dir = DASHBOARDS_DIR): DashboardFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown }));
}

export function loadRules(file = RULES_FILE): unknown {
  return parse(readFileSync(file, 'utf8')) as unknown;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Panels at any depth (rows may nest theirs). */
function panelsOf(container: Json): Json[] {
  return arrayOf(container.panels)
    .filter(isObject)
    .flatMap((p) => [p, ...panelsOf(p)]);
}

/**
 * What keeps a dashboard from being provisioned as Grafana JSON: uid, title,
 * schemaVersion, and every panel other than a row with a Prometheus
 * datasource and targets, each with a refId and an expression.
 */
export function dashboardProblems(dashboard: unknown): string[] {
  if (!isObject(dashboard)) return ['not a JSON object'];
  const problems: string[] = [];
  if (typeof dashboard.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(dashboard.uid))
    problems.push('uid: a string of at most 40 letters, digits, - or _');
  if (typeof dashboard.title !== 'string' || dashboard.title === '') problems.push('title: missing');
  if (typeof dashboard.schemaVersion !== 'number') problems.push('schemaVersion: missing');
  const panels = panelsOf(dashboard).filter((p) => p.type !== 'row');
  if (panels.length === 0) problems.push('panels: none');
  const ids = new Set<unknown>();
  for (const panel of panels) {
    const name = `panel ${JSON.stringify(panel.title)}`;
    if (ids.has(panel.id)) problems.push(`${name}: id ${String(panel.id)} used twice`);
    ids.add(panel.id);
    if (typeof panel.type !== 'string') problems.push(`${name}: type missing`);
    if (!isObject(panel.gridPos)) problems.push(`${name}: gridPos missing`);
    if (!isObject(panel.datasource) || panel.datasource.type !== 'prometheus')
      problems.push(`${name}: datasource is not a Prometheus one`);
    const targets = arrayOf(panel.targets);
    if (targets.length === 0) problems.push(`${name}: no targets`);
    for (const target of targets)
      if (
        !isObject(target) ||
        typeof target.refId !== 'string' ||
        typeof target.expr !== 'string' ||
        target.expr === ''
      )
        problems.push(`${name}: a target without refId or expr`);
  }
  return problems;
}

/**
 * The PromQL a dashboard runs: its panels' target expressions and the
 * series its `label_values(selector, label)` variables read.
 */
export function dashboardExpressions(file: string, dashboard: unknown): UsedExpression[] {
  if (!isObject(dashboard)) return [];
  const targets = panelsOf(dashboard).flatMap((panel) =>
    arrayOf(panel.targets)
      .filter(isObject)
      .filter((t) => typeof t.expr === 'string')
      .map((t) => ({ where: `${file}: ${String(panel.title)} (${String(t.refId)})`, expr: t.expr as string })),
  );
  const variables = arrayOf(isObject(dashboard.templating) ? dashboard.templating.list : [])
    .filter(isObject)
    .filter((v) => v.type === 'query')
    .flatMap((v) => {
      const query = isObject(v.query) ? v.query.query : v.query;
      const selector = typeof query === 'string' ? labelValuesSelector(query) : undefined;
      return selector === undefined ? [] : [{ where: `${file}: variable ${String(v.name)}`, expr: selector }];
    });
  return [...targets, ...variables];
}

/** The series selector of Grafana's `label_values(selector, label)` (none for `label_values(label)`). */
export function labelValuesSelector(query: string): string | undefined {
  const match = /^\s*label_values\(\s*(.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  return match?.[1];
}

/** What keeps the rules document from being a PrometheusRule's spec with the labels and annotations operators need. */
export function rulesProblems(rules: unknown): string[] {
  if (!isObject(rules) || !Array.isArray(rules.groups) || rules.groups.length === 0) return ['groups: missing'];
  const problems: string[] = [];
  for (const group of rules.groups) {
    if (!isObject(group) || typeof group.name !== 'string') {
      problems.push('a group without a name');
      continue;
    }
    for (const rule of arrayOf(group.rules)) {
      const name = isObject(rule) && typeof rule.alert === 'string' ? rule.alert : undefined;
      if (!isObject(rule) || name === undefined) {
        problems.push(`${group.name}: a rule that is not an alert`);
        continue;
      }
      if (typeof rule.expr !== 'string' || rule.expr.trim() === '') problems.push(`${name}: expr missing`);
      const labels = isObject(rule.labels) ? rule.labels : {};
      if (!['critical', 'warning', 'info'].includes(String(labels.severity)))
        problems.push(`${name}: severity label missing`);
      const annotations = isObject(rule.annotations) ? rule.annotations : {};
      for (const key of ['summary', 'description'])
        if (typeof annotations[key] !== 'string' || annotations[key] === '')
          problems.push(`${name}: ${key} annotation missing`);
    }
  }
  return problems;
}

export function ruleExpressions(rules: unknown): UsedExpression[] {
  if (!isObject(rules)) return [];
  return arrayOf(rules.groups)
    .filter(isObject)
    .flatMap((group) => arrayOf(group.rules).filter(isObject))
    .filter((rule) => typeof rule.expr === 'string')
    .map((rule) => ({
      where: `prometheus-rules.yaml: ${String(rule.alert ?? rule.record)}`,
      expr: rule.expr as string,
    }));
}

/** Every expression of the chart's dashboards and rules. */
export function chartExpressions(): UsedExpression[] {
  return [
    ...loadDashboards().flatMap(({ file, dashboard }) => dashboardExpressions(file, dashboard)),
    ...ruleExpressions(loadRules()),
  ];
}
